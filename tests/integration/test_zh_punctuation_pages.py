"""Trips, visits, programmes, consortia and experts as a person reads them in Chinese: the
punctuation around translated words is full-width (（10天）, 出访公示：…, 广岛大学（日本）), never a
half-width ":" "(" ";" next to Chinese; a partner's expert line keeps a separator between subject
and stay; a renewal page names the expiry date in the user's format, not 2027-03-14."""
import re

from crm.auth.models import Role
from crm.extensions import db
from crm.trips.models import Trip
from tests.unit.test_zh_punctuation import half_width_beside_chinese


def visible_text(page: str) -> str:
    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&nbsp;", " ")


def test_a_trip_abroad_in_chinese_uses_full_width_punctuation(app, client, auth, make_user, factory):
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner_id = factory.partner(name="Berufliche Schule Kiel", short_name="BSK", country="DE")
    response = client.post("/trips/new", data={
        "csrf_token": auth.csrf("/trips/new"), "title": "赴德国BSK考察交流团组", "year": "2026", "country": "DE",
        "partners": str(partner_id), "purpose_kind": "exchange", "depart_on": "2026-11-17", "return_on": "2026-11-26",
        "funding": "学院经费", "owner_id": str(auth.user.id)})
    assert response.status_code == 303, response.text
    trip_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        db.session.get(Trip, trip_id).days = 10
        db.session.commit()
    page = client.get(f"/trips/{trip_id}").text
    text = visible_text(page)
    assert "2026年11月26日（10天）" in text
    assert half_width_beside_chinese(text) == []
    assert "（10天）" in visible_text(client.get(f"/trips/{trip_id}/print").text)


def test_a_visit_names_its_partners_and_visitors_countries_in_full_width_parentheses(client, auth, make_user, factory):
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner_ids = [factory.partner(name="Hiroshima University", country="JP"), factory.partner(name="Ivy Tech", country="US")]
    response = client.post("/visits/new", data={
        "csrf_token": auth.csrf("/visits/new"), "title": "广岛大学代表团", "partners": [str(p) for p in partner_ids],
        "arrive_on": "2026-09-28", "leave_on": "2026-09-30", "purpose_kind": "negotiation", "reception_level": "college",
        "host_id": str(auth.user.id)})
    assert response.status_code == 303, response.text
    visit_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = auth.csrf(f"/visits/{visit_id}")
    assert client.post(f"/visits/{visit_id}/visitors", data={
        "csrf_token": token, "name": "Prof. Tanaka Hiroshi", "nationality": "JP", "is_head": "y"}).status_code == 303
    text = visible_text(client.get(f"/visits/{visit_id}").text)
    assert "HiroshimaUniversity（日本）；IvyTech（美国）" in text.replace(" ", "")
    assert "Prof.TanakaHiroshi（日本）" in text.replace(" ", "")
    assert half_width_beside_chinese(text) == []
    sheet = visible_text(client.get(f"/visits/{visit_id}/print").text)
    assert half_width_beside_chinese(sheet) == []


def test_a_cancelled_visit_without_partners_reads_as_chinese_sentences(app, client, auth, make_user):
    """The page read "已取消：不计入来访团组。 原因：…" (an English space after 。), and showed the
    labels 合作伙伴 and 申请日期 with nothing beside them."""
    from datetime import date

    from crm.visits.models import Visit, VisitStatus

    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    with app.app_context():
        visit = Visit(title="霍姆斯格伦学院代表团", arrive_on=date(2026, 12, 21), leave_on=date(2026, 12, 23),
                      status=VisitStatus.CANCELLED, cancel_reason="台风导致航班取消")
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
    text = visible_text(client.get(f"/visits/{visit_id}").text)
    assert "已取消：不计入来访团组。原因：台风导致航班取消" in text
    assert "合作伙伴 无合作伙伴" in text and "申请日期" not in text
    assert half_width_beside_chinese(text) == []


def test_the_export_links_and_the_import_templates_use_a_full_width_colon(client, auth, make_user):
    auth.login(user=make_user(Role.ADMIN, locale="zh_CN"))
    for path in ("/experts", "/programmes", "/consortia", "/import"):
        text = visible_text(client.get(path).text)
        assert half_width_beside_chinese(text) == [], path
    assert "导出：" in visible_text(client.get("/experts").text)


def test_the_partner_page_separates_an_experts_subject_from_the_term_of_the_stay(client, auth, factory):
    user = auth.login()
    partner_id = factory.partner(name="EBG Germany", country="DE")
    token = auth.csrf("/account")
    response = client.post("/experts/new", data={"csrf_token": token, "name": "Klaus Weber", "nationality": "DE",
                                                 "partner_id": str(partner_id), "subject": "CNC machining", "owner_id": str(user.id)})
    assert response.status_code == 303
    expert_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/experts/{expert_id}/stays/new", data={"csrf_token": token, "starts_on": "2026-03-02",
                                                                "ends_on": "2026-04-30", "term": "short"}).status_code == 303
    section = client.get(f"/partners/{partner_id}/work").text.split('id="experts-heading"', 1)[1].split("</section>", 1)[0]
    line = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))
    assert "CNC machining · Short-term · 2 Mar 2026" in line


def test_the_renewal_pages_name_the_expiry_date_in_the_users_language(app, client, auth, make_user):
    from datetime import date

    from crm.experts.models import Expert, Permit, PermitKind
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    with app.app_context():
        expert = Expert(name="Klaus Weber", nationality="DE")
        expert.permits = [Permit(kind=PermitKind.WORK, expires_on=date(2027, 3, 14))]
        db.session.add(expert)
        db.session.commit()
        permit_id = expert.permits[0].id
    page = visible_text(client.get(f"/experts/permits/{permit_id}/renew").text)
    assert "2027年3月14日" in page and "2027-03-14" not in page


def test_a_partner_and_its_proposal_in_chinese_use_full_width_punctuation(client, auth, make_user, factory):
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner_id = factory.partner(name="Ivy Tech Community College", country="US", city="Indianapolis")
    proposal_id = factory.proposal(partner_id, title="Student exchange")
    partner_page = visible_text(client.get(f"/partners/{partner_id}").text)
    assert re.search(r"美国\s*，Indianapolis", partner_page)  # (tags between them read as spaces)
    proposal_page = visible_text(client.get(f"/proposals/{proposal_id}").text)
    assert re.search(r"Ivy Tech Community College\s*（美国）", proposal_page)
    assert half_width_beside_chinese(proposal_page) == []


def test_partners_and_agreements_in_chinese_use_full_width_punctuation(client, auth, make_user, factory):
    """A Chinese short name was shown as “(川外)”, the similar-partner warning as “(重庆大学) · 中国, 重庆”,
    a filter's error as “类型: …” and an agreement's decision as “张老师, 2026年…”."""
    auth.login(user=make_user(Role.STAFF, name="张老师", locale="zh_CN"))
    partner_id = factory.partner(name="Chongqing University", local_name="重庆大学", short_name="重大", country="CN", city="重庆")
    assert "（重大）" in visible_text(client.get(f"/partners/{partner_id}").text)
    assert "（重大）" in visible_text(client.get(f"/partners/{partner_id}/brief").text)

    similar = client.post("/partners/new", data={"csrf_token": auth.csrf("/partners/new"), "name": "Chongqing Univ.",
                                                 "kind": "university", "country": "CN", "status": "active"})
    warning = visible_text(similar.text)
    assert "（重庆大学） · 中国，重庆" in warning and half_width_beside_chinese(warning) == []

    listed = visible_text(client.get("/partners", query_string={"kind": "nonsense"}).text)
    assert "类型：" in listed and half_width_beside_chinese(listed) == []

    agreement_id = factory.agreement([partner_id])
    token = auth.csrf(f"/agreements/{agreement_id}/lapse")
    assert client.post(f"/agreements/{agreement_id}/lapse", data={"csrf_token": token, "version": "1", "reason": "不再续签"}).status_code == 303
    shown = visible_text(client.get(f"/agreements/{agreement_id}").text)
    assert "张老师，" in shown and half_width_beside_chinese(shown) == []


def test_the_reports_year_note_writes_its_dates_as_the_pages_dates_are_written(client, auth, make_user):
    """The note read "2025 年 9 月 1 日至 2026 年 8 月 31 日" beside dates written 2026年11月27日."""
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    text = visible_text(client.get("/reports/countries?year_from=2026&year_to=2026").text)
    assert "自9月1日起：2025-2026学年为2025年9月1日至2026年8月31日。" in text


def test_the_trips_and_visits_lists_separate_partners_as_the_page_language_does(client, auth, make_user, factory):
    """The lists joined the partners with an English ", " on a Chinese page."""
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    partner_ids = [str(factory.partner(name="Berufliche Schule Kiel", country="DE")), str(factory.partner(name="EBG Germany", country="DE"))]
    assert client.post("/trips/new", data={
        "csrf_token": auth.csrf("/trips/new"), "title": "赴德国考察交流团组", "year": "2026", "country": "DE",
        "partners": partner_ids, "purpose_kind": "exchange"}).status_code == 303
    assert client.post("/visits/new", data={
        "csrf_token": auth.csrf("/visits/new"), "title": "德国代表团", "partners": partner_ids, "arrive_on": "2026-09-28",
        "leave_on": "2026-09-30", "purpose_kind": "exchange", "reception_level": "office"}).status_code == 303
    for path in ("/trips", "/trips/plan?year=2026", "/visits"):
        assert "Berufliche Schule Kiel；EBG Germany" in visible_text(client.get(path).text), path
