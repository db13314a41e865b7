"""Evidence files of an outcome: attached by staff or the outcome's school's liaison (with and
without htmx), downloaded by anyone who reads the outcome, removed after a confirmation; checked
by content and size, audited, refused to viewers and other schools' liaisons with nothing written,
and an approval given before a new file arrived answers 409."""
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.extensions import db
from crm.outcomes.evidence import evidence_names
from crm.outcomes.models import Outcome, OutcomeCategory, OutcomeEvidence, OutcomeStatus, report_year_of
from tests.integration.test_outcomes_web import _liaison, schools  # noqa: F401 (schools is a fixture)

HTMX = {"HX-Request": "true"}
LAST_YEAR = report_year_of(office_today()) - 1
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.fixture
def agreement_id(factory):
    return factory.agreement([factory.partner(name="EBG Germany", country="DE")], title="AHK certificate training")


def _outcome(app, agreement_id, school_id=None, status=OutcomeStatus.APPROVED) -> Outcome:
    with app.app_context():
        outcome = Outcome(agreement_id=agreement_id, school_id=school_id, year=LAST_YEAR, count=54,
                          category=OutcomeCategory.CERTIFICATES_EARNED, status=status)
        db.session.add(outcome)
        db.session.commit()
        db.session.refresh(outcome)
        db.session.expunge(outcome)
        return outcome


@pytest.fixture
def outcome(app, agreement_id, schools):
    return _outcome(app, agreement_id, school_id=schools[0])


def attach(client, auth, outcome_id, *files, headers=None):
    data = {f"evidence-{outcome_id}-files": [(io.BytesIO(content), name) for content, name in files]}
    if headers is None:
        data["csrf_token"] = auth.csrf()
    else:
        headers = {**headers, "X-CSRFToken": auth.csrf()}
    return client.post(f"/outcomes/{outcome_id}/evidence", data=data, content_type="multipart/form-data",
                       headers=headers or {})


def stored(app) -> list[OutcomeEvidence]:
    with app.app_context():
        rows = db.session.scalars(select(OutcomeEvidence).order_by(OutcomeEvidence.id)).all()
        db.session.expunge_all()
        return rows


def files_on_disk(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def version_of(app, outcome_id) -> int:
    with app.app_context():
        return db.session.get(Outcome, outcome_id).version


def test_staff_attaches_files_without_javascript_and_a_viewer_downloads_them(app, client, auth, make_user, outcome, agreement_id):
    auth.login()
    page = client.get(f"/outcomes/{outcome.id}/evidence")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = attach(client, auth, outcome.id, (PDF, "AHK certificates.pdf"), (PNG, "list of students.png"))
    assert response.status_code == 303 and response.headers["Location"] == f"/outcomes/{outcome.id}/evidence"
    evidence = stored(app)
    assert [(e.original_name, e.content_type, e.size) for e in evidence] == [
        ("AHK certificates.pdf", "application/pdf", len(PDF)), ("list of students.png", "image/png", len(PNG))]
    assert len(files_on_disk(app)) == 2 and all(e.stored_name not in e.original_name for e in evidence)
    assert version_of(app, outcome.id) == outcome.version + 1
    with app.app_context():
        audited = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "outcome_evidence",
                                                              AuditEntry.field == "original_name")).all()
        assert sorted(entry.new for entry in audited) == ["AHK certificates.pdf", "list of students.png"]
    assert "AHK certificates.pdf" in client.get(f"/agreements/{agreement_id}").text

    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    agreement_page = client.get(f"/agreements/{agreement_id}").text
    assert f"/outcomes/evidence/{evidence[0].id}" in agreement_page and "AHK certificates.pdf" in agreement_page
    download = client.get(f"/outcomes/evidence/{evidence[0].id}")
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_attaching_in_place_with_htmx_answers_the_row_with_the_files(app, client, auth, outcome):
    auth.login()
    target = {**HTMX, "HX-Target": f"outcome-{outcome.id}"}
    row = client.get(f"/outcomes/{outcome.id}/evidence", headers=target)
    assert row.text.lstrip().startswith("<tr") and "Evidence files" in row.text and "<html" not in row.text
    response = attach(client, auth, outcome.id, (PDF, "scan.pdf"), headers=target)
    assert response.status_code == 200 and response.text.lstrip().startswith("<tr") and "scan.pdf" in response.text
    [evidence] = stored(app)
    removed = client.post(f"/outcomes/evidence/{evidence.id}/remove", headers={**target, "X-CSRFToken": auth.csrf()})
    assert removed.status_code == 200 and removed.text.lstrip().startswith("<tr") and "scan.pdf" not in removed.text
    assert stored(app) == [] and files_on_disk(app) == []


@pytest.mark.parametrize("files", [[(HTML, "certificates.pdf")], [(PDF, "fine.pdf"), (b"MZ\x90\x00" * 20, "setup.pdf")], []])
def test_a_file_of_the_wrong_kind_or_none_answers_422_and_writes_nothing(app, client, auth, outcome, files):
    auth.login()
    response = attach(client, auth, outcome.id, *files)
    assert response.status_code == 422
    assert "Only PDF, PNG and JPEG" in response.text or "Choose a file" in response.text
    assert stored(app) == [] and files_on_disk(app) == []
    assert version_of(app, outcome.id) == outcome.version


@pytest.mark.parametrize("megabytes", [1.5, 3])
def test_a_file_over_the_cap_answers_413_and_writes_nothing(app, client, auth, outcome, megabytes):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    auth.login()
    response = attach(client, auth, outcome.id, (PNG, "small.png"), (PDF + b"\x00" * int(megabytes * 1024 * 1024), "big.pdf"))
    assert response.status_code == 413 and "larger than allowed" in response.text
    assert stored(app) == [] and files_on_disk(app) == []


def test_removing_asks_first_then_deletes_the_row_and_the_file(app, client, auth, outcome):
    auth.login()
    attach(client, auth, outcome.id, (PDF, "scan.pdf"))
    [evidence] = stored(app)
    confirm = client.get(f"/outcomes/evidence/{evidence.id}/remove")
    assert confirm.status_code == 200 and "Remove scan.pdf?" in confirm.text
    assert len(stored(app)) == 1 and len(files_on_disk(app)) == 1
    response = client.post(f"/outcomes/evidence/{evidence.id}/remove", data={"csrf_token": auth.csrf()})
    assert response.status_code == 303 and response.headers["Location"] == f"/outcomes/{outcome.id}/evidence"
    assert stored(app) == [] and files_on_disk(app) == []
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "outcome_evidence",
                                                          AuditEntry.action == "delete")) is not None


def test_a_viewer_can_neither_attach_nor_remove_and_nothing_is_written(app, client, auth, outcome):
    auth.login()
    attach(client, auth, outcome.id, (PDF, "scan.pdf"))
    [evidence] = stored(app)
    version = version_of(app, outcome.id)
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    assert client.get(f"/outcomes/{outcome.id}/evidence").status_code == 403
    assert attach(client, auth, outcome.id, (PDF, "more.pdf")).status_code == 403
    assert client.post(f"/outcomes/evidence/{evidence.id}/remove", data={"csrf_token": auth.csrf()}).status_code == 403
    assert [e.id for e in stored(app)] == [evidence.id] and len(files_on_disk(app)) == 1
    assert version_of(app, outcome.id) == version


def test_a_liaison_attaches_to_their_schools_waiting_outcomes_only(app, client, auth, make_user, agreement_id, schools):
    mech, auto = schools
    own = _outcome(app, agreement_id, school_id=mech, status=OutcomeStatus.RETURNED)
    other = _outcome(app, agreement_id, school_id=auto, status=OutcomeStatus.PENDING)
    approved = _outcome(app, agreement_id, school_id=mech, status=OutcomeStatus.APPROVED)
    auth.login(user=_liaison(app, make_user, mech))
    assert attach(client, auth, other.id, (PDF, "not mine.pdf")).status_code == 403
    assert attach(client, auth, approved.id, (PDF, "too late.pdf")).status_code == 403
    assert stored(app) == [] and files_on_disk(app) == []
    assert attach(client, auth, own.id, (PDF, "certificates.pdf")).status_code == 303
    with app.app_context():
        # the liaison's change goes back to the office, like an edit
        assert db.session.get(Outcome, own.id).status == OutcomeStatus.PENDING


def test_the_office_sees_the_evidence_in_the_queue_and_a_later_file_makes_an_approval_stale(app, client, auth, make_user, agreement_id, schools):
    mech, _auto = schools
    waiting = _outcome(app, agreement_id, school_id=mech, status=OutcomeStatus.PENDING)
    liaison = _liaison(app, make_user, mech)
    auth.login(user=liaison)
    attach(client, auth, waiting.id, (PDF, "AHK list.pdf"))
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login()
    queue = client.get("/outcomes/review").text
    [evidence] = stored(app)
    assert "AHK list.pdf" in queue and f"/outcomes/evidence/{evidence.id}" in queue
    seen_version = version_of(app, waiting.id)
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(user=liaison)
    attach(client, auth, waiting.id, (PNG, "second page.png"))
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login()
    stale = client.post(f"/outcomes/{waiting.id}/approve", data={"csrf_token": auth.csrf(), "version": seen_version})
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(Outcome, waiting.id).status == OutcomeStatus.PENDING


def test_the_reports_records_sheet_names_the_evidence_files(app, client, auth, outcome):
    auth.login()
    attach(client, auth, outcome.id, (PDF, "=cmd.pdf"), (PNG, "students.png"))
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?year_from={LAST_YEAR}&year_to={LAST_YEAR}").data))
    records = workbook["Records"]
    header = [cell.value for cell in records[1]]
    column = header.index("Evidence files")
    assert records[2][column].value == "'=cmd.pdf; students.png"
    with app.app_context():
        assert evidence_names([outcome.id, outcome.id + 1]) == {outcome.id: "=cmd.pdf; students.png"}


def test_an_archived_agreements_evidence_is_out_of_sight(app, client, auth, outcome, agreement_id):
    auth.login()
    attach(client, auth, outcome.id, (PDF, "scan.pdf"))
    [evidence] = stored(app)
    with app.app_context():
        db.session.get(Agreement, agreement_id).archived_at = utcnow()
        db.session.commit()
    assert client.get(f"/outcomes/evidence/{evidence.id}").status_code == 404
    assert attach(client, auth, outcome.id, (PDF, "more.pdf")).status_code == 404
