"""Uploaded documents: checked by content, capped in size, stored under a generated name,
downloaded as attachments, removed by staff only; a failed commit leaves no file behind."""
import io
from pathlib import Path

import pytest

from crm import create_app
from crm.agreements.documents import store_document
from crm.agreements.models import Agreement, Document
from crm.auth.models import Role
from crm.extensions import db
from werkzeug.datastructures import FileStorage

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def uploads(app) -> list[Path]:
    return sorted(Path(app.config["UPLOAD_FOLDER"]).iterdir())


def upload(client, auth, agreement_id, content, name="signed.pdf", mimetype="application/pdf"):
    token = auth.csrf(f"/agreements/{agreement_id}")
    return client.post(
        f"/agreements/{agreement_id}/documents",
        data={"csrf_token": token, "file": (io.BytesIO(content), name, mimetype)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(("content", "content_type"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_staff_uploads_and_anyone_downloads_the_same_bytes_as_an_attachment(app, client, auth, make_user, factory, content, content_type):
    auth.login()
    agreement_id = factory.agreement()
    response = upload(client, auth, agreement_id, content, name="scan.bin")
    assert response.status_code == 303
    with app.app_context():
        document = db.session.query(Document).one()
        assert document.content_type == content_type and document.size == len(content)
        assert document.stored_name != "scan.bin" and document.original_name == "scan.bin"
        document_id = document.id
    assert len(uploads(app)) == 1
    assert not str(uploads(app)[0]).startswith(str(Path(app.static_folder)))
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    download = client.get(f"/agreements/documents/{document_id}")
    assert download.status_code == 200
    assert download.data == content
    assert download.mimetype == content_type
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_non_ascii_name_is_encoded_per_rfc_6266_and_escaped_on_screen(app, client, auth, factory):
    auth.login()
    agreement_id = factory.agreement()
    assert upload(client, auth, agreement_id, PDF, name='合作协议 <b onclick=x>final.pdf').status_code == 303
    with app.app_context():
        document_id = db.session.query(Document).one().id
    disposition = client.get(f"/agreements/documents/{document_id}").headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "%E5%90%88" in disposition
    assert "\n" not in disposition
    page = client.get(f"/agreements/{agreement_id}").text
    assert "<b onclick" not in page and "&lt;b onclick=x&gt;final.pdf" in page


@pytest.mark.parametrize(
    ("content", "name", "mimetype"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "contract.pdf", "application/pdf"),
        (b"<!doctype html><script>alert(1)</script>", "contract.pdf", "application/pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "scan.pdf", "application/pdf"),
        (b"", "empty.pdf", "application/pdf"),
    ],
)
def test_files_that_are_not_pdf_png_or_jpeg_are_refused_with_422_and_leave_nothing(app, client, auth, factory, content, name, mimetype):
    auth.login()
    agreement_id = factory.agreement()
    response = upload(client, auth, agreement_id, content, name=name, mimetype=mimetype)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.query(Document).count() == 0
    assert uploads(app) == []


@pytest.fixture
def small_app(tmp_path):
    app = create_app({
        "ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'small.sqlite3'}",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"), "MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    })
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("megabytes", [1.5, 3])
def test_an_oversized_upload_answers_413_with_a_friendly_page_and_leaves_nothing(small_app, make_user, megabytes):
    from tests.conftest import Auth

    client = small_app.test_client()
    with small_app.app_context():
        from crm.auth.accounts import create_user
        from tests.conftest import PASSWORD

        user = create_user("staff@cqipc.edu.cn", "Staff", Role.STAFF, PASSWORD, "en")
        agreement = Agreement(title="Big", kind="mou")
        db.session.add(agreement)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        agreement_id = agreement.id
    auth = Auth(client, None)
    auth.login(user=user)
    response = upload(client, auth, agreement_id, PDF + b"\x00" * int(megabytes * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than allowed" in response.text
    with small_app.app_context():
        assert db.session.query(Document).count() == 0
    assert uploads(small_app) == []


def test_viewer_can_neither_upload_nor_remove(app, client, auth, factory):
    auth.login()
    agreement_id = factory.agreement()
    upload(client, auth, agreement_id, PDF)
    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.VIEWER)
    assert "Upload" not in client.get(f"/agreements/{agreement_id}").text.split("Documents")[1].split("Follow-ups")[0]
    assert upload(client, auth, agreement_id, PDF).status_code == 403
    with app.app_context():
        document_id = db.session.query(Document).one().id
    assert client.post(f"/agreements/documents/{document_id}/remove", data={"csrf_token": auth.csrf()}).status_code == 403
    with app.app_context():
        assert db.session.query(Document).count() == 1
    assert len(uploads(app)) == 1


def test_staff_removes_a_document_after_confirming_and_the_file_goes(app, client, auth, factory):
    auth.login()
    agreement_id = factory.agreement()
    upload(client, auth, agreement_id, PDF)
    with app.app_context():
        document_id = db.session.query(Document).one().id
    confirm = client.get(f"/agreements/documents/{document_id}/remove")
    assert confirm.status_code == 200 and "Remove signed.pdf?" in confirm.text
    assert len(uploads(app)) == 1
    response = client.post(f"/agreements/documents/{document_id}/remove", data={"csrf_token": auth.csrf(), "confirmed": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.query(Document).count() == 0
    assert uploads(app) == []


def test_a_failed_commit_removes_the_written_file(app, factory, monkeypatch):
    agreement_id = factory.agreement()
    with app.test_request_context():
        agreement = db.session.get(Agreement, agreement_id)

        def failing_commit():
            raise RuntimeError("database went away")

        monkeypatch.setattr(db.session, "commit", failing_commit)
        with pytest.raises(RuntimeError):
            store_document(agreement, FileStorage(io.BytesIO(PDF), "signed.pdf"), None)
        monkeypatch.undo()
        assert db.session.query(Document).count() == 0
    assert uploads(app) == []


def test_the_list_filters_agreements_with_a_signed_document(app, client, auth, factory):
    auth.login()
    with_doc = factory.agreement(title="Has the PDF")
    factory.agreement(title="Still on paper")
    upload(client, auth, with_doc, PDF)
    text = client.get("/agreements?has_document=yes").text
    assert "Has the PDF" in text and "Still on paper" not in text
    text = client.get("/agreements?has_document=no").text
    assert "Has the PDF" not in text and "Still on paper" in text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [("evil.html", PDF, "evil.pdf"), ("scan", PNG, "scan.png"), ("photo.JPEG", JPEG, "photo.JPEG"), ("a.pdf.exe", JPEG, "a.pdf.jpg")],
)
def test_the_download_name_takes_the_extension_of_the_detected_type(app, client, auth, factory, name, content, expected):
    auth.login()
    agreement_id = factory.agreement()
    assert upload(client, auth, agreement_id, content, name=name).status_code == 303
    with app.app_context():
        document_id = db.session.query(Document).one().id
    download = client.get(f"/agreements/documents/{document_id}")
    assert download.status_code == 200
    assert f'filename="{expected}"' in download.headers["Content-Disposition"] or f"filename={expected}" in download.headers["Content-Disposition"]
    assert "html" not in download.headers["Content-Disposition"]
