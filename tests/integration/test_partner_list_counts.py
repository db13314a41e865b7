"""The partner list's counts: exact up to a cap, "more than N" above it (with the country
facets of the first matches), the stored per-country counts, and pages while rows remain.

The cap is set small in the app's config (PARTNER_COUNT_CAP), so a handful of partners
crosses it."""
import re
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select, update

from crm.extensions import db
from crm.partners.models import Partner, PartnerCountryCount, PartnerKind

RESULTS = {"HX-Request": "true", "HX-Target": "partner-results"}


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/partners/\d+">([^<]+)</a>', html)


@pytest.fixture
def hochschulen(factory):
    """Five partners holding "Hochschule" (three in Germany, two in Austria) and one other."""
    ids = [factory.partner(name=f"Hochschule {city}", country=country, city=city)
           for city, country in [("Aalen", "DE"), ("Bremen", "DE"), ("Coburg", "DE"), ("Dornbirn", "AT"), ("Eisenstadt", "AT")]]
    factory.partner(name="Deakin University", country="AU")
    return ids


@pytest.fixture
def cap(app):
    app.config["PARTNER_COUNT_CAP"] = 3
    yield 3
    app.config.pop("PARTNER_COUNT_CAP")


def test_below_the_cap_the_total_and_the_country_counts_are_exact(client, auth, hochschulen, app):
    app.config["PARTNER_COUNT_CAP"] = 5
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule"}, headers=RESULTS).text
    app.config.pop("PARTNER_COUNT_CAP")
    assert "5 partners found" in html and "More than" not in html
    assert re.search(r"Germany <span[^>]*>3</span>", html) and re.search(r"Austria <span[^>]*>2</span>", html)


def test_above_the_cap_the_list_says_more_than_the_cap_and_still_shows_every_row_in_order(client, auth, hochschulen, cap):
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule"}, headers=RESULTS).text
    assert "More than 3 partners found" in html and "counted up to 3" in html
    assert _names(html) == ["Hochschule Aalen", "Hochschule Bremen", "Hochschule Coburg", "Hochschule Dornbirn",
                            "Hochschule Eisenstadt"]
    # The facets name the countries among the first matches, without counts that would be wrong.
    assert "Countries among the first 3 matches" in html
    assert not re.search(r"Germany <span", html)


def test_above_the_cap_a_country_filter_counts_its_own_matches(client, auth, hochschulen, cap):
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule", "country": "AT"}, headers=RESULTS).text
    assert "2 partners found" in html
    assert _names(html) == ["Hochschule Dornbirn", "Hochschule Eisenstadt"]


def test_above_the_cap_other_filters_still_apply(client, auth, factory, hochschulen, cap):
    factory.partner(name="Hochschule Zittau", country="DE", kind=PartnerKind.COMPANY)
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule", "kind": "company"}, headers=RESULTS).text
    assert "1 partner found" in html and _names(html) == ["Hochschule Zittau"]


def test_pages_follow_while_rows_remain_above_the_cap(app, client, auth, hochschulen, cap):
    app.config["PAGE_SIZE"] = 2
    auth.login()
    seen, page, more = [], 1, True
    while more:
        html = client.get("/partners", query_string={"q": "hochschule", "page": page}).text
        seen += _names(html)
        more = 'rel="next"' in html
        if more:
            assert "of more than 3 shown" in html
        page += 1
    assert seen == ["Hochschule Aalen", "Hochschule Bremen", "Hochschule Coburg", "Hochschule Dornbirn",
                    "Hochschule Eisenstadt"]
    assert client.get("/partners", query_string={"q": "hochschule", "page": page}).status_code == 404


def test_the_bulk_change_offers_every_match_above_the_cap(client, auth, hochschulen, cap):
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule"}, headers=RESULTS).text
    assert "All matching partners (more than 3)" in html


# --- The stored counts per country --------------------------------------------------------

def _recounted() -> dict[str, int]:
    return dict(db.session.execute(
        select(Partner.country, func.count()).where(Partner.archived_at.is_(None)).group_by(Partner.country)).all())


def _stored() -> dict[str, int]:
    return dict(db.session.execute(
        select(PartnerCountryCount.country, PartnerCountryCount.partners).where(PartnerCountryCount.partners > 0)).all())


def test_the_stored_country_counts_follow_every_write(app, factory):
    first = factory.partner(name="A", country="DE")
    second = factory.partner(name="B", country="DE")
    factory.partner(name="C", country="AU")
    with app.app_context():
        assert _stored() == _recounted() == {"DE": 2, "AU": 1}
        db.session.execute(update(Partner).where(Partner.id == first).values(country="AT"))  # moved
        db.session.execute(update(Partner).where(Partner.id == second).values(archived_at=datetime(2026, 1, 1)))
        db.session.flush()
        assert _stored() == _recounted() == {"AT": 1, "AU": 1}
        db.session.execute(update(Partner).where(Partner.id == second).values(archived_at=None))  # restored
        db.session.execute(update(Partner).where(Partner.id == first).values(name="A2"))  # no count changes
        db.session.execute(delete(Partner).where(Partner.country == "AU"))
        db.session.flush()
        assert _stored() == _recounted() == {"AT": 1, "DE": 1}
        db.session.rollback()


def test_the_unfiltered_list_shows_the_stored_counts_exact_at_any_size(client, auth, hochschulen, cap):
    auth.login()
    html = client.get("/partners").text
    assert "6 partners found" in html
    assert re.search(r"Germany <span[^>]*>3</span>", html) and re.search(r"Australia <span[^>]*>1</span>", html)
    assert "3 partners found" in client.get("/partners", query_string={"country": "DE"}).text


@pytest.mark.parametrize("sort", ["country", "last_contact", "renewal"])
def test_above_the_cap_every_order_lists_every_match(client, auth, hochschulen, cap, sort):
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule", "sort": sort}, headers=RESULTS).text
    assert sorted(_names(html)) == ["Hochschule Aalen", "Hochschule Bremen", "Hochschule Coburg", "Hochschule Dornbirn",
                                    "Hochschule Eisenstadt"]
    if sort == "country":  # Austria before Germany
        assert _names(html)[:2] == ["Hochschule Dornbirn", "Hochschule Eisenstadt"]


def test_on_postgresql_the_rows_statement_reads_the_same_whatever_the_number_of_matches(app, client, auth, hochschulen):
    # Below the cap the page's rows are chosen among the matches' ids: on PostgreSQL as one
    # array parameter, so that the statement's text (which the server plans once per
    # connection) does not change with each search's number of matches.
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: SQLite takes IN with a parameter per id")
    from sqlalchemy import event

    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "partner.last_contact_at" in statement:
            statements.append(statement)

    auth.login()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        for term, found in (("hochschule", 5), ("bremen", 1), ("deakin", 1), ("hochschule aalen", 1)):
            html = client.get("/partners", query_string={"q": term}, headers=RESULTS).text
            assert len(_names(html)) == found, term
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 4 and len(set(statements[:3])) == 1


def test_a_country_filter_that_leaves_no_match_still_shows_the_other_countries_counts(client, auth, hochschulen):
    auth.login()
    html = client.get("/partners", query_string={"q": "hochschule", "country": "AU"}, headers=RESULTS).text
    assert _names(html) == [] and "0 partners found" in html
    assert re.search(r"Germany <span[^>]*>3</span>", html) and re.search(r"Austria <span[^>]*>2</span>", html)
    html = client.get("/partners", query_string={"country": "NZ"}, headers=RESULTS).text  # the live list's stored counts
    assert _names(html) == [] and "0 partners found" in html
    assert re.search(r"Germany <span[^>]*>3</span>", html) and re.search(r"Australia <span[^>]*>1</span>", html)


def test_the_live_lists_page_and_its_counts_come_in_one_statement_a_searchs_in_two_or_on_postgresql_one(app, client, auth, hochschulen, cap):
    """The live list's rows carry the stored counts (partner_page): one statement; a search
    takes its matches, then the page, below the cap and above it alike; on PostgreSQL a search
    of one word keeps its matches on the server and its rows carry their counts: one statement
    (queries._held_page)."""
    with app.app_context():
        engine = db.engine
    from sqlalchemy import event

    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "partner" in statement and "tag.name" not in statement and "user.email" not in statement.replace('"', ""):
            statements.append(statement)

    auth.login()
    for query in ({"q": "deakin"}, {"q": "hochschule"}, {"country": "DE"}, {}):
        statements.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert client.get("/partners", query_string=query, headers=RESULTS).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        one_statement = "q" not in query or engine.dialect.name == "postgresql"
        assert len(statements) == (1 if one_statement else 2), (query, statements)
