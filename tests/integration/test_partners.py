"""The partner directory through the test client: list, search, filters, page, forms, archive, exports."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from crm.agreements.models import AgreementDecision
from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.models import utcnow
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag
from crm.partners.queries import PartnerFilters, partner_page

RESULTS = {"HX-Request": "true", "HX-Target": "partner-results"}


def _names(html: str) -> list[str]:
    """The partner names linked from the list's rows, in order."""
    return re.findall(r'<a href="/partners/\d+">([^<]+)</a>', html)


@pytest.fixture
def office(factory):
    """A small office: two German partners, one Australian, one Chinese-named Chinese one."""
    ids = {
        "bsk": factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE", kind=PartnerKind.OTHER),
        "ebg": factory.partner(name="EBG Germany", local_name="Europäisches Bildungswerk", country="DE", city="Magdeburg"),
        "holmesglen": factory.partner(name="Holmesglen Institute", country="AU", city="Melbourne", website="https://www.holmesglen.edu.au"),
        "consortium": factory.partner(name="Chongqing Vocational Education Consortium", local_name="重庆高职教育国际合作联盟",
                                      country="CN", city="重庆", kind=PartnerKind.ASSOCIATION, status=PartnerStatus.PROSPECT),
    }
    factory.contact(ids["holmesglen"], name="Sarah Mitchell", email="s.mitchell@holmesglen.edu.au")
    return ids


# --- Search and filters ------------------------------------------------------------------------

@pytest.mark.parametrize("term", ["德国", "Germany", "germany", "DE"])
def test_the_country_filter_accepts_the_code_the_english_or_the_chinese_name(client, auth, office, term):
    auth.login()
    names = _names(client.get("/partners", query_string={"country": term}).text)
    assert sorted(names) == ["BSK International Education Institute", "EBG Germany"]


@pytest.mark.parametrize("term", ["德国", "Germany", "deguo", "De Guo"])  # the pinyin as the country picker takes it
def test_typing_a_country_name_in_the_search_box_finds_its_partners(client, auth, office, term):
    auth.login()
    names = _names(client.get("/partners", query_string={"q": term}, headers=RESULTS).text)
    assert sorted(names) == ["BSK International Education Institute", "EBG Germany"]


@pytest.mark.parametrize(("term", "expected"), [
    ("holmes", "Holmesglen Institute"),          # English name
    ("Bildungswerk", "EBG Germany"),             # local-language name
    ("bsk", "BSK International Education Institute"),  # short name
    ("Magdeburg", "EBG Germany"),                # city
    ("Mitchell", "Holmesglen Institute"),        # a contact's name
    ("s.mitchell@", "Holmesglen Institute"),     # a contact's e-mail
    ("重", "Chongqing Vocational Education Consortium"),    # one Chinese character
    ("重庆", "Chongqing Vocational Education Consortium"),  # two Chinese characters
    ("联盟", "Chongqing Vocational Education Consortium"),
])
def test_search_finds_partners_by_every_field_it_promises(client, auth, office, term, expected):
    auth.login()
    assert _names(client.get("/partners", query_string={"q": term}).text) == [expected]


def test_search_finds_partners_by_tag(app, client, auth, office):
    with app.app_context():
        db.session.get(Partner, office["ebg"]).tags = [Tag(name="Germany-China automotive")]
        db.session.commit()
    auth.login()
    assert _names(client.get("/partners", query_string={"q": "automotive"}).text) == ["EBG Germany"]
    assert _names(client.get("/partners", query_string={"tag": "Germany-China automotive"}).text) == ["EBG Germany"]


def test_every_word_of_the_search_must_match(client, auth, office):
    auth.login()
    assert _names(client.get("/partners", query_string={"q": "holmesglen melbourne"}).text) == ["Holmesglen Institute"]
    assert _names(client.get("/partners", query_string={"q": "holmesglen magdeburg"}).text) == []


def test_kind_status_owner_filters(client, auth, office, factory, app):
    owner = auth.login()
    with app.app_context():
        db.session.get(Partner, office["bsk"]).owner_id = owner.id
        db.session.commit()
    assert _names(client.get("/partners?kind=association").text) == ["Chongqing Vocational Education Consortium"]
    assert _names(client.get("/partners?status=prospect").text) == ["Chongqing Vocational Education Consortium"]
    assert _names(client.get(f"/partners?owner={owner.id}").text) == ["BSK International Education Institute"]


def test_the_gone_quiet_filter_keeps_only_the_quiet_partners(client, auth, office, factory):
    now = utcnow()
    factory.interaction(office["bsk"], occurred_at=now - timedelta(days=30))
    factory.interaction(office["ebg"], occurred_at=now - timedelta(days=400))
    auth.login()
    names = _names(client.get("/partners?quiet=1").text)
    assert "BSK International Education Institute" not in names
    assert "EBG Germany" in names and "Holmesglen Institute" in names


def test_an_unknown_country_or_kind_is_explained_with_422_not_500(client, auth, office):
    auth.login()
    response = client.get("/partners", query_string={"country": "Atlantis", "kind": "spaceship", "sort": "evil", "owner": "x"})
    assert response.status_code == 422
    assert "No country is called" in response.text


def test_the_list_answers_the_rows_only_to_an_htmx_search_and_pushes_a_clean_url(client, auth, office):
    auth.login()
    page = client.get("/partners?q=holmes")
    assert "<html" in page.text and 'id="partner-filters"' in page.text
    fragment = client.get("/partners?q=holmes&country=&kind=", headers=RESULTS)
    assert "<html" not in fragment.text and 'id="partner-filters"' not in fragment.text
    assert 'id="partner-results"' in fragment.text
    assert fragment.headers["HX-Push-Url"] == "/partners?q=holmes"
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_list_shows_active_agreements_last_contact_and_next_renewal(client, auth, office, factory, app):
    today = office_today()
    factory.agreement([office["holmesglen"]], valid_until=today + timedelta(days=300), notice_days=90)
    factory.agreement([office["holmesglen"]], valid_until=today + timedelta(days=100), notice_days=30)
    factory.agreement([office["holmesglen"]], valid_until=today - timedelta(days=5))  # expired
    factory.agreement([office["holmesglen"]], decision=AgreementDecision.TERMINATED)  # terminated
    factory.agreement([office["holmesglen"]], signed_on=None)  # draft
    factory.agreement([office["holmesglen"]], valid_until=None)  # open-ended, current
    factory.interaction(office["holmesglen"], occurred_at=datetime(2026, 3, 1, 8))
    factory.interaction(office["holmesglen"], occurred_at=datetime(2026, 5, 2, 8))
    with app.test_request_context():
        result = partner_page(PartnerFilters(q="holmesglen"), 1, 50)
    row = result.rows[0]
    assert row.active_agreements == 3
    assert row.last_contact == datetime(2026, 5, 2, 8)
    assert row.next_renewal == today + timedelta(days=70)
    auth.login()
    text = client.get("/partners?q=holmesglen").text
    assert "2 May 2026" in text


def test_sorting_by_next_renewal_puts_the_soonest_first_and_none_last(client, auth, office, factory):
    today = office_today()
    factory.agreement([office["ebg"]], valid_until=today + timedelta(days=400), notice_days=0)
    factory.agreement([office["bsk"]], valid_until=today + timedelta(days=200), notice_days=0)
    auth.login()
    names = _names(client.get("/partners?sort=renewal").text)
    assert names[:2] == ["BSK International Education Institute", "EBG Germany"]
    assert len(names) == 4


def test_sorting_by_country_follows_the_country_names(client, auth, office):
    auth.login()
    names = _names(client.get("/partners?sort=country").text)
    # Australia, China, Germany (twice)
    assert names[0] == "Holmesglen Institute" and names[1] == "Chongqing Vocational Education Consortium"


def test_facets_count_partners_per_country_and_the_total_is_shown(client, auth, office):
    auth.login()
    text = client.get("/partners?country=DE").text
    assert "2 partners found" in text
    assert re.search(r'country=AU">Australia <span class="badge text-bg-light">1</span>', text)
    assert re.search(r'country=DE" aria-current="true">Germany <span class="badge text-bg-light">2</span>', text)


def test_pages_of_fifty_with_a_next_page_row_loaded_by_htmx(app, client, auth):
    with app.app_context():
        db.session.execute(insert(Partner), [
            {"name": f"Partner {n:03d}", "kind": PartnerKind.COLLEGE, "country": "DE", "version": 1} for n in range(60)
        ])
        db.session.commit()
    auth.login()
    first = client.get("/partners").text
    assert len(_names(first)) == 50 and 'id="partner-more"' in first
    assert 'hx-get="/partners?page=2"' in first
    more = client.get("/partners?page=2", headers={"HX-Request": "true", "HX-Target": "partner-more"})
    assert more.text.lstrip().startswith("<tr>")
    assert _names(more.text) == [f"Partner {n:03d}" for n in range(50, 60)]
    assert "partner-more" not in more.text
    assert client.get("/partners?page=3").status_code == 404


def test_archived_partners_are_not_listed_and_their_page_is_404(app, client, auth, office):
    with app.app_context():
        db.session.get(Partner, office["bsk"]).archive()
        db.session.commit()
    auth.login()
    assert "BSK International Education Institute" not in client.get("/partners?q=BSK").text
    assert client.get(f"/partners/{office['bsk']}").status_code == 404
    assert client.get(f"/partners/{office['bsk']}/edit").status_code == 404


# --- Statement counts ----------------------------------------------------------------------------

def _add_partners(app, count: int, start: int = 0):
    if not count:
        return
    with app.app_context():
        from crm.auth.models import User

        owner_id = db.session.scalar(select(User.id))
        db.session.execute(insert(Partner), [
            {"name": f"Hochschule {n}", "kind": PartnerKind.UNIVERSITY, "country": ("DE", "AU", "CN")[n % 3],
             "owner_id": owner_id, "version": 1} for n in range(start, start + count)
        ])
        db.session.commit()


def test_the_search_fragment_runs_the_same_number_of_statements_at_10_and_500_partners(app, client, auth, factory, count_statements):
    auth.login()
    _add_partners(app, 10)
    pid = factory.partner(name="Hochschule Reutlingen", country="DE")
    factory.agreement([pid])
    factory.interaction(pid)
    counts = []
    for more in (0, 490):
        _add_partners(app, more, start=10)
        with count_statements() as counter:
            response = client.get("/partners?q=hochschule&sort=renewal", headers=RESULTS)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    with count_statements() as counter:
        client.get("/partners?q=hochschule")
    assert counter.count <= counts[0] + 3  # the full page adds the tag and owner choices


def test_the_partner_page_runs_the_same_number_of_statements_with_few_or_many_rows(app, client, auth, factory, count_statements):
    auth.login()
    few, many = factory.partner(name="Few"), factory.partner(name="Many")
    for partner_id, size in ((few, 1), (many, 25)):
        for n in range(size):
            factory.contact(partner_id, name=f"Person {n}")
            factory.agreement([partner_id], title=f"Agreement {n}")
            factory.interaction(partner_id, subject=f"Meeting {n}")
            factory.proposal(partner_id, title=f"Proposal {n}")
    counts = []
    for partner_id in (few, many):
        # Asked once first (a first request loads what each later one finds ready); test_query_counts
        # counts a first one.
        assert client.get(f"/partners/{partner_id}").status_code == 200
        with count_statements() as counter:
            assert client.get(f"/partners/{partner_id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


# --- Countries -------------------------------------------------------------------------------------

def test_countries_page_counts_partners_agreements_and_last_contact_and_links_to_the_list(client, auth, office, factory):
    factory.agreement([office["bsk"], office["ebg"]])
    factory.interaction(office["ebg"], occurred_at=datetime(2026, 6, 1, 8))
    auth.login()
    text = client.get("/partners/countries").text
    germany = re.search(r'<a href="/partners\?country=DE">Germany</a></td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]*)</td>', text)
    assert germany.groups() == ("2", "1", "1 Jun 2026")
    assert text.index("Germany") < text.index("Australia")  # most partners first
    by_name = client.get("/partners/countries?sort=name").text
    by_name = by_name[by_name.index('<table class="table'):]  # the table, after the charts
    assert by_name.index("Australia") < by_name.index("China") < by_name.index("Germany")


def test_countries_page_charts_partners_and_agreements_in_force_by_country(client, auth, office, factory):
    factory.agreement([office["bsk"], office["ebg"]])
    auth.login()
    text = client.get("/partners/countries").text
    assert text.count('<figure class="app-chart"') == 2
    partners_chart = text[text.index("Partners by country</figcaption>"):text.index("Agreements in force by country</figcaption>")]
    assert '<a href="/partners?country=DE"><title>Germany: 2</title>' in partners_chart
    agreements_chart = text[text.index("Agreements in force by country</figcaption>"):]
    assert '<a href="/agreements?country=DE&amp;status=current"' in agreements_chart
    assert "Australia" not in agreements_chart.split("</figure>")[0]  # no agreement in force there


def test_the_partner_list_links_to_partners_by_country(client, auth):
    auth.login()
    assert 'href="/partners/countries"' in client.get("/partners").text


# --- Create, edit, duplicates ------------------------------------------------------------------------

def _partner_form(**fields):
    return {"name": "Hiroshima University", "local_name": "広島大学", "kind": "university", "country": "JP",
            "status": "active", "owner_id": "", "website": "https://www.hiroshima-u.ac.jp", "tags": "Japan, 日本",
            "city": "Higashi-Hiroshima", "notes": "", **fields}


def test_staff_creates_a_partner_with_tags_and_the_creation_is_audited(app, client, auth):
    user = auth.login()
    response = client.post("/partners/new", data=_partner_form(csrf_token=auth.csrf("/partners/new")))
    assert response.status_code == 303
    with app.app_context():
        partner = db.session.scalars(select(Partner).where(Partner.name == "Hiroshima University")).one()
        assert [tag.name for tag in partner.tags] == ["Japan", "日本"]
        assert partner.created_by_id == user.id
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "partner", AuditEntry.record_id == partner.id)).first()
    assert response.headers["Location"] == f"/partners/{partner.id}"


def test_the_country_select_is_localised(client, auth, app):
    user = auth.login()
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    text = client.get("/partners/new").text
    assert re.search(r'<option data-search="[^"]*" value="DE">德国</option>', text)


@pytest.mark.parametrize("website", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org", "http://", "JavaScript:alert(1)"])
def test_only_http_websites_are_accepted(app, client, auth, website):
    auth.login()
    response = client.post("/partners/new", data=_partner_form(website=website, csrf_token=auth.csrf("/partners/new")))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Partner.id)) is None


def test_a_website_without_scheme_gets_https(app, client, auth):
    auth.login()
    client.post("/partners/new", data=_partner_form(website="www.hiroshima-u.ac.jp", csrf_token=auth.csrf("/partners/new")))
    with app.app_context():
        assert db.session.scalar(select(Partner.website)) == "https://www.hiroshima-u.ac.jp"


def test_a_similar_partner_is_shown_before_saving_and_the_user_confirms(app, client, auth, office):
    auth.login()
    data = _partner_form(name="Holmesglen Institute of TAFE", country="AU", website="", local_name="", csrf_token=auth.csrf("/partners/new"))
    warning = client.post("/partners/new", data=data)
    assert warning.status_code == 200
    assert "This partner may exist already" in warning.text
    assert f'href="/partners/{office["holmesglen"]}"' in warning.text
    with app.app_context():
        assert db.session.query(Partner).count() == 4
    created = client.post("/partners/new", data={**data, "create_anyway": "y"})
    assert created.status_code == 303
    with app.app_context():
        assert db.session.query(Partner).count() == 5


def test_the_same_website_domain_is_a_duplicate_in_any_country(client, auth, office):
    auth.login()
    data = _partner_form(name="Something else", country="NZ", website="http://holmesglen.edu.au/intl", csrf_token=auth.csrf("/partners/new"))
    assert "This partner may exist already" in client.post("/partners/new", data=data).text


def test_extra_form_fields_are_ignored(app, client, auth, make_user):
    auth.login()
    other = make_user(Role.ADMIN)
    data = _partner_form(csrf_token=auth.csrf("/partners/new"), id="999", version="77", archived_at="2020-01-01",
                         created_by_id=str(other.id), role="admin")
    assert client.post("/partners/new", data=data).status_code == 303
    with app.app_context():
        partner = db.session.scalars(select(Partner)).one()
        assert partner.id != 999 and partner.version == 1 and partner.archived_at is None
        assert partner.created_by_id != other.id


def test_a_viewer_cannot_create_edit_or_archive_and_nothing_changes(app, client, auth, office):
    auth.login(Role.VIEWER)
    token = auth.csrf()
    pid = office["bsk"]
    assert client.post("/partners/new", data=_partner_form(csrf_token=token)).status_code == 403
    assert client.post(f"/partners/{pid}/edit", data=_partner_form(csrf_token=token, version="1")).status_code == 403
    assert client.post(f"/partners/{pid}/archive", data={"csrf_token": token, "version": "1"}).status_code == 403
    assert client.get("/partners/new").status_code == 403
    with app.app_context():
        partner = db.session.get(Partner, pid)
        assert db.session.query(Partner).count() == 4
        assert partner.name == "BSK International Education Institute" and partner.version == 1 and not partner.is_archived


def test_a_viewer_still_reads_and_exports(client, auth, office):
    auth.login(Role.VIEWER)
    assert client.get("/partners").status_code == 200
    assert client.get(f"/partners/{office['bsk']}").status_code == 200
    assert client.get("/partners/export.csv").status_code == 200
    assert "New partner" not in client.get("/partners").text


def test_editing_saves_and_a_stale_edit_answers_409_and_overwrites_nothing(app, client, auth, office):
    auth.login()
    pid = office["ebg"]
    token = auth.csrf()
    data = _partner_form(name="EBG Germany gGmbH", country="DE", website="", csrf_token=token, version="1")
    assert client.post(f"/partners/{pid}/edit", data=data).status_code == 303
    stale = client.post(f"/partners/{pid}/edit", data={**data, "name": "Overwritten"})
    assert stale.status_code == 409
    with app.app_context():
        partner = db.session.get(Partner, pid)
        assert partner.name == "EBG Germany gGmbH" and partner.version == 2


def test_a_stale_edit_does_not_mark_tags_typed_with_commas_as_changed(app, client, auth, office, make_user):
    """The 409 page showed the tags typed ("Japan, 日本") beside the saved ones joined as a list
    ("Japan；日本") and marked the row as changed though nobody had touched the tags."""
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    pid = office["ebg"]
    data = _partner_form(name="EBG Germany gGmbH", country="DE", website="", csrf_token=auth.csrf(), version="1")
    assert client.post(f"/partners/{pid}/edit", data=data).status_code == 303
    stale = client.post(f"/partners/{pid}/edit", data={**data, "name": "Overwritten"})
    assert stale.status_code == 409
    table = re.search(r'<table class="[^"]*app-conflict">.*?</table>', stale.text, re.S).group(0)
    assert re.findall(r'<tr class="table-warning">\s*<th scope="row">([^<]*)</th>', table) == ["名称（英文）"]
    assert table.count("Japan；日本") == 2


def test_the_edit_form_shows_the_current_tags(app, client, auth, office):
    with app.app_context():
        db.session.get(Partner, office["ebg"]).tags = [Tag(name="Automotive"), Tag(name="CNC")]
        db.session.commit()
    auth.login()
    assert 'value="Automotive, CNC"' in client.get(f"/partners/{office['ebg']}/edit").text


# --- Archive and restore ------------------------------------------------------------------------------

def test_staff_archives_after_a_confirmation_and_an_admin_restores(app, client, auth, make_user, office):
    auth.login()
    pid = office["ebg"]
    confirm = client.get(f"/partners/{pid}/archive")
    assert confirm.status_code == 200 and "Archive this partner" in confirm.text
    assert client.post(f"/partners/{pid}/archive", data={"csrf_token": auth.csrf(), "version": "1"}).status_code == 303
    assert client.get(f"/partners/{pid}").status_code == 404
    assert client.get("/partners?archived=1").status_code == 403
    assert client.post(f"/partners/{pid}/restore", data={"csrf_token": auth.csrf(), "version": "2"}).status_code == 403

    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(Role.ADMIN)
    archive = client.get("/partners?archived=1").text
    assert "EBG Germany" in archive and "BSK" not in archive
    assert client.post(f"/partners/{pid}/restore", data={"csrf_token": auth.csrf(), "version": "2"}).status_code == 303
    assert client.get(f"/partners/{pid}").status_code == 200
    with app.app_context():
        assert not db.session.get(Partner, pid).is_archived


# --- Escaping and exports ---------------------------------------------------------------------------------

def test_what_users_typed_is_escaped_in_list_fragment_and_page(client, auth, factory):
    pid = factory.partner(name="<script>alert(1)</script>", city='<img src=x onerror="alert(2)">',
                          notes='<div hx-get="/evil" hx-trigger="load">x</div>')
    auth.login()
    for response in (client.get("/partners"), client.get("/partners", headers=RESULTS), client.get(f"/partners/{pid}")):
        assert "<script>alert(1)</script>" not in response.text
        assert "<img src=x" not in response.text
        assert '<div hx-get="/evil"' not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_the_csv_export_writes_the_filter_first_and_is_formula_safe(client, auth, factory):
    factory.partner(name="=HYPERLINK(\"http://evil\")", country="DE", city="-2+3", short_name="@SUM(A1)")
    factory.partner(name='Quote "and", comma\nnewline', country="DE")
    factory.partner(name="Not in Germany", country="AU")
    auth.login()
    response = client.get("/partners/export.csv", query_string={"country": "德国"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Partners"
    assert ["Country", "Germany (DE)"] in rows[:5]
    header_at = rows.index(next(row for row in rows if row and row[0] == "Name"))
    data = rows[header_at + 1:]
    assert len(data) == 2
    names = {row[0] for row in data}
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert 'Quote "and", comma\nnewline' in names
    evil = next(row for row in data if row[0].startswith("'="))
    assert evil[2] == "'@SUM(A1)" and evil[5] == "'-2+3"


def test_the_xlsx_export_holds_the_same_rows_and_no_formula(client, auth, factory):
    factory.partner(name="=1+1", local_name="德国伙伴", country="DE")
    auth.login()
    response = client.get("/partners/export.xlsx?q=德国")
    assert response.status_code == 200
    sheet, about = load_workbook(io.BytesIO(response.data)).worksheets
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Name"  # the column titles on row 1, the filters on the second sheet
    described = [[cell.value for cell in row] for row in about.iter_rows()]
    assert described[0][0] == "Partners" and ["Search", "德国"] == described[1][:2]
    flat = [value for row in values for value in row]
    assert "'=1+1" in flat and "德国伙伴" in flat
    assert not any(cell.data_type == "f" for ws in (sheet, about) for row in ws.iter_rows() for cell in row)


def test_the_archived_list_and_its_export_are_for_admins_only(client, auth):
    auth.login()
    assert client.get("/partners/export.csv?archived=1").status_code == 403


@pytest.mark.parametrize("term", ["' OR 1=1--", "%", "_", "'", "x" * 10_000, "x" * 10_001, "\\", "重", "<b>"])
def test_odd_search_terms_in_the_fragment_and_the_export_never_fail(client, auth, office, term):
    auth.login()
    fragment = client.get("/partners", query_string={"q": term}, headers=RESULTS)
    assert fragment.status_code in (200, 422)
    assert "<b>" not in fragment.text
    if term in ("%", "_", "' OR 1=1--"):
        assert "0 partners found" in fragment.text
    export = client.get("/partners/export.csv", query_string={"q": term})
    assert export.status_code in (200, 422)


@pytest.mark.parametrize("locale, message", [("en", ": Not a valid choice."), ("zh_CN", "：不是有效的选择。")])
def test_a_filter_choice_not_offered_is_named_once_in_the_words_of_every_other_select(client, auth, make_user, locale, message):
    """The list's choice fields answer with WTForms' own message (read once per language,
    crm/core/i18n.py), which the app's catalogue words the same: one message per field."""
    auth.login(user=make_user(Role.STAFF, locale=locale))
    page = client.get("/partners?kind=bogus&status=nope&sort=weird")
    alerts = re.findall(r'<div class="alert alert-warning py-2" role="alert">([^<]*)</div>', page.text)
    assert len(alerts) == 3 and all(alert.endswith(message) for alert in alerts), alerts
    assert client.get("/partners?sort=renewal").status_code == 200
