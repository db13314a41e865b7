"""The home page: "my day" for the user, and office-wide figures that each equal the number of
rows of the list they link to, for every role."""
import re
from datetime import datetime, timedelta

import pytest

from crm.agreements.models import AgreementDecision
from crm.auth.models import Role
from crm.core import deadlines as deadline_registry
from crm.core.dates import office_today
from crm.proposals.models import ProposalStage

TODAY = office_today()
WATCH_BLOCK = {"HX-Request": "true", "HX-Target": "home-watch"}


def _rows_of(key: str, html: str) -> int:
    """How many records a list page shows, by the kind of list (a chart's table is no list)."""
    html = re.sub(r'<figure class="app-chart".*?</figure>', "", html, flags=re.S)
    if key == "interactions":
        return len(re.findall(r'<li class="app-entry[ "]', html))
    if key == "open-proposals":
        return len(re.findall(r'<article class="app-proposal-card[ "]', html))
    bodies = re.findall(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    return sum(len(re.findall(r"<tr(?![^>]*id=\"partner-more\")[\s>]", body)) for body in bodies)


def _figures(html: str) -> list[tuple[str, int, str]]:
    found = re.findall(
        r'href="([^"]+)" data-figure="([^"]+)">\s*<span class="app-card-count">(\d+)</span>', html
    )
    return [(key, int(count), href.replace("&amp;", "&")) for href, key, count in found]


@pytest.fixture
def office(factory, make_user):
    """A small office: three users; partners, agreements, contacts, follow-ups and proposals
    spread between them, some archived, done or closed, so that each figure has something to
    leave out."""
    admin = make_user(Role.ADMIN, name="Admin Wang")
    staff = make_user(Role.STAFF, name="Staff Li")
    viewer = make_user(Role.VIEWER, name="Viewer Zhao")
    ebg = factory.partner(name="EBG Germany", country="DE", owner_id=staff.id)
    holmes = factory.partner(name="Holmesglen Institute", country="AU", owner_id=admin.id)
    gone = factory.partner(name="Archived Partner", country="JP", archived_at=datetime(2026, 1, 1))
    factory.agreement([ebg], title="EBG training", owner_id=staff.id, valid_until=TODAY + timedelta(days=70), notice_days=60)
    factory.agreement([holmes], title="Holmesglen teachers", owner_id=admin.id, valid_until=TODAY + timedelta(days=100), notice_days=10)
    factory.agreement([holmes], title="Old exchange", valid_until=TODAY - timedelta(days=30))
    factory.agreement([holmes], title="Unsigned draft", signed_on=None)
    factory.agreement([ebg], title="Renewed one", decision=AgreementDecision.RENEWED)
    entry = factory.interaction(ebg, occurred_at=datetime.now() - timedelta(days=3))
    factory.interaction(holmes, occurred_at=datetime.now() - timedelta(days=40))
    factory.interaction(gone)
    for assignee, due in ((staff.id, -3), (staff.id, -1), (admin.id, -2), (staff.id, 0), (viewer.id, None)):
        factory.follow_up(title=f"Task {assignee} {due}", assignee_id=assignee, interaction_id=entry,
                          due_on=None if due is None else TODAY + timedelta(days=due))
    factory.follow_up(title="They send the list", assignee_id=staff.id, partner_commitment=True, interaction_id=entry)
    factory.follow_up(title="Done already", assignee_id=staff.id, done=True, interaction_id=entry, due_on=TODAY - timedelta(days=5))
    factory.proposal(ebg, title="Dual degree", owner_id=staff.id, next_step_on=TODAY - timedelta(days=2), next_step="Call them")
    factory.proposal(holmes, title="Summer school", owner_id=admin.id, stage=ProposalStage.DRAFTING)
    factory.proposal(holmes, title="Declined idea", stage=ProposalStage.DECLINED)
    factory.proposal(gone, title="Archived partner's proposal")
    return {"admin": admin, "staff": staff, "viewer": viewer}


@pytest.mark.parametrize("role", ["admin", "staff", "viewer"])
def test_every_home_figure_equals_the_rows_of_the_list_it_links_to(client, auth, office, role):
    auth.login(user=office[role])
    figures = _figures(client.get("/home/office").text)
    assert {key for key, _count, _href in figures} == {
        "partners", "agreements", "renewals", "interactions", "open-follow-ups", "overdue-follow-ups",
        "open-proposals", "proposals-needing-action",
    }
    for key, count, href in figures:
        listed = client.get(href)
        assert listed.status_code == 200, href
        assert _rows_of(key, listed.text) == count, f"{key}: the figure says {count}, {href} lists otherwise"
    counts = {key: count for key, count, _href in figures}
    assert counts["partners"] == 2 and counts["interactions"] == 2 and counts["open-proposals"] == 2
    assert counts["overdue-follow-ups"] == (3 if role == "admin" else 2 if role == "staff" else 0)


def test_the_admins_overdue_figure_links_to_everyones_overdue_follow_ups(client, auth, office):
    auth.login(user=office["admin"])
    figures = {key: (count, href) for key, count, href in _figures(client.get("/home/office").text)}
    count, href = figures["overdue-follow-ups"]
    assert count == 3 and "assignee=all" in href and "due=overdue" in href


def test_a_staff_members_day_shows_their_renewal_decision_follow_ups_and_proposals(client, auth, office):
    auth.login(user=office["staff"])
    html = client.get("/").text
    decisions = html[html.index('id="my-decisions"'):html.index('id="my-follow-ups"')]
    assert "EBG training" in decisions and "Holmesglen teachers" not in decisions
    follow_ups = html[html.index('id="my-follow-ups"'):html.index('id="my-proposals"')]
    assert f"Task {office['staff'].id} -3" in follow_ups and f"Task {office['admin'].id} -2" not in follow_ups
    assert f"Task {office['staff'].id} 0" in follow_ups  # due today: this week
    assert "Mark “Task" in follow_ups  # Done in place
    proposals = html[html.index('id="my-proposals"'):html.index('id="home-watch"')]
    assert "Dual degree" in proposals and "Summer school" not in proposals


def test_the_counters_refresh_as_a_fragment_and_are_not_a_page(client, auth, office, factory):
    auth.login(user=office["staff"])
    fragment = client.get("/home/counts", headers={"HX-Request": "true", "HX-Target": "my-day-counts"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert re.search(r"<strong>2</strong> overdue follow-ups", fragment.text)
    assert re.search(r"<strong>1</strong> decision due", fragment.text)
    assert client.get("/home/counts").status_code == 303


def test_done_on_the_home_page_without_javascript_comes_back_home(client, auth, office):
    auth.login(user=office["staff"])
    html = client.get("/").text
    action = re.search(r'<form method="post" action="(/follow-ups/(\d+)/done)"', html)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(action.group(1), data={"csrf_token": token, "version": "1", "next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    fragment = client.get("/home/counts", headers={"HX-Request": "true", "HX-Target": "my-day-counts"}).text
    assert re.search(r"<strong>1</strong> overdue follow-ups", fragment) or re.search(r"<strong>1</strong> due this week", fragment)


def test_other_deadlines_come_from_the_registry_with_their_links_overdue_in_red(client, auth, office, monkeypatch):
    staff = office["staff"]
    seen = {}

    def permits(owner_ids, today, horizon):
        seen["args"] = (list(owner_ids), today, horizon)
        yield deadline_registry.Deadline("permit-1", today - timedelta(days=1), "Work permit expires: Anna", "partners.index")
        yield deadline_registry.Deadline("trip-2", today + timedelta(days=5), "Trip report due", "followups.index", about="Berlin")

    monkeypatch.setitem(deadline_registry._sources, "test-permits", permits)
    auth.login(user=staff)
    html = client.get("/home/watch", headers=WATCH_BLOCK).text
    section = html[html.index('id="my-deadlines"'):]
    section = section[:section.index("</section>")]
    assert seen["args"] == ([staff.id], TODAY, TODAY + timedelta(days=30))
    assert re.search(r'<li class="app-overdue-text">\s*<span><a href="/partners">Work permit expires: Anna</a>', section)
    assert '<a href="/follow-ups">Trip report due</a> <span class="app-sub">Berlin</span>' in section


def test_the_home_page_draws_its_two_charts_with_their_tables(client, auth, office):
    auth.login(user=office["staff"])
    html = client.get("/home/office", headers={"HX-Request": "true", "HX-Target": "home-office"}).text
    assert html.count('<figure class="app-chart"') == 2
    assert "Contacts logged per month" in html and "Proposals by stage" in html
    assert f'/history?date_from={TODAY.replace(day=1).isoformat()}' in html
    assert "/proposals?view=list&amp;stage=idea" in html


def test_the_home_page_takes_a_fixed_number_of_statements(client, auth, office, factory, count_statements):
    auth.login(user=office["staff"])
    pages = ("/", "/home/watch", "/home/office")
    for path in pages:
        client.get(path)
    few = {}
    for path in pages:
        with count_statements() as counted:
            client.get(path)
        few[path] = counted.count
    partner = factory.partner(name="More", owner_id=office["staff"].id)
    for n in range(5):
        entry = factory.interaction(partner, occurred_at=datetime.now() - timedelta(days=n))
        factory.follow_up(title=f"More {n}", assignee_id=office["staff"].id, interaction_id=entry, due_on=TODAY - timedelta(days=n + 1))
        factory.proposal(partner, title=f"More {n}", owner_id=office["staff"].id, next_step_on=TODAY)
        factory.agreement([partner], owner_id=office["staff"].id, valid_until=TODAY + timedelta(days=40 + n))
    for path in pages:
        with count_statements() as many:
            client.get(path)
        assert many.count == few[path], path


def test_the_office_block_comes_once_in_view_and_is_a_page_without_javascript(client, auth, office):
    auth.login(user=office["staff"])
    home = client.get("/").text
    block = home[home.index('<section class="app-home-office"'):]
    block = block[:block.index("</section>")]
    assert 'hx-get="/home/office"' in block and 'hx-trigger="revealed"' in block
    assert '<a href="/home/office">' in block and "data-figure" not in block  # the office's counts are not on the page
    fragment = client.get("/home/office", headers={"HX-Request": "true", "HX-Target": "home-office"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.count('data-figure="') == 8 and 'id="home-office"' in fragment.text
    page = client.get("/home/office")
    assert "<html" in page.text and page.text.count('data-figure="') == 8
    assert '<h1 class="h4" id="office-heading">The office</h1>' in page.text


def test_quiet_partners_and_other_deadlines_come_once_in_view_and_are_a_page_without_javascript(client, auth, office, factory, monkeypatch):
    """The first response holds what the user acts on first; the watch list comes on its own."""
    staff = office["staff"]
    factory.agreement([factory.partner(name="Silent Partner", owner_id=staff.id)], signed_on=TODAY - timedelta(days=400),
                      valid_from=TODAY - timedelta(days=400), valid_until=TODAY + timedelta(days=400))

    def permits(owner_ids, today, horizon):
        yield deadline_registry.Deadline("permit-1", today + timedelta(days=3), "Work permit expires: Anna", "partners.index")

    monkeypatch.setitem(deadline_registry._sources, "test-permits", permits)
    auth.login(user=staff)
    home = client.get("/").text
    block = home[home.index('<div class="app-home-watch" id="home-watch">'):home.index('id="home-office"')]
    assert 'hx-get="/home/watch" hx-trigger="revealed" hx-target="#home-watch" hx-swap="outerHTML"' in block
    assert '<a href="/home/watch#my-quiet">' in block and '<a href="/home/watch#my-deadlines">' in block
    assert "Silent Partner" not in block and "Work permit expires" not in block
    assert "My decisions due" in home and "EBG training" in home  # "my day" stays in the first response
    fragment = client.get("/home/watch", headers=WATCH_BLOCK)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "hx-get" not in fragment.text
    assert fragment.text.startswith('<div class="app-home-watch" id="home-watch">')
    assert '<h3 class="h6" id="dormant-heading">' in fragment.text
    assert "Silent Partner" in fragment.text and "Work permit expires: Anna" in fragment.text
    page = client.get("/home/watch")
    assert "<html" in page.text and "Silent Partner" in page.text and "Work permit expires: Anna" in page.text
    assert '<h2 class="h6" id="dormant-heading">' in page.text and "hx-get=\"/home/watch\"" not in page.text


def test_counters_with_something_due_stand_out(client, auth, office):
    auth.login(user=office["staff"])
    counters = client.get("/home/counts", headers={"HX-Request": "true", "HX-Target": "my-day-counts"}).text
    assert re.search(r'<li class="app-my-count-alert"><a href="#my-follow-ups"><strong>2</strong>', counters)
    assert "app-my-count-clear" not in counters


def test_counters_at_zero_are_quiet_and_one_line_says_when_nothing_is_due(client, auth, office, make_user):
    auth.login(user=make_user(Role.STAFF, name="Nobody Busy"))
    counters = client.get("/home/counts", headers={"HX-Request": "true", "HX-Target": "my-day-counts"}).text
    assert counters.count('class="app-my-count-zero"') == 4 and "app-my-count-clear" in counters


def test_a_liaisons_outcomes_sent_back_come_first_on_the_home_page(app, client, auth, office, factory, make_user, count_statements):
    """An outcome the office sent back showed only on /outcomes/mine, where a liaison does not look
    first: "my day" lists their school's (the same rule as that page), counts them, in a fixed
    number of statements; another school's, a waiting one and office staff's day do not show them."""
    from crm.auth.models import User
    from crm.extensions import db
    from crm.outcomes.models import Outcome, OutcomeStatus
    from crm.schools.models import School

    agreement_id = factory.agreement([factory.partner(name="EBG Dual")], title="Dual training")
    with app.app_context():
        mech, auto = School(name_zh="机械工程学院", name_en="Mechanical"), School(name_zh="车辆工程学院", name_en="Automotive")
        db.session.add_all([mech, auto])
        db.session.commit()
        school_ids = mech.id, auto.id
    liaison = make_user(Role.LIAISON, name="Liaison Chen")
    with app.app_context():
        db.session.get(User, liaison.id).school_id = school_ids[0]
        db.session.commit()

    def outcome(school_id, status, reason=None, count=5):
        with app.app_context():
            row = Outcome(agreement_id=agreement_id, school_id=school_id, year=2025, category="certificates_earned",
                          count=count, status=status, review_reason=reason)
            db.session.add(row)
            db.session.commit()
            return row.id

    sent_back = outcome(school_ids[0], OutcomeStatus.RETURNED, "Attach the exam list.", count=54)
    outcome(school_ids[0], OutcomeStatus.PENDING, "Not this one")
    outcome(school_ids[1], OutcomeStatus.RETURNED, "Another school's")
    auth.login(user=liaison)
    with count_statements() as one:
        home = client.get("/").text
    assert 'id="my-returned"' in home and "Attach the exam list." in home
    assert f'href="/outcomes/{sent_back}/edit">Certificates earned 54</a>' in home
    assert "Not this one" not in home and "Another school's" not in home
    assert re.search(r'<li class="app-my-count-alert"><a href="#my-returned"><strong>1</strong> outcome sent back to you', home)
    counters = client.get("/home/counts", headers={"HX-Request": "true", "HX-Target": "my-day-counts"}).text
    assert re.search(r'<a href="#my-returned"><strong>1</strong> outcome sent back to you', counters)
    assert client.get("/outcomes/mine").text.count('class="app-outcome app-outcome-returned"') == 1  # the same rows

    for n in range(12):
        outcome(school_ids[0], OutcomeStatus.RETURNED, f"Fix {n}")
    with count_statements() as many:
        home = client.get("/").text
    assert many.count == one.count
    assert home.count('href="/outcomes/') >= 10 and "Show all 13" in home and "13</strong> outcomes sent back to you" in home

    client.post("/logout", data={"csrf_token": auth.csrf()})
    auth.login(user=office["staff"])
    staff_home = client.get("/").text
    assert 'id="my-returned"' not in staff_home and "sent back to you" not in staff_home
