"""The partner page answers with what the user acts on first (contacts, agreements, contact
history, proposals); its lower sections (outcomes and their figures, consortia, experts,
programmes, delegations, change history) come as one block once in view, and as a page of their
own without JavaScript."""
from datetime import datetime

from crm.auth.models import Role

WORK = {"HX-Request": "true", "HX-Target": "partner-work"}


def test_the_partner_page_leaves_its_lower_sections_to_a_block_of_their_own(client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner(name="EBG Germany")
    factory.interaction(partner, subject="Annual review")
    page = client.get(f"/partners/{partner}").text
    assert "Annual review" in page and 'id="contact-history"' in page  # the first response
    block = page[page.index('<div id="partner-work"'):]
    block = block[:block.index("</div>")]
    assert f'hx-get="/partners/{partner}/work" hx-trigger="revealed" hx-swap="outerHTML"' in block
    assert f'<a href="/partners/{partner}/work">' in block
    assert 'id="outcomes-heading"' not in page and 'id="history-heading"' not in page


def test_the_block_loads_in_place_with_htmx(client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner(name="EBG Germany")
    fragment = client.get(f"/partners/{partner}/work", headers=WORK)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "hx-get" not in fragment.text
    assert fragment.text.startswith('<div id="partner-work">')
    for heading in ("outcomes-heading", "trips-heading", "visits-heading", "history-heading"):
        assert f'id="{heading}"' in fragment.text
    assert "HX-Target" in fragment.headers["Vary"]  # a cache keeps the page and the block apart


def test_without_javascript_the_block_is_a_page_of_its_own(client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner(name="EBG Germany")
    page = client.get(f"/partners/{partner}/work")
    assert page.status_code == 200 and "<html" in page.text
    assert '<h1 class="h4">EBG Germany: outcomes, cooperation and delegations</h1>' in page.text
    assert f'<a href="/partners/{partner}">EBG Germany</a>' in page.text  # back to the partner
    assert 'id="outcomes-heading"' in page.text and 'id="history-heading"' in page.text


def test_an_archived_or_missing_partner_has_no_block(client, auth, factory):
    auth.login(Role.STAFF)
    gone = factory.partner(name="Gone", archived_at=datetime(2026, 1, 1))
    assert client.get(f"/partners/{gone}/work").status_code == 404
    assert client.get("/partners/999999/work", headers=WORK).status_code == 404
