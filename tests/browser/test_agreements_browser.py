"""Agreements as staff use them: renew from the renewals view, upload and download a signed PDF,
pick partners by typing."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from crm.agreements.models import Agreement, AgreementKind
from crm.core.dates import office_today
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind

PDF = b"%PDF-1.4\n% signed copy\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + bytes(range(256))


def make_agreement(app, owner_id, title, partner_names, **fields):
    with app.app_context():
        partners = [Partner(name=name, kind=PartnerKind.COLLEGE, country="DE") for name in partner_names]
        today = office_today()
        agreement = Agreement(
            title=title, kind=AgreementKind.CERTIFICATE_TRAINING, partners=partners, owner_id=owner_id,
            signed_on=today - timedelta(days=1000), valid_from=today - timedelta(days=1000),
            valid_until=today + timedelta(days=45), notice_days=30, **fields,
        )
        db.session.add(agreement)
        db.session.commit()
        return agreement.id


def test_renew_an_expiring_agreement_from_the_renewals_view_and_see_the_chain(page, live_server, live_db, live_user, login):
    user = live_user()
    make_agreement(live_db, user["id"], "EBG CNC training", ["EBG Bildungsgesellschaft"])
    login(user)
    page.get_by_role("link", name="Renewals due").click()
    within_30 = page.get_by_role("region", name=re.compile("Decide within 30 days"))
    expect(within_30.get_by_role("cell", name="EBG CNC training", exact=True)).to_be_visible()
    within_30.get_by_role("link", name="Renew EBG CNC training").click()
    expect(page.get_by_role("heading", name="Renew agreement")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("EBG CNC training")
    expect(page.get_by_label("EBG Bildungsgesellschaft")).to_be_checked()
    page.get_by_label("Title").fill("EBG CNC training 2027–2030")
    page.get_by_role("button", name="Save agreement").click()
    expect(page.get_by_role("heading", name="EBG CNC training 2027–2030")).to_be_visible()
    chain = page.get_by_role("region", name="Renewal chain")
    expect(chain.get_by_role("link", name="EBG CNC training", exact=True)).to_be_visible()
    chain.get_by_role("link", name="EBG CNC training", exact=True).click()
    # Not signed yet: the old agreement is not renewed, and links to its drafted renewal.
    expect(page.locator(".app-record-head").get_by_text("Renewed", exact=True)).to_have_count(0)
    page.get_by_role("link", name=re.compile("Renewal drafted")).click()
    page.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Signed on").fill(office_today().isoformat())
    page.get_by_role("button", name="Save agreement").click()
    page.get_by_role("region", name="Renewal chain").get_by_role("link", name="EBG CNC training", exact=True).click()
    expect(page.locator(".app-record-head").get_by_text("Renewed", exact=True)).to_be_visible()


def test_amend_an_agreement_from_the_renewals_view_in_chinese(page, live_server, live_db, live_user, login):
    user = live_user(locale="zh_CN")
    agreement_id = make_agreement(live_db, user["id"], "EBG CNC training", ["EBG Bildungsgesellschaft"])
    login(user)
    page.goto(f"{live_server}/agreements/renewals")
    page.get_by_role("link", name="修订 EBG CNC training").click()
    page.get_by_label("修订内容").fill("培训名额增至 30 人，有效期延长两年")
    page.get_by_label("有效期至").fill((office_today() + timedelta(days=800)).isoformat())
    page.get_by_role("button", name="记录处理决定").click()
    expect(page.get_by_role("heading", name="EBG CNC training")).to_be_visible()
    facts = page.locator("dl.app-facts")
    expect(facts.get_by_text("已修订")).to_be_visible()
    expect(facts.get_by_text("培训名额增至 30 人，有效期延长两年")).to_be_visible()
    page.goto(f"{live_server}/agreements/renewals")
    expect(page.get_by_role("link", name="EBG CNC training", exact=True)).to_have_count(0)
    assert page.url.endswith("/agreements/renewals") and agreement_id


def test_upload_a_pdf_and_download_it_back_byte_for_byte(page, live_server, live_db, live_user, login, tmp_path):
    user = live_user()
    agreement_id = make_agreement(live_db, user["id"], "Holmesglen teacher training", ["Holmesglen Institute"])
    source = tmp_path / "签署的协议.pdf"
    source.write_bytes(PDF)
    login(user)
    page.goto(f"{live_server}/agreements/{agreement_id}")
    page.get_by_label("Signed agreement or scan").set_input_files(str(source))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("签署的协议.pdf was uploaded.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="签署的协议.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "签署的协议.pdf"
    assert open(download.path(), "rb").read() == PDF


def test_the_partner_picker_searches_as_you_type_keeps_each_choice_and_offers_their_frameworks(page, live_server, live_db, live_user, login):
    user = live_user()
    with live_db.app_context():
        for name in ["BMW Group", "Bosch", "Mercedes-Benz", "Hiroshima University"]:
            db.session.add(Partner(name=name, kind=PartnerKind.COMPANY, country="DE"))
        db.session.commit()
        bmw = db.session.query(Partner).filter_by(name="BMW Group").one()
        db.session.add(Agreement(title="BMW framework", kind=AgreementKind.MOU, partners=[bmw]))
        db.session.commit()
    login(user)
    page.goto(f"{live_server}/agreements/new")
    page.get_by_label("Title").fill("Automotive mechatronics programme")
    search = page.get_by_placeholder("Find a partner")
    search.fill("bmw")
    expect(page.get_by_label("Hiroshima University")).to_have_count(0)
    framework_offered = page.get_by_label("Framework agreement").locator("option", has_text="BMW framework")
    expect(framework_offered).to_have_count(0)
    page.get_by_label("BMW Group").check()
    expect(framework_offered).to_have_count(1)  # the partners' agreements are offered as they are chosen
    search.fill("bosch")
    expect(page.get_by_label("Mercedes-Benz")).to_have_count(0)
    page.get_by_label("Bosch").check()
    expect(page.get_by_label("BMW Group")).to_be_checked()
    page.get_by_role("button", name="Save agreement").click()
    expect(page.get_by_role("heading", name="Automotive mechatronics programme")).to_be_visible()
    expect(page.get_by_role("link", name="BMW Group")).to_be_visible()
    expect(page.get_by_role("link", name="Bosch")).to_be_visible()


def test_a_signed_agreement_starting_later_keeps_its_status_on_a_phone(page, live_server, live_db, live_user, login):
    """“已签署，2027年9月7日 生效” did not wrap: beside a title with a long German word, on a 390 px
    phone the badge ran past the screen's edge."""
    user = live_user(locale="zh_CN")
    today = office_today()
    agreement_id = make_agreement(live_db, user["id"], "Kooperationsvereinbarung Hochschulpartnerschaft",
                                  ["Hochschule Darmstadt"])
    with live_db.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        agreement.signed_on, agreement.valid_from = today, today + timedelta(days=280)
        agreement.valid_until = today + timedelta(days=1000)
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 800})
    login(user)
    page.goto(f"{live_server}/agreements")
    badge = page.locator(".app-agreement-signed")
    expect(badge).to_contain_text("已签署")
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= 390
