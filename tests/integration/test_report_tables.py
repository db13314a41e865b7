"""The report's tables by country and by partner show the largest TABLE_ROWS, with a link to their
own pages, which hold every country (and the largest partners); every figure links to its records."""
import re

import pytest

from crm.extensions import db
from crm.outcomes.models import Outcome, OutcomeCategory
from crm.reports.views import TABLE_ROWS

YEAR = 2022
QUERY = f"year_from={YEAR}&year_to={YEAR}"
COUNTRIES = ["DE", "AU", "FR", "GB", "US", "CA", "JP", "KR", "NZ", "SG", "TH", "MY"]  # 12 > TABLE_ROWS


@pytest.fixture
def office(app, factory):
    """A partner in each country with an agreement: the partner of the n-th country sent n
    students abroad and earned 1 certificate (Germany's, the first: 100). Returns {country: partner id}."""
    partners = {}
    with app.app_context():
        for n, country in enumerate(COUNTRIES, start=1):
            partner = factory.partner(name=f"Partner {country}", country=country)
            agreement = factory.agreement([partner], title=f"Agreement {country}")
            db.session.add_all([
                Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=n, agreement_id=agreement),
                Outcome(year=YEAR, category=OutcomeCategory.CERTIFICATES_EARNED, count=100 if country == "DE" else 1,
                        agreement_id=agreement),
            ])
            partners[country] = partner
        db.session.commit()
    return partners


def _rows(page: str, table: str) -> list[str]:
    """The rows of the table by country or by partner (`table`: "countries" or "partners")."""
    body = re.search(rf'<table class="[^"]*app-report-{table}">(.*?)</table>', page, re.S).group(1)
    return re.findall(r'<tr><th scope="row">(.*?)</tr>', body, re.S)


def test_the_report_shows_the_largest_countries_and_links_to_them_all(client, auth, office):
    auth.login()
    page = client.get(f"/reports?{QUERY}").text
    rows = _rows(page, "countries")
    assert len(rows) == TABLE_ROWS
    # the largest first: 12 + 1 figures for the last country listed, down to the tenth
    largest = list(reversed(COUNTRIES))[:TABLE_ROWS]
    for row, country in zip(rows, largest):
        assert f"country={country}&amp;category=outbound_students" in row
    assert "country=DE&" not in "".join(rows)  # the smallest two are left to the full page
    link = re.search(r'<a href="(/reports/countries\?[^"]*)">All 12 countries</a>', page)
    assert link and f"year_from={YEAR}" in link.group(1)

    full = client.get(link.group(1).replace("&amp;", "&"))
    assert full.status_code == 200
    rows = _rows(full.text, "countries")
    assert len(rows) == len(COUNTRIES)
    assert "Germany" in rows[-1] and f"/outcomes?year_from={YEAR}&amp;year_to={YEAR}&amp;country=DE&amp;category=outbound_students" in rows[-1]
    assert ">1</a>" in rows[-1]  # Germany: 1 student abroad, 1 certificate, each a link


def test_the_partners_page_lists_the_largest_partners_with_their_pages(client, auth, office):
    auth.login()
    page = client.get(f"/reports?{QUERY}").text
    assert len(_rows(page, "partners")) == TABLE_ROWS
    assert re.search(r'<a href="/reports/partners\?[^"]*">The 500 largest partners</a>', page)
    full = client.get(f"/reports/partners?{QUERY}")
    assert full.status_code == 200
    rows = _rows(full.text, "partners")
    assert len(rows) == len(COUNTRIES)
    assert f'href="/partners/{office["MY"]}"' in rows[0] and f'href="/partners/{office["DE"]}"' in rows[-1]
    assert f"partner={office['MY']}&amp;category=outbound_students" in rows[0]


def test_the_full_tables_in_chinese(client, auth, make_user, office):
    auth.login(user=make_user(locale="zh_CN"))
    page = client.get(f"/reports?{QUERY}").text
    assert "全部 12 个国家/地区</a>" in page and "数字最大的 500 个合作伙伴</a>" in page
    for path, heading in (("/reports/countries", "：按国家/地区</h1>"), ("/reports/partners", "：按合作伙伴</h1>")):
        full = client.get(f"{path}?{QUERY}").text
        assert heading in full and "返回年度报告" in full and "Back to the report" not in full
        assert len(_rows(full, "countries" if path.endswith("countries") else "partners")) == len(COUNTRIES)


def test_a_viewer_reads_the_full_tables(client, auth, office):
    from crm.auth.models import Role

    auth.login(Role.VIEWER)
    assert client.get(f"/reports/countries?{QUERY}").status_code == 200
    assert client.get(f"/reports/partners?{QUERY}").status_code == 200
    assert client.get("/reports/countries?year_from=abc").status_code == 422


def test_the_tables_rank_by_the_category_the_charts_show(client, auth, office):
    """Not by all categories added up (students and certificates do not add up): Germany leads
    in certificates, and is left to the full page in students sent abroad."""
    auth.login()
    page = client.get(f"/reports?{QUERY}&focus=certificates_earned").text
    assert "Largest first in “Certificates earned”" in page
    countries, partners = _rows(page, "countries"), _rows(page, "partners")
    assert "Germany" in countries[0] and f'href="/partners/{office["DE"]}"' in partners[0]
    assert "Germany" not in "".join(_rows(client.get(f"/reports?{QUERY}").text, "countries"))
    full = client.get(f"/reports/countries?{QUERY}&focus=certificates_earned").text
    assert "Germany" in _rows(full, "countries")[0] and "Largest first in “Certificates earned”" in full


def test_countries_without_a_figure_in_the_charts_category_follow_the_others_by_their_sums(client, auth, app, factory):
    """The table by country: the countries with a figure in the category the charts show first
    (largest first), then the others by their sums over every category, largest first; the link to
    the full table counts them all."""
    with app.app_context():
        for n, country in enumerate(COUNTRIES, start=1):
            agreement = factory.agreement([factory.partner(name=f"Partner {country}", country=country)])
            # the first two countries sent students abroad; every country earned n certificates
            if n <= 2:
                db.session.add(Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=n, agreement_id=agreement))
            db.session.add(Outcome(year=YEAR, category=OutcomeCategory.CERTIFICATES_EARNED, count=n, agreement_id=agreement))
        db.session.commit()
    auth.login()
    page = client.get(f"/reports?{QUERY}&focus=outbound_students").text
    rows = _rows(page, "countries")
    expected = ["AU", "DE"] + list(reversed(COUNTRIES[2:]))[:TABLE_ROWS - 2]
    assert len(rows) == TABLE_ROWS
    for row, country in zip(rows, expected):
        assert f"country={country}&amp;" in row
    assert ">All 12 countries</a>" in page


def test_the_full_table_by_partner_holds_partners_without_a_figure_in_the_charts_category(client, auth, app, factory):
    """A partner whose figures are all in other categories is still in the table by partner (after
    those with a figure in the charts' category), as a country is in the table by country."""
    with app.app_context():
        students = factory.agreement([factory.partner(name="Partner with students", country="DE")])
        certificates = factory.agreement([factory.partner(name="Partner with certificates only", country="AU")])
        db.session.add_all([
            Outcome(year=YEAR, category=OutcomeCategory.OUTBOUND_STUDENTS, count=3, agreement_id=students),
            Outcome(year=YEAR, category=OutcomeCategory.CERTIFICATES_EARNED, count=40, agreement_id=certificates),
        ])
        db.session.commit()
    auth.login()
    full = client.get(f"/reports/partners?{QUERY}&focus=outbound_students").text
    rows = _rows(full, "partners")
    assert len(rows) == 2
    assert "Partner with students" in rows[0] and "Partner with certificates only" in rows[1]
    assert "then the others" in full
