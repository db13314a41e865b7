"""/follow-ups, the navigation's overdue counter and the home page's cards."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp

TODAY = office_today()


@pytest.fixture
def entry(factory):
    partner = factory.partner(name="EBG Germany", country="DE")
    return factory.interaction(partner, subject="Exam planning")


def _follow_up(app, follow_up_id):
    with app.app_context():
        return db.session.get(FollowUp, follow_up_id)


def test_my_follow_ups_are_grouped_overdue_this_week_later_and_waiting_on_partner(client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    someone = auth.make_user(Role.STAFF)
    week_end = TODAY + timedelta(days=6 - TODAY.weekday())
    factory.follow_up(title="Late one", due_on=TODAY - timedelta(days=3), assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="Due soon", due_on=week_end, assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="Far away", due_on=week_end + timedelta(days=1), assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="Undated", assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="They send the list", due_on=TODAY - timedelta(days=9), partner_commitment=True, assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="Not mine", due_on=TODAY - timedelta(days=3), assignee_id=someone.id, interaction_id=entry)
    factory.follow_up(title="Closed", due_on=TODAY - timedelta(days=3), assignee_id=me.id, done=True, interaction_id=entry)
    page = client.get("/follow-ups").text
    sections = re.split(r'<section class="app-section app-followup-group', page)[1:]
    assert len(sections) == 4
    overdue, this_week, later, waiting = sections
    assert "Late one" in overdue and "Due soon" not in overdue
    assert "Due soon" in this_week
    assert "Far away" in later and "Undated" in later
    assert "They send the list" in waiting and "They send the list" not in overdue
    assert "Not mine" not in page and "Closed" not in page


def test_staff_see_only_their_own_and_admins_choose_an_assignee_or_everyone(client, auth, factory, entry):
    staff = auth.make_user(Role.STAFF, name="Wang Fang")
    factory.follow_up(title="Wang's task", assignee_id=staff.id, interaction_id=entry)
    auth.login(Role.STAFF)
    assert "Wang's task" not in client.get(f"/follow-ups?assignee={staff.id}").text
    token = auth.csrf()
    client.post("/logout", data={"csrf_token": token})
    auth.login(Role.ADMIN)
    assert "Wang&#39;s task" not in client.get("/follow-ups").text
    assert "Wang&#39;s task" in client.get(f"/follow-ups?assignee={staff.id}").text
    everyone = client.get("/follow-ups?assignee=all").text
    assert "Wang&#39;s task" in everyone and "Everyone's follow-ups" in everyone
    assert client.get("/follow-ups?assignee=999").status_code == 404
    assert client.get("/follow-ups?assignee=abc").status_code == 404


def test_marking_done_in_place_answers_the_row_and_announces_the_change(app, client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    follow_up = factory.follow_up(title="Late one", due_on=TODAY - timedelta(days=1), assignee_id=me.id, interaction_id=entry)
    token = auth.csrf()
    response = client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1"},
                           headers={"HX-Request": "true", "HX-Target": f"follow-up-{follow_up}"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="follow-up-{follow_up}" class="app-done"')
    assert response.headers["HX-Trigger"] == "followUpsChanged"
    done = _follow_up(app, follow_up)
    assert done.done and done.done_on == TODAY


def test_marking_done_without_javascript_goes_back_to_the_page(app, client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    follow_up = factory.follow_up(assignee_id=me.id, interaction_id=entry)
    token = auth.csrf()
    response = client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1", "next": "/follow-ups?assignee=all"})
    assert response.status_code == 303 and response.headers["Location"] == "/follow-ups?assignee=all"
    evil = client.post(f"/follow-ups/{follow_up}/reopen", data={"csrf_token": token, "version": "2", "next": "//evil.example"})
    assert evil.status_code == 303 and evil.headers["Location"] == "/follow-ups"
    assert not _follow_up(app, follow_up).done


def test_a_stale_done_answers_409_and_changes_nothing(app, client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    follow_up = factory.follow_up(assignee_id=me.id, interaction_id=entry)
    with app.app_context():
        db.session.get(FollowUp, follow_up).title = "Renamed meanwhile"
        db.session.commit()
    token = auth.csrf()
    assert client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1"}).status_code == 409
    assert not _follow_up(app, follow_up).done


def test_reassigning_moves_the_follow_up_to_someone_else(app, client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    other = auth.make_user(Role.STAFF)
    viewer = auth.make_user(Role.VIEWER)
    follow_up = factory.follow_up(assignee_id=me.id, interaction_id=entry)
    token = auth.csrf()
    refused = client.post(f"/follow-ups/{follow_up}/assign", data={"csrf_token": token, "version": "1", "assignee_id": str(viewer.id)})
    assert refused.status_code == 422  # a viewer takes no tasks
    response = client.post(f"/follow-ups/{follow_up}/assign", data={"csrf_token": token, "version": "1", "assignee_id": str(other.id)},
                           headers={"HX-Request": "true", "HX-Target": f"follow-up-{follow_up}"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "followUpsChanged"
    assert _follow_up(app, follow_up).assignee_id == other.id


def test_a_viewer_cannot_close_or_reassign_and_nothing_changes(app, client, auth, factory, entry):
    staff = auth.make_user(Role.STAFF)
    follow_up = factory.follow_up(assignee_id=staff.id, interaction_id=entry)
    auth.login(Role.VIEWER)
    token = auth.csrf()
    assert client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1"}).status_code == 403
    assert client.post(f"/follow-ups/{follow_up}/assign", data={"csrf_token": token, "version": "1", "assignee_id": ""}).status_code == 403
    unchanged = _follow_up(app, follow_up)
    assert (unchanged.done, unchanged.assignee_id, unchanged.version) == (False, staff.id, 1)


def test_follow_ups_of_archived_partners_are_out_of_sight(client, auth, factory):
    me = auth.login(Role.STAFF)
    archived = factory.partner(name="Gone", archived_at=datetime(2026, 1, 1))
    follow_up = factory.follow_up(title="Ghost task", assignee_id=me.id, due_on=TODAY - timedelta(days=1), interaction_id=factory.interaction(archived))
    assert "Ghost task" not in client.get("/follow-ups").text
    token = auth.csrf()
    assert client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1"}).status_code == 404


def test_the_navigation_counts_my_overdue_follow_ups_with_one_query(client, auth, factory, entry, count_statements):
    me = auth.login(Role.STAFF)
    for days in (1, 2):
        factory.follow_up(due_on=TODAY - timedelta(days=days), assignee_id=me.id, interaction_id=entry)
    factory.follow_up(due_on=TODAY - timedelta(days=1), assignee_id=me.id, partner_commitment=True, interaction_id=entry)
    factory.follow_up(due_on=TODAY, assignee_id=me.id, interaction_id=entry)
    fragment = client.get("/follow-ups/overdue-count", headers={"HX-Request": "true", "HX-Target": "overdue-count"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and ">2<" in fragment.text
    # The answer refreshes on the event only: loading it again on "load" would loop.
    assert 'hx-trigger="followUpsChanged from:body"' in fragment.text
    with count_statements() as counter:
        client.get("/follow-ups/overdue-count", headers={"HX-Request": "true", "HX-Target": "overdue-count"})
    counts = [s for s in counter.statements if "count(" in s.lower()]
    assert len(counts) == 1
    assert client.get("/follow-ups/overdue-count").status_code == 303  # no page of its own


def test_pages_load_the_overdue_counter_after_themselves_without_counting(client, auth, factory, entry, count_statements):
    me = auth.login(Role.STAFF)
    factory.follow_up(due_on=TODAY - timedelta(days=1), assignee_id=me.id, interaction_id=entry)
    with count_statements() as counter:
        page = client.get("/partners").text
    placeholder = re.search(r'<span id="overdue-count"[^>]*>', page).group(0)
    assert 'hx-trigger="load, followUpsChanged from:body"' in placeholder
    assert 'hx-get="/follow-ups/overdue-count"' in placeholder
    assert not any("follow_up" in s.lower() for s in counter.statements)  # the layout asks nothing


def test_the_home_page_lists_my_overdue_follow_ups(client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    factory.follow_up(title="Send the exam dates", due_on=TODAY - timedelta(days=4), assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="Not yet due", due_on=TODAY + timedelta(days=4), assignee_id=me.id, interaction_id=entry)
    home = client.get("/").text
    card = home[home.index('id="my-overdue-heading"'):home.index('id="my-this-week-heading"')]
    assert "Send the exam dates" in card and "Not yet due" not in card and "EBG Germany" in card


def test_the_home_page_lists_my_quiet_partners_after_the_configured_silence(app, client, auth, factory):
    me = auth.login(Role.STAFF)
    silent = factory.partner(name="Silent Partner", owner_id=me.id)
    factory.agreement([silent])
    factory.interaction(silent, occurred_at=datetime.now() - timedelta(days=200))
    chatty = factory.partner(name="Chatty Partner", owner_id=me.id)
    factory.agreement([chatty])
    factory.interaction(chatty, occurred_at=datetime.now() - timedelta(days=20))
    never = factory.partner(name="Never Contacted", owner_id=me.id)
    factory.agreement([never])
    no_agreement = factory.partner(name="No Agreement", owner_id=me.id)
    factory.interaction(no_agreement, occurred_at=datetime.now() - timedelta(days=400))
    expired = factory.partner(name="Expired Agreement", owner_id=me.id)
    factory.agreement([expired], valid_until=TODAY - timedelta(days=1))
    from crm.partners.models import PartnerStatus

    prospect = factory.partner(name="Prospect Partner", status=PartnerStatus.PROSPECT, owner_id=me.id)
    someone_elses = factory.partner(name="Not Mine")
    factory.agreement([someone_elses])
    factory.agreement([prospect])
    home = client.get("/home/watch").text  # the home page's block (swapped in once in view), as a page
    card = home[home.index('id="dormant-heading"'):]
    assert "Never Contacted" in card and "Silent Partner" in card
    assert card.index("Never Contacted") < card.index("Silent Partner")
    for name in ("Chatty Partner", "No Agreement", "Expired Agreement", "Prospect Partner", "Not Mine"):
        assert name not in card
    app.config["QUIET_AFTER_DAYS"] = 10
    assert "Chatty Partner" in client.get("/home/watch").text


def test_quiet_after_days_defaults_to_180(app):
    assert app.config["QUIET_AFTER_DAYS"] == 180


# --- bounded groups and reassigning one row at a time ---------------------------------------


def test_a_long_group_shows_its_first_rows_and_links_to_all_of_them_page_by_page(app, client, auth, factory, entry, monkeypatch):
    from crm.followups import queries

    monkeypatch.setattr(queries, "GROUP_LIMIT", 3)
    app.config["PAGE_SIZE"] = 4
    me = auth.login(Role.STAFF)
    for day in range(6):
        factory.follow_up(title=f"Late {day}", due_on=TODAY - timedelta(days=10 - day), assignee_id=me.id, interaction_id=entry)
    page = client.get("/follow-ups").text
    overdue = re.split(r'<section class="app-section app-followup-group', page)[1]
    assert [f"Late {day}" in overdue for day in range(6)] == [True, True, True, False, False, False]
    assert _badge(overdue, "group-count-overdue") == "6"
    assert 'href="/follow-ups?due=overdue"' in overdue and "Show all 6" in overdue
    first = client.get("/follow-ups?due=overdue")
    assert first.status_code == 200
    assert [f"Late {day}" in first.text for day in range(6)] == [True, True, True, True, False, False]
    assert 'href="/follow-ups?due=overdue&amp;page=2"' in first.text
    second = client.get("/follow-ups?due=overdue&page=2").text
    assert "Late 4" in second and "Late 5" in second and "Late 3" not in second
    assert client.get("/follow-ups?due=overdue&page=3").status_code == 404
    assert client.get("/follow-ups?due=someday").status_code == 404


def test_counts_stop_at_the_cap_and_say_more(app, client, auth, factory, entry, monkeypatch):
    from crm.core import capped

    monkeypatch.setattr(capped, "COUNT_CAP", 2)
    me = auth.login(Role.STAFF)
    for day in range(4):
        factory.follow_up(due_on=TODAY - timedelta(days=day + 1), assignee_id=me.id, interaction_id=entry)
    overdue = re.split(r'<section class="app-section app-followup-group', client.get("/follow-ups").text)[1]
    assert ">2+</span>" in overdue and 'title="More than 2"' in overdue and "Show all (more than 2)" in overdue
    assert ">2+</span>" in client.get("/follow-ups?due=overdue").text


def test_the_list_has_no_select_per_row_and_reassign_opens_the_form_for_one_row(client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    auth.make_user(Role.STAFF, name="Wang Fang")
    follow_ups = [factory.follow_up(title=f"Task {n}", assignee_id=me.id, interaction_id=entry) for n in range(3)]
    page = client.get("/follow-ups").text
    rows = "".join(re.findall(r"<tbody>.*?</tbody>", page, re.S))
    assert rows and "<select" not in rows  # (the bulk change above the list has the one list of users)
    assert f'href="/follow-ups/{follow_ups[0]}/assign?next=%2Ffollow-ups"' in page
    row = client.get(f"/follow-ups/{follow_ups[0]}/assign?next=/follow-ups",
                     headers={"HX-Request": "true", "HX-Target": f"follow-up-{follow_ups[0]}"})
    assert row.status_code == 200 and "<html" not in row.text
    assert row.text.lstrip().startswith(f'<tr id="follow-up-{follow_ups[0]}"')
    assert row.text.count("<select") == 1 and "Wang Fang" in row.text and 'name="next" value="/follow-ups"' in row.text
    plain = client.get(f"/follow-ups/{follow_ups[0]}/assign?next=//evil.example")
    assert plain.status_code == 200 and "<html" in plain.text and plain.text.count("<select") == 1
    assert 'name="next" value="/follow-ups"' in plain.text and 'name="next" value="//evil.example"' not in plain.text


def test_a_viewer_gets_no_reassign_form(client, auth, factory, entry):
    staff = auth.make_user(Role.STAFF)
    follow_up = factory.follow_up(assignee_id=staff.id, interaction_id=entry)
    auth.login(Role.VIEWER)
    assert client.get(f"/follow-ups/{follow_up}/assign").status_code == 403


def test_the_home_card_links_to_all_my_overdue_follow_ups_when_there_are_more(client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    for day in range(12):
        factory.follow_up(due_on=TODAY - timedelta(days=day + 1), assignee_id=me.id, interaction_id=entry)
    home = client.get("/").text
    card = home[home.index('id="my-overdue-heading"'):home.index('id="my-this-week-heading"')]
    assert 'href="/follow-ups?due=overdue"' in card and "Show all 12" in card
    assert card.count('<tr id="follow-up-') == 10


def test_the_index_by_assignee_serves_the_overdue_counter(app):
    from sqlalchemy import inspect

    with app.app_context():
        indexes = {tuple(ix["column_names"]) for ix in inspect(db.engine).get_indexes("follow_up")}
    assert ("assignee_id", "done", "partner_commitment", "due_on") in indexes


def _badge(html: str, element_id: str) -> str:
    match = re.search(rf'<span id="{element_id}"[^>]*>([^<]*)</span>', html)
    assert match, element_id
    return match.group(1)


def test_marking_done_on_the_list_with_htmx_updates_the_group_counts_in_the_same_answer(app, client, auth, factory, entry):
    me = auth.login(Role.ADMIN)
    late = [factory.follow_up(title=f"Late {n}", due_on=TODAY - timedelta(days=n + 1), assignee_id=me.id, interaction_id=entry)
            for n in range(3)]
    factory.follow_up(title="Undated", assignee_id=me.id, interaction_id=entry)
    page = client.get("/follow-ups").text
    assert _badge(page, "group-count-overdue") == "3" and _badge(page, "follow-ups-total") == "4"
    response = client.post(f"/follow-ups/{late[0]}/done", data={"csrf_token": auth.csrf(), "version": "1", "next": "/follow-ups"},
                           headers={"HX-Request": "true", "HX-Target": f"follow-up-{late[0]}"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="follow-up-{late[0]}" class="app-done"')
    # the counts, out of band, in a template (which may stand beside a table row), as the page has them
    oob = response.text.split("<template>", 1)[1]
    assert 'id="group-count-overdue" class="badge text-bg-light" hx-swap-oob="true"' in oob
    assert _badge(oob, "group-count-overdue") == "2" and _badge(oob, "group-count-later") == "1"
    assert _badge(oob, "follow-ups-total") == "3"
    # and the bulk bar's "All N listed here", which offered the 4 the page had
    assert "All 4 listed here" in page
    assert re.search(r'<label [^>]*id="bulk-all-matching-label" hx-swap-oob="true">All 3 listed here</label>', oob)
    # another list's page (a chosen assignee's) counts that assignee's; one group's page has no group counts
    mine = client.post(f"/follow-ups/{late[1]}/done", data={"csrf_token": auth.csrf(), "version": "1", "next": f"/follow-ups?assignee={me.id}"},
                       headers={"HX-Request": "true", "HX-Target": f"follow-up-{late[1]}"})
    assert _badge(mine.text, "group-count-overdue") == "1"
    one_group = client.post(f"/follow-ups/{late[2]}/done", data={"csrf_token": auth.csrf(), "version": "1", "next": "/follow-ups?due=overdue"},
                            headers={"HX-Request": "true", "HX-Target": f"follow-up-{late[2]}"})
    assert "hx-swap-oob" not in one_group.text


def test_marking_done_without_javascript_comes_back_to_the_right_counts(app, client, auth, factory, entry):
    me = auth.login(Role.STAFF)
    late = factory.follow_up(title="Late", due_on=TODAY - timedelta(days=2), assignee_id=me.id, interaction_id=entry)
    factory.follow_up(title="Later", due_on=TODAY - timedelta(days=1), assignee_id=me.id, interaction_id=entry)
    response = client.post(f"/follow-ups/{late}/done", data={"csrf_token": auth.csrf(), "version": "1", "next": "/follow-ups"},
                           follow_redirects=True)
    assert _badge(response.text, "group-count-overdue") == "1" and _badge(response.text, "follow-ups-total") == "1"


def test_without_javascript_the_page_says_what_was_done_to_the_follow_up(app, client, auth, factory, entry):
    """Without JavaScript a follow-up marked done leaves the list: the page it comes back to
    says which one was closed (or reopened, or reassigned), not nothing."""
    me = auth.login(Role.STAFF)
    other = auth.make_user(Role.STAFF)
    follow_up = factory.follow_up(title="Send the exam dates", assignee_id=me.id, interaction_id=entry)
    token = auth.csrf()
    done = client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1", "next": "/follow-ups"},
                       follow_redirects=True)
    assert "“Send the exam dates” was marked done." in done.text
    reopened = client.post(f"/follow-ups/{follow_up}/reopen", data={"csrf_token": token, "version": "2", "next": "/follow-ups"},
                           follow_redirects=True)
    assert "“Send the exam dates” is open again." in reopened.text
    moved = client.post(f"/follow-ups/{follow_up}/assign", data={"csrf_token": token, "version": "3", "assignee_id": str(other.id),
                                                                "next": "/follow-ups"}, follow_redirects=True)
    assert f"“Send the exam dates” was reassigned to {other.name}." in moved.text
    quiet = client.post(f"/follow-ups/{follow_up}/assign", data={"csrf_token": token, "version": "4", "assignee_id": str(me.id)},
                        headers={"HX-Request": "true", "HX-Target": f"follow-up-{follow_up}"})
    assert quiet.status_code == 200 and "was reassigned" not in quiet.text  # in place, the row itself shows it
    assert "was reassigned" not in client.get("/follow-ups").text  # and no message is left for the next page
