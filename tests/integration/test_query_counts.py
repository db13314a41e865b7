"""Regression guard: each main request runs the same number of SQL statements at two data sizes."""
from datetime import date

import pytest
from sqlalchemy import event, func, select

from crm import create_app
from crm.agreements.models import Agreement
from crm.auth.models import Role, User
from crm.demo.generate import Sizes, generate
from crm.extensions import db
from crm.partners.models import Partner
from crm.trips.models import Trip
from crm.proposals.models import Proposal
from tests.conftest import TEST_DATABASE_URL

SMALL = Sizes(partners=20, countries=8, contacts=40, agreements=30, interactions=120, follow_ups=40, proposals=12, users=3)
LARGE = Sizes(partners=200, countries=30, contacts=500, agreements=300, interactions=1_500, follow_ups=400, proposals=90, users=8)

REQUESTS = [
    ("/partners?q=University", {}),
    ("/partners?q=University", {"HX-Request": "true", "HX-Target": "partner-results"}),
    ("/agreements/renewals", {}),
    ("/partners?q=重庆", {}),
    ("/partners?country={country}", {}),
    ("/partners/{partner_id}", {}),
    ("/partners/{partner_id}/work", {"HX-Request": "true", "HX-Target": "partner-work"}),
    ("/agreements", {}),
    ("/agreements?partner={partner_id}", {}),
    ("/agreements?renewal=within-90&sort=act_by", {}),
    ("/agreements?q=University", {"HX-Request": "true", "HX-Target": "agreement-results"}),
    ("/agreements/{agreement_id}", {}),
    ("/agreements/new", {}),
    ("/agreements/{agreement_id}/edit", {}),
    ("/history", {}),
    ("/history?page=2&country={country}", {}),
    ("/partners/{partner_id}/history", {}),
    ("/follow-ups?who=all", {}),
    ("/follow-ups", {}),
    ("/follow-ups?due=later", {}),
    ("/proposals", {}),
    ("/proposals?view=list", {}),
    ("/proposals?view=list&action=1&sort=partner", {}),
    ("/proposals/{proposal_id}", {}),
    ("/", {}),
    ("/home/watch", {"HX-Request": "true", "HX-Target": "home-watch"}),
    ("/home/office", {"HX-Request": "true", "HX-Target": "home-office"}),
    ("/reports", {}),
    ("/reports?last=10&focus=outbound_students", {}),
    ("/reports/countries?last=10", {}),
    ("/reports/partners", {}),
    ("/reports/international-influence", {}),
    ("/reports/international-influence.xlsx", {}),
    ("/reports/export.xlsx", {}),
    ("/outcomes?category=teachers_trained", {}),
    ("/outcomes", {}),
    ("/trips", {}),
    ("/trips/plan?year={trip_year}", {}),
    ("/trips/1", {}),
    ("/trips/statistics?first=2022&last=2026", {}),
    ("/visits", {}),
    ("/visits/1", {}),
]

FIGURE_PAGES = {"/reports", "/reports?last=10&focus=outbound_students", "/reports/countries?last=10", "/reports/partners",
                "/reports/international-influence",
                "/reports/international-influence.xlsx", "/reports/export.xlsx", "/agreements/{agreement_id}", "/outcomes"}


def _statement_counts(tmp_path, name, sizes):
    if TEST_DATABASE_URL:
        pytest.skip("runs on SQLite files; the count does not depend on the database")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}"})
    with app.app_context():
        db.create_all()
        generate(sizes, seed=11, today=date(2026, 11, 25))
        user = db.session.scalar(select(User).where(User.role == Role.STAFF).limit(1))
        # The busiest partner and country, so that every section has rows to render.
        partner_id = db.session.scalar(
            select(Partner.id).order_by(Partner.id).limit(1)
        )
        country = db.session.scalar(
            select(Partner.country).group_by(Partner.country).order_by(func.count().desc()).limit(1)
        )
        agreement_id = db.session.scalar(select(Agreement.id).order_by(Agreement.id).limit(1))
        proposal_id = db.session.scalar(select(Proposal.id).order_by(Proposal.id).limit(1))
        trip_year = db.session.scalar(select(Trip.year).order_by(Trip.id).limit(1))
        session_id = user.get_id()
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    counts = {}
    for path, headers in REQUESTS:
        url = path.format(trip_year=trip_year, partner_id=partner_id, country=country, agreement_id=agreement_id, proposal_id=proposal_id)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        response = client.get(url, headers=headers)
        event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, url
        counts[(path, tuple(headers.items()))] = len(statements)
    return counts


def test_statement_counts_do_not_grow_with_the_data(tmp_path):
    small = _statement_counts(tmp_path, "small.sqlite3", SMALL)
    large = _statement_counts(tmp_path, "large.sqlite3", LARGE)
    assert small == large
    # The partner's page gathers a section from each domain (one to three statements each).
    partner_page = small.pop(("/partners/{partner_id}", ()))
    # Pages that show the office's figures read them from the report's summary (crm/reports/
    # summary.py: typed outcomes and records grouped, one statement for each view of them); the
    # yearly report reads about a dozen, the 国际影响表 four, whatever the outcomes and records.
    figures = {key: small.pop(key) for key in list(small) if key[0] in FIGURE_PAGES}
    assert max(small.values()) <= 16 and max(figures.values()) <= 18
    # The partner's page: the user; the partner with its owner, tags and contacts (3); its
    # agreements (2), timeline (4), activity and proposals (1 each). Its lower block on its own
    # (/partners/<id>/work, guarded above with the others): the user, the partner, outcomes (2)
    # and their sums (4), consortia, experts, programmes, trips, visits and change history (1
    # each; the history one more per kind of record its entries name, none generated here).
    assert partner_page <= 12
    # Home's first response: the user, then "my day" (its counts, decisions and their partners,
    # follow-ups, proposals); the watch list and the office's figures come on their own.
    assert small[("/", ())] <= 6
    # The yearly report: its figures, the 10 first countries' (2), the largest partners' in the
    # charts' category (2), the narrative's subjects (3), promised vs delivered (1), names and the
    # layout's; its full tables fewer.
    assert figures[("/reports", ())] <= 13 and figures[("/reports/countries?last=10", ())] <= 6
    assert figures[("/reports/partners", ())] <= 9  # the largest in the focus category and over all
