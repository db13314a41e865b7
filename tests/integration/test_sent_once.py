"""A create form is saved once (crm/core/submissions.py): the same form posted twice (a double
click on a slow plain POST, a reload that posts again) creates one record; the second POST is
sent on to what the first created (303), or told that it was saved once."""
import re

import pytest
from sqlalchemy import func, select

from crm.contacts.models import Contact
from crm.core import submissions
from crm.extensions import db
from crm.partners.models import Partner
from crm.trips.models import TripLeg

MESSAGE = "This form had already been sent"


def token_from(html: str, name: str = "submission") -> str:
    match = re.search(r'name="%s" type="hidden" value="([^"]+)"' % re.escape(name), html)
    assert match, f"no {name} token in the page"
    return match.group(1)


def _count(app, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.fixture
def staff(auth):
    return auth.login()


def _partner_form(page: str) -> dict:
    return {"csrf_token": token_from(page, "csrf_token"), "submission": token_from(page), "name": "Holmesglen Institute",
            "kind": "vocational", "country": "AU", "status": "active", "create_anyway": "y"}


def test_a_partner_form_posted_twice_creates_one_partner_and_the_second_lands_on_it(app, client, staff):
    data = _partner_form(client.get("/partners/new").text)
    first = client.post("/partners/new", data=data)
    assert first.status_code == 303, first.text
    second = client.post("/partners/new", data=data)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app, Partner, name="Holmesglen Institute") == 1
    assert MESSAGE in client.get(second.headers["Location"]).text


def test_a_form_that_came_back_with_errors_keeps_its_token_and_then_saves_once(app, client, staff):
    data = _partner_form(client.get("/partners/new").text)
    refused = client.post("/partners/new", data=data | {"name": ""})
    assert refused.status_code == 422
    assert token_from(refused.text) == data["submission"]
    assert client.post("/partners/new", data=data).status_code == 303
    assert client.post("/partners/new", data=data).status_code == 303
    assert _count(app, Partner, name="Holmesglen Institute") == 1


def test_a_new_form_saves_again(app, client, staff):
    for _ in range(2):
        assert client.post("/partners/new", data=_partner_form(client.get("/partners/new").text)).status_code == 303
    assert _count(app, Partner, name="Holmesglen Institute") == 2


def test_the_same_token_saying_something_else_is_a_new_record(app, client, staff):
    """A page restored by Back and changed, or a form htmx left in place and filled in again,
    sends its old token with new content: that is a new record, not a repeat."""
    data = _partner_form(client.get("/partners/new").text)
    assert client.post("/partners/new", data=data).status_code == 303
    assert client.post("/partners/new", data=data | {"name": "Ivy Tech Community College", "country": "US"}).status_code == 303
    assert client.post("/partners/new", data=data | {"name": "Ivy Tech Community College", "country": "US"}).status_code == 303
    assert _count(app, Partner, name="Holmesglen Institute") == 1
    assert _count(app, Partner, name="Ivy Tech Community College") == 1


def test_a_token_too_long_guards_nothing_and_breaks_nothing(app, client, staff):
    data = _partner_form(client.get("/partners/new").text) | {"submission": "a" * 64}
    assert client.post("/partners/new", data=data).status_code == 303
    assert _count(app, Partner, name="Holmesglen Institute") == 1


def test_a_delegation_s_stop_posted_twice_is_saved_once(app, client, auth, staff):
    page = client.get("/trips/new").text
    response = client.post("/trips/new", data={
        "csrf_token": token_from(page, "csrf_token"), "submission": token_from(page), "title": "Delegation to BSK",
        "year": "2026", "country": "DE", "purpose_kind": "exchange", "depart_on": "2026-09-21",
        "return_on": "2026-09-30", "owner_id": str(staff.id),
    })
    assert response.status_code == 303, response.text
    trip_page = client.get(response.headers["Location"]).text
    leg = {"csrf_token": token_from(trip_page, "csrf_token"), "country": "DE", "city": "Kiel",
           "arrive_on": "2026-09-22", "leave_on": "2026-09-24"}
    leg["submission"] = re.search(r'action="[^"]*/legs".*?name="submission" type="hidden" value="([^"]+)"',
                                  trip_page, re.S).group(1)
    trip_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/trips/{trip_id}/legs", data=leg).status_code == 303
    assert client.post(f"/trips/{trip_id}/legs", data=leg).status_code == 303
    assert _count(app, TripLeg, trip_id=trip_id) == 1


def test_an_inline_contact_sent_twice_by_htmx_is_saved_once_and_the_second_is_told(app, client, factory, staff):
    partner_id = factory.partner()
    page = client.get(f"/partners/{partner_id}/contacts/new").text
    data = {"new-contact-csrf_token": token_from(page, "new-contact-csrf_token"),
            "new-contact-submission": token_from(page, "new-contact-submission"), "new-contact-name": "Jane Doe"}
    headers = {"HX-Request": "true", "HX-Target": "new-contact"}
    assert client.post(f"/partners/{partner_id}/contacts/new", data=data, headers=headers).status_code == 204
    again = client.post(f"/partners/{partner_id}/contacts/new", data=data, headers=headers)
    assert again.status_code == 409
    assert MESSAGE in again.text
    assert _count(app, Contact, partner_id=partner_id) == 1


def test_two_posts_at_once_commit_one_record(app, client, staff, monkeypatch):
    """The second POST of a double click may be checked before the first has committed: its
    commit then fails on the token (the table's key) and it is answered like any repeat."""
    data = _partner_form(client.get("/partners/new").text)
    first = client.post("/partners/new", data=data)
    monkeypatch.setattr(submissions, "used", lambda token: None)  # checked before the first committed
    second = client.post("/partners/new", data=data)
    assert _count(app, Partner, name="Holmesglen Institute") == 1
    assert second.status_code in (303, 409)
    if second.status_code == 303:
        assert second.headers["Location"] == first.headers["Location"]


@pytest.mark.parametrize("path", ["/partners/new", "/trips/new", "/visits/new", "/agreements/new", "/proposals/new",
                                  "/experts/new", "/programmes/new", "/consortia/new"])
def test_every_create_form_carries_a_one_time_token(client, staff, path):
    page = client.get(path)
    assert page.status_code == 200
    assert len(token_from(page.text)) >= 16
    assert token_from(client.get(path).text) != token_from(page.text)


def test_the_message_is_in_the_reader_s_language(app, client, auth, staff):
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    data = _partner_form(client.get("/partners/new").text)
    client.post("/partners/new", data=data)
    second = client.post("/partners/new", data=data, follow_redirects=True)
    assert "此表单已经提交过" in second.text


def test_a_valid_form_whose_view_created_nothing_keeps_its_token(app, client, factory, staff):
    """The possible duplicates are shown first (nothing created): "create anyway" with the same
    form then creates the partner."""
    factory.partner(name="Holmesglen Institute")
    data = _partner_form(client.get("/partners/new").text)
    del data["create_anyway"]
    warned = client.post("/partners/new", data=data)
    assert warned.status_code == 200 and "Holmesglen Institute" in warned.text
    assert token_from(warned.text) == data["submission"]
    assert client.post("/partners/new", data=data | {"create_anyway": "y"}).status_code == 303
    assert _count(app, Partner, name="Holmesglen Institute") == 2


def test_an_upload_form_left_in_place_attaches_a_second_file_and_catches_the_same_file_twice(app, client, auth, factory):
    """The outcome's evidence form answers in place (htmx) with the form again: the next file
    chosen in it is a new upload, not "already sent" (the files are part of what a form says,
    and the form shown after a save has a token of its own); the same file sent twice is kept once."""
    import io

    from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeEvidence
    from crm.outcomes.models import report_year_of
    from crm.core.dates import office_today

    auth.login()
    agreement_id = factory.agreement([factory.partner(name="EBG Germany", country="DE")], title="AHK certificate training")
    with app.app_context():
        outcome = Outcome(agreement_id=agreement_id, year=report_year_of(office_today()) - 1, count=54,
                          category=OutcomeCategory.CERTIFICATES_EARNED)
        db.session.add(outcome)
        db.session.commit()
        outcome_id = outcome.id
    field = f"evidence-{outcome_id}"
    headers = {"HX-Request": "true", "HX-Target": f"outcome-{outcome_id}"}
    page = client.get(f"/outcomes/{outcome_id}/evidence").text
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

    def send(token, content, name):
        return client.post(f"/outcomes/{outcome_id}/evidence", content_type="multipart/form-data", headers=headers, data={
            f"{field}-csrf_token": token_from(page, f"{field}-csrf_token"), f"{field}-submission": token,
            f"{field}-files": [(io.BytesIO(content), name)]})

    first_token = token_from(page, f"{field}-submission")
    first = send(first_token, pdf + b"1", "list-2024.pdf")
    assert first.status_code == 200, first.text
    second_token = token_from(first.text, f"{field}-submission")
    assert second_token != first_token  # the form shown again is a new form
    assert send(first_token, pdf + b"2", "certificates.pdf").status_code == 200  # a Back-restored form, another file
    assert send(first_token, pdf + b"2", "certificates.pdf").status_code == 409  # the same file again
    assert _count(app, OutcomeEvidence, outcome_id=outcome_id) == 2
