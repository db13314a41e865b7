"""A staff member attaches a scan of certificates to an outcome on the agreement page, in place,
sees it listed and downloadable, and removes it after confirming."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from crm.agreements.models import Agreement, AgreementKind
from crm.core.dates import office_today
from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory, report_year_of
from crm.partners.models import Partner, PartnerKind

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_outcome(app) -> int:
    with app.app_context():
        today = office_today()
        agreement = Agreement(
            title="AHK certificate training", kind=AgreementKind.CERTIFICATE_TRAINING,
            partners=[Partner(name="EBG Germany", kind=PartnerKind.COMPANY, country="DE")],
            signed_on=today - timedelta(days=1000), valid_from=today - timedelta(days=1000),
            valid_until=today + timedelta(days=700), notice_days=30,
        )
        db.session.add(Outcome(agreement=agreement, year=report_year_of(today) - 1, count=173, detail="AHK, students",
                               category=OutcomeCategory.CERTIFICATES_EARNED))
        db.session.commit()
        return agreement.id


def test_staff_attaches_a_scan_to_an_outcome_in_place_and_sees_it_listed(page, live_server, live_db, live_user, login):
    agreement_id = make_outcome(live_db)
    login(live_user())
    page.goto(f"{live_server}/agreements/{agreement_id}")
    section = page.get_by_role("region", name=re.compile("Outcomes"))
    row = section.get_by_role("row", name=re.compile("AHK, students"))
    row.get_by_role("link", name=re.compile("Evidence")).click()
    section.get_by_label("Add evidence files").set_input_files(
        files=[{"name": "AHK certificates 2025.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    section.get_by_role("button", name="Attach").click()
    expect(section.get_by_role("link", name="AHK certificates 2025.pdf", exact=True)).to_be_visible()
    assert page.url.endswith(f"/agreements/{agreement_id}")  # in place, no page load

    section.get_by_role("link", name=re.compile("Close")).click()
    row = section.get_by_role("row", name=re.compile("AHK, students"))
    expect(row.get_by_role("link", name="AHK certificates 2025.pdf", exact=True)).to_be_visible()
    with page.expect_download() as download:
        row.get_by_role("link", name="AHK certificates 2025.pdf", exact=True).click()
    assert download.value.suggested_filename == "AHK certificates 2025.pdf"

    row.get_by_role("link", name=re.compile("Evidence")).click()
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("link", name=re.compile("Remove AHK certificates 2025.pdf")).click()
    expect(section.get_by_text("No evidence file yet.")).to_be_visible()
