"""Everything users typed is rendered escaped everywhere (pages, fragments, flash messages,
<title>), htmx attributes typed into text stay inert, and every export is formula-safe."""
import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp

# An element with an event handler, an htmx attribute that would log the reader out, a script.
PAYLOAD = '<img src=x onerror=alert(1)><b hx-get="/logout" hx-trigger="load">x</b><script>alert(2)</script>'
RAW_MARKERS = ("<img src=x", "<b hx-get", 'hx-get="/logout"', "<script>alert(2)")
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def assert_inert(text: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in text, (where, marker)


@pytest.fixture
def tainted(app, auth, make_user, factory):
    """Every text a user types, holding the payload; the staff user's own name too."""
    user = auth.login(Role.ADMIN)
    author = make_user(Role.STAFF, name=PAYLOAD)
    pid = factory.partner(name=f"P {PAYLOAD}", local_name=PAYLOAD, short_name="PX", city=PAYLOAD, notes=PAYLOAD,
                          owner_id=author.id)
    cid = factory.contact(pid, name=f"C {PAYLOAD}", position=PAYLOAD, notes=PAYLOAD)
    today = office_today()
    aid = factory.agreement([pid], title=f"A {PAYLOAD}", notes=PAYLOAD, subjects=PAYLOAD, owner_id=user.id,
                            valid_until=today + timedelta(days=40), notice_days=30)
    iid = factory.interaction(pid, subject=f"I {PAYLOAD}", summary=PAYLOAD, location=PAYLOAD, author_id=user.id)
    rid = factory.proposal(pid, title=f"R {PAYLOAD}", description=PAYLOAD, next_step=PAYLOAD, owner_id=user.id)
    factory.follow_up(title=f"F {PAYLOAD}", interaction_id=iid, assignee_id=user.id, due_on=today - timedelta(days=2))
    factory.follow_up(title=f"G {PAYLOAD}", agreement_id=aid, assignee_id=user.id, due_on=today + timedelta(days=2))
    return {"partner": pid, "contact": cid, "agreement": aid, "interaction": iid, "proposal": rid,
            "author": author.id, "user": user}


def _pages(ids):
    p, a, i, r, c = ids["partner"], ids["agreement"], ids["interaction"], ids["proposal"], ids["contact"]
    return [
        ("/", None), ("/partners", None), ("/partners?q=P", "partner-results"), ("/partners", "partner-more"),
        (f"/partners/{p}", None), (f"/partners/{p}/edit", None), (f"/partners/{p}/archive", None),
        (f"/partners/{p}/contacts", "contacts"), (f"/partners/{p}/contacts/{c}", f"contact-{c}"),
        (f"/partners/{p}/contacts/{c}/edit", None), (f"/partners/{p}/contacts/{c}/edit", f"contact-{c}"),
        (f"/partners/{p}/history", None), (f"/partners/{p}/history", "contact-history"),
        ("/partners/countries", None), ("/agreements", None), ("/agreements?q=A", "agreement-results"),
        (f"/agreements/{a}", None), (f"/agreements/{a}/edit", None), (f"/agreements/{a}/terminate", None),
        ("/agreements/renewals", None), ("/partners/picker-options?partner_q=P", None),
        ("/history", None), (f"/interactions/{i}", None), (f"/interactions/{i}", f"interaction-{i}"),
        (f"/interactions/{i}/edit", None), (f"/interactions/{i}/edit", f"interaction-{i}"),
        (f"/interactions/{i}/delete", None), (f"/interactions/new?partner_id={p}", None),
        (f"/partners/{p}/interactions/new", None),
        ("/follow-ups", None), ("/follow-ups?assignee=all", None), ("/proposals", None),
        ("/proposals?view=list", "proposals-view"), (f"/proposals/{r}", None), (f"/proposals/{r}/edit", None),
        (f"/proposals/{r}/move?stage=approved", None), ("/proposals/new", None),
        ("/admin/users", None), (f"/admin/users/{ids['author']}", None), ("/account", None),
    ]


def test_what_users_typed_is_escaped_on_every_page_and_fragment(client, tainted):
    escaped_somewhere = 0
    for path, target in _pages(tainted):
        headers = {"HX-Request": "true", "HX-Target": target} if target else {}
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, target, response.status_code)
        assert_inert(response.text, f"{path} {target}")
        escaped_somewhere += ESCAPED in response.text
    assert escaped_somewhere >= 30  # the payload was really there, escaped


def test_the_page_title_escapes_record_names(client, tainted):
    for path in (f"/partners/{tainted['partner']}", f"/agreements/{tainted['agreement']}",
                 f"/proposals/{tainted['proposal']}", f"/partners/{tainted['partner']}/edit"):
        title = re.search(r"<title>(.*?)</title>", client.get(path).text, re.S).group(1)
        assert "&lt;img src=x" in title and "<img" not in title, path


def test_flash_messages_escape_the_names_they_mention(client, auth):
    auth.login(Role.ADMIN)
    token = auth.csrf("/partners/new")
    response = client.post("/partners/new", data={
        "csrf_token": token, "name": PAYLOAD, "kind": "university", "country": "DE", "status": "active",
        "create_anyway": "y"}, follow_redirects=True)
    assert response.status_code == 200
    flash = re.search(r'<div id="flash".*?</div>\s*</div>', response.text, re.S)
    assert flash and ESCAPED in flash.group(0)
    assert_inert(response.text, "flash")


def _csv_cells(response) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) for cell in row]


def _xlsx_cells(response) -> list:
    # Every sheet: the data and the description of the filters.
    workbook = load_workbook(io.BytesIO(response.data))
    return [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_neutralises_formulas_in_every_typed_column_and_in_the_filter(app, client, auth, factory, fmt):
    auth.login(Role.VIEWER)
    formula = iter(FORMULAS * 4)
    pid = factory.partner(name=next(formula), local_name=next(formula), short_name=next(formula), city=next(formula),
                          website="https://example.org")
    factory.contact(pid, name=next(formula), position=next(formula), department=next(formula), email=next(formula),
                    phone=next(formula), notes=next(formula))
    factory.agreement([pid], title=next(formula), notes=next(formula), subjects=next(formula), yearly_quotas=next(formula))
    exports = [f"/partners/export.{fmt}", f"/partners/export.{fmt}?q=%3DHYPERLINK(1)",
               f"/partners/{pid}/contacts/export.{fmt}", f"/agreements/export.{fmt}",
               f"/agreements/export.{fmt}?q=%3DHYPERLINK(1)"]
    seen = set()
    for path in exports:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        cells = _csv_cells(response) if fmt == "csv" else _xlsx_cells(response)
        for cell in cells:
            if isinstance(cell, str) and cell:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path, cell)
                if cell.startswith("'"):
                    seen.add(cell[1:].lstrip("\t\r"))
    # Each payload reached an export, prefixed (tab/CR ones appear without their control char in xlsx).
    assert {"=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "=1", "=HYPERLINK(1)"} <= seen


def test_the_calendar_feed_keeps_typed_text_inside_its_properties(app, client, auth, factory):
    user = auth.login(Role.STAFF)
    agreement_id = factory.agreement(valid_until=None)
    token = auth.csrf("/account")
    client.post("/account/calendar", data={"csrf_token": token})
    with app.app_context():
        from crm.auth.models import User

        feed_token = db.session.get(User, user.id).calendar_token
        db.session.add(FollowUp(title="Call\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged", assignee_id=user.id,
                                due_on=office_today(), agreement_id=agreement_id))
        db.session.commit()
    body = client.get(f"/calendar/{feed_token}.ics").data.decode()
    assert "\r\nSUMMARY:forged" not in body and body.count("\r\nBEGIN:VEVENT\r\n") == 1
