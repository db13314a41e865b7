"""In a real browser with htmx running: what users typed stays text, htmx attributes in it stay inert."""
import re
from datetime import datetime

from playwright.sync_api import expect

from crm.auth.models import Role
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner, PartnerKind

TRAP = '<button hx-post="/logout" hx-trigger="load">trap</button><img src=x onerror="document.title=\'pwned\'">'


def _still_logged_in(page, live_server):
    page.wait_for_load_state("networkidle")  # any htmx request the page would make has been made
    page.goto(f"{live_server}/account")
    expect(page).to_have_url(re.compile(r"/account$"))


def test_htmx_attributes_typed_into_notes_and_filters_stay_inert_text(page, live_server, live_db, live_user, login):
    user = live_user(Role.STAFF)
    with live_db.app_context():
        partner = Partner(name="Holmesglen Institute", kind=PartnerKind.VOCATIONAL, country="AU", notes=TRAP)
        db.session.add(partner)
        db.session.flush()
        db.session.add(Interaction(partner_id=partner.id, author_id=user["id"], occurred_at=datetime(2026, 1, 5, 9),
                                   kind=InteractionKind.MEETING, subject="Visit", summary=TRAP))
        db.session.commit()
        partner_id = partner.id
    login(user)

    page.goto(f"{live_server}/partners/{partner_id}")
    expect(page.get_by_text('<button hx-post="/logout"').first).to_be_visible()
    expect(page.get_by_role("button", name="trap")).to_have_count(0)
    expect(page).not_to_have_title("pwned")
    _still_logged_in(page, live_server)

    page.goto(f"{live_server}/partners?country=" + TRAP.replace("#", "%23"))
    expect(page.get_by_text('No country is called “<button hx-post="/logout"').first).to_be_visible()
    expect(page.get_by_role("button", name="trap")).to_have_count(0)
    _still_logged_in(page, live_server)
