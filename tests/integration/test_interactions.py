"""Contact history through the test client: logging, the timeline, editing, deleting, /history."""
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.interactions.models import Interaction, InteractionKind

HTMX_SECTION = {"HX-Request": "true", "HX-Target": "contact-history"}


def _form(token, **fields):
    data = {
        "csrf_token": token,
        "occurred_at": "2026-11-20T15:30",
        "kind": "meeting",
        "subject": "Annual review",
        "summary": "",
        "location": "",
        "agreement_id": "",
        "proposal_id": "",
    }
    for index in range(3):
        data |= {f"follow_ups-{index}-title": "", f"follow_ups-{index}-due_on": "", f"follow_ups-{index}-assignee_id": ""}
    return data | fields


@pytest.fixture
def partner(factory):
    partner_id = factory.partner()
    return {
        "id": partner_id,
        "jane": factory.contact(partner_id, name="Jane Doe"),
        "john": factory.contact(partner_id, name="John Smith"),
    }


def _interactions(app):
    with app.app_context():
        return db.session.scalars(select(Interaction)).all()


def test_logging_in_place_answers_the_section_with_the_new_entry_first_and_announces_it(app, client, auth, factory, partner):
    user = auth.login(Role.STAFF)
    factory.interaction(partner["id"], subject="An older visit", occurred_at=datetime(2026, 1, 5, 9))
    token = auth.csrf(f"/partners/{partner['id']}")
    response = client.post(
        f"/partners/{partner['id']}/interactions/new",
        data=_form(token, contact_ids=[partner["jane"], partner["john"]], staff_ids=[user.id],
                   **{"follow_ups-0-title": "Send the MoU draft", "follow_ups-0-due_on": "2026-12-01",
                      "follow_ups-0-assignee_id": str(user.id), "follow_ups-1-title": "Send the cohort list",
                      "follow_ups-1-partner_commitment": "y"}),
        headers=HTMX_SECTION,
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "interactionLogged" in response.headers["HX-Trigger"]
    assert "followUpsChanged" in response.headers["HX-Trigger"]
    assert response.text.index("Annual review") < response.text.index("An older visit")
    with app.app_context():
        logged = db.session.scalars(select(Interaction).where(Interaction.subject == "Annual review")).one()
        assert {c.name for c in logged.contacts} == {"Jane Doe", "John Smith"}
        assert [u.id for u in logged.staff] == [user.id]
        assert logged.author_id == user.id
        assert logged.occurred_at == datetime(2026, 11, 20, 7, 30)  # 15:30 in Chongqing, stored in UTC
        follow_ups = sorted(logged.follow_ups, key=lambda f: f.title)
        assert [(f.title, f.partner_commitment) for f in follow_ups] == [("Send the MoU draft", False), ("Send the cohort list", True)]
        assert follow_ups[0].due_on == date(2026, 12, 1)


def test_logging_without_javascript_redirects_to_the_partner_page_and_skips_blank_rows(app, client, auth, partner):
    auth.login(Role.STAFF)
    token = auth.csrf(f"/partners/{partner['id']}/interactions/new")
    response = client.post(f"/partners/{partner['id']}/interactions/new", data=_form(token))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/partners/{partner['id']}#contact-history")
    with app.app_context():
        assert db.session.query(Interaction).count() == 1
        assert db.session.query(FollowUp).count() == 0


def test_the_log_form_page_offers_the_partners_contacts_only(client, auth, factory, partner):
    auth.login(Role.STAFF)
    other = factory.partner(name="Hiroshima University", country="JP")
    factory.contact(other, name="Taro Yamada")
    page = client.get(f"/partners/{partner['id']}/interactions/new")
    assert page.status_code == 200
    assert "Jane Doe" in page.text and "Taro Yamada" not in page.text
    assert page.text.count('name="follow_ups-') >= 3 * 4  # three blank follow-up rows of four fields


@pytest.mark.parametrize(
    "fields",
    [
        {"follow_ups-0-title": "Send it", "follow_ups-0-due_on": "31/02/2026"},
        {"follow_ups-0-title": "Send it", "follow_ups-0-due_on": "2026-02-31"},
        {"follow_ups-0-due_on": "2026-12-01"},  # a date with nothing due
        {"subject": ""},
        {"occurred_at": "yesterday"},
        {"kind": "seance"},
        {"subject": "x" * 201},
        {"agreement_id": "abc"},
    ],
)
def test_invalid_input_answers_422_with_the_form_and_saves_nothing(app, client, auth, partner, fields):
    auth.login(Role.STAFF)
    token = auth.csrf(f"/partners/{partner['id']}/interactions/new")
    response = client.post(f"/partners/{partner['id']}/interactions/new", data=_form(token, **fields))
    assert response.status_code == 422
    assert "is-invalid" in response.text
    assert _interactions(app) == []



def test_a_day_after_today_is_refused_as_a_slip_and_later_today_is_kept(app, client, auth, partner):
    """31 Dec typed on 1 Dec (or 30 Dec typed on 2 Jan, keeping the new year) was saved, and the
    partner's last contact stood in the future."""
    auth.login(Role.STAFF)
    url = f"/partners/{partner['id']}/interactions/new"
    tomorrow = office_today() + timedelta(days=1)
    response = client.post(url, data=_form(auth.csrf(url), occurred_at=f"{tomorrow.isoformat()}T09:00"))
    assert response.status_code == 422
    assert "This is after today" in response.text and _interactions(app) == []
    assert client.post(url, data=_form(auth.csrf(url), occurred_at=f"{office_today().isoformat()}T23:59")).status_code == 303


def test_participants_and_agreements_of_another_partner_are_refused(app, client, auth, factory, partner):
    auth.login(Role.STAFF)
    other = factory.partner(name="Hiroshima University", country="JP")
    stranger = factory.contact(other, name="Taro Yamada")
    their_agreement = factory.agreement([other], title="Their agreement")
    token = auth.csrf()
    url = f"/partners/{partner['id']}/interactions/new"
    assert client.post(url, data=_form(token, contact_ids=[stranger])).status_code == 422
    assert client.post(url, data=_form(token, agreement_id=str(their_agreement))).status_code == 422
    assert _interactions(app) == []


def test_a_related_agreement_and_proposal_of_the_partner_are_linked(app, client, auth, factory, partner):
    auth.login(Role.STAFF)
    agreement = factory.agreement([partner["id"]])
    proposal = factory.proposal(partner["id"])
    token = auth.csrf()
    response = client.post(f"/partners/{partner['id']}/interactions/new",
                           data=_form(token, agreement_id=str(agreement), proposal_id=str(proposal)))
    assert response.status_code == 303
    [logged] = _interactions(app)
    assert (logged.agreement_id, logged.proposal_id) == (agreement, proposal)


def test_a_summary_with_html_and_htmx_attributes_stays_inert_text(client, auth, factory, partner):
    auth.login(Role.STAFF)
    evil = '<script>alert(1)</script><button hx-post="/logout" hx-trigger="load">x</button>'
    factory.interaction(partner["id"], subject='<img src=x onerror="alert(2)">', summary=evil)
    for path in (f"/partners/{partner['id']}", "/history", f"/partners/{partner['id']}/history"):
        page = client.get(path).text
        assert "<script>alert(1)" not in page and '<button hx-post="/logout"' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert '<img src=x onerror' not in page


def test_a_viewer_cannot_log_edit_or_delete_and_nothing_changes(app, client, auth, factory, partner):
    author = auth.make_user(Role.STAFF)
    entry = factory.interaction(partner["id"], author_id=author.id)
    auth.login(Role.VIEWER)
    token = auth.csrf()
    assert client.get(f"/partners/{partner['id']}/interactions/new").status_code == 403
    assert client.post(f"/partners/{partner['id']}/interactions/new", data=_form(token)).status_code == 403
    assert client.post(f"/interactions/{entry}/edit", data=_form(token, version="1")).status_code == 403
    assert client.post(f"/interactions/{entry}/delete", data={"csrf_token": token}).status_code == 403
    [unchanged] = _interactions(app)
    assert (unchanged.subject, unchanged.version) == ("Visit", 1)
    page = client.get(f"/partners/{partner['id']}").text
    assert "Log an interaction" not in page and f"/interactions/{entry}/edit" not in page


def test_the_author_edits_an_entry_in_place_and_the_change_is_audited(app, client, auth, factory, partner):
    user = auth.login(Role.STAFF)
    entry = factory.interaction(partner["id"], author_id=user.id)
    form = client.get(f"/interactions/{entry}/edit", headers={"HX-Request": "true", "HX-Target": f"interaction-{entry}"})
    assert form.status_code == 200 and "<html" not in form.text and f'id="interaction-{entry}"' in form.text
    token = auth.csrf()
    prefix = f"edit{entry}-"
    data = {("csrf_token" if k == "csrf_token" else prefix + k): v for k, v in _form(token, subject="Visit to the workshop", version="1").items()
            if not k.startswith("follow_ups")}
    data[f"{prefix}follow_ups-0-title"] = "Send photos"
    response = client.post(f"/interactions/{entry}/edit", data=data, headers={"HX-Request": "true", "HX-Target": f"interaction-{entry}"})
    assert response.status_code == 200
    assert "Visit to the workshop" in response.text and "Send photos" in response.text
    assert "followUpsChanged" in response.headers["HX-Trigger"]
    with app.app_context():
        assert db.session.get(Interaction, entry).subject == "Visit to the workshop"
        changes = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "interaction", AuditEntry.field == "subject", AuditEntry.action == "update")).all()
        assert [(c.old, c.new) for c in changes] == [("Visit", "Visit to the workshop")]


def test_a_stale_edit_answers_409_and_overwrites_nothing(app, client, auth, factory, partner):
    user = auth.login(Role.STAFF)
    entry = factory.interaction(partner["id"], author_id=user.id)
    with app.app_context():
        db.session.get(Interaction, entry).subject = "Changed meanwhile"
        db.session.commit()
    token = auth.csrf()
    data = {f"edit{entry}-{k}" if k != "csrf_token" else k: v for k, v in _form(token, subject="Mine", version="1").items()}
    assert client.post(f"/interactions/{entry}/edit", data=data).status_code == 409
    assert _interactions(app)[0].subject == "Changed meanwhile"


def test_only_the_author_or_an_admin_may_change_an_entry(app, client, auth, factory, partner):
    author = auth.make_user(Role.STAFF)
    entry = factory.interaction(partner["id"], author_id=author.id)
    auth.login(Role.STAFF)
    token = auth.csrf()
    assert client.get(f"/interactions/{entry}/edit").status_code == 403
    assert client.post(f"/interactions/{entry}/delete", data={"csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    auth.login(Role.ADMIN)
    assert client.get(f"/interactions/{entry}/edit").status_code == 200
    assert len(_interactions(app)) == 1


def test_deleting_asks_first_then_removes_the_entry_with_its_follow_ups_audited(app, client, auth, factory, partner):
    user = auth.login(Role.STAFF)
    entry = factory.interaction(partner["id"], author_id=user.id)
    factory.follow_up(interaction_id=entry)
    confirm = client.get(f"/interactions/{entry}/delete")
    assert confirm.status_code == 200 and "Delete this entry?" in confirm.text
    assert len(_interactions(app)) == 1  # a GET changes nothing
    token = auth.csrf()
    response = client.post(f"/interactions/{entry}/delete", data={"csrf_token": token}, headers={"HX-Request": "true", "HX-Target": f"interaction-{entry}"})
    assert response.status_code == 200 and response.text == ""
    assert "followUpsChanged" in response.headers["HX-Trigger"]
    with app.app_context():
        assert db.session.query(Interaction).count() == 0
        assert db.session.query(FollowUp).count() == 0
        deleted = db.session.scalars(select(AuditEntry.record_type).where(AuditEntry.action == "delete")).all()
        assert sorted(deleted) == ["follow_up", "interaction"]


def test_the_delete_button_asks_for_confirmation(client, auth, factory, partner):
    user = auth.login(Role.STAFF)
    factory.interaction(partner["id"], author_id=user.id)
    assert "hx-confirm=" in client.get(f"/partners/{partner['id']}").text


def test_the_timeline_shows_twenty_entries_and_loads_older_ones_on_demand(app, client, auth, factory, partner):
    auth.login(Role.STAFF)
    start = datetime(2026, 1, 1, 9)
    for day in range(25):
        factory.interaction(partner["id"], subject=f"Entry {day:02d}", occurred_at=start + timedelta(days=day))
    page = client.get(f"/partners/{partner['id']}").text
    assert page.count('<li class="app-entry') == 20
    assert "Entry 24" in page and "Entry 05" in page and "Entry 04" not in page
    link = re.search(r'href="(/partners/\d+/history\?older_than=\d+)"', page).group(1)
    more = client.get(link, headers={"HX-Request": "true", "HX-Target": "timeline-older"})
    assert more.status_code == 200 and "<html" not in more.text
    assert more.text.count('<li class="app-entry') == 5
    assert "Entry 04" in more.text and "Entry 00" in more.text and "Entry 05" not in more.text
    assert 'id="timeline-older"' not in more.text
    plain = client.get(link)
    assert "<html" in plain.text and "Entry 00" in plain.text  # without JavaScript: a page


def test_long_summaries_are_folded(client, auth, factory, partner):
    auth.login(Role.STAFF)
    factory.interaction(partner["id"], summary="word " * 200)
    assert '<details class="app-fold">' in client.get(f"/partners/{partner['id']}").text


def test_the_navigation_log_page_picks_a_partner_then_shows_the_form(client, auth, partner):
    auth.login(Role.STAFF)
    home = client.get("/").text
    assert 'href="/interactions/new"' in home
    picker = client.get("/interactions/new")
    assert picker.status_code == 200 and "Holmesglen Institute" in picker.text and 'name="subject"' not in picker.text
    chosen = client.get(f"/interactions/new?partner_id={partner['id']}")
    assert 'name="subject"' in chosen.text and "Jane Doe" in chosen.text
    assert f'action="/partners/{partner["id"]}/interactions/new"' in chosen.text
    fragment = client.get(f"/interactions/new?partner_id={partner['id']}", headers={"HX-Request": "true", "HX-Target": "log-form-slot"})
    assert "<html" not in fragment.text and 'id="log-form-slot"' in fragment.text
    assert client.get("/interactions/new?partner_id=abc").status_code == 422
    assert client.get("/interactions/new?partner_id=999").status_code == 422


def test_the_navigation_log_page_finds_the_partner_by_name_instead_of_listing_every_partner(client, auth, factory, partner):
    auth.login(Role.STAFF)
    factory.partner(name="EBG Germany", local_name="Europäisches Bildungswerk", country="DE")
    page = client.get("/interactions/new").text
    assert "<select" not in page and 'name="q"' in page
    found = client.get("/interactions/new?q=ebg")
    assert found.status_code == 200 and "EBG Germany" in found.text and "Holmesglen Institute" not in found.text
    # the name, then what tells it apart on one line of its own (a flex row: two parts, not three
    # with a lone "· Germany" set apart at the far end)
    assert '</a> <span class="app-sub">Europäisches Bildungswerk · Germany</span></li>' in found.text
    matches = client.get("/interactions/new?q=holm", headers={"HX-Request": "true", "HX-Target": "partner-matches"})
    assert matches.text.lstrip().startswith('<div id="partner-matches"') and "<html" not in matches.text
    assert f'href="/interactions/new?partner_id={partner["id"]}"' in matches.text
    assert client.get("/interactions/new?q=" + "x" * 500).status_code == 422


def test_add_another_follow_up_gives_one_more_row_with_and_without_javascript(client, auth, partner):
    auth.login(Role.STAFF)
    row = client.get("/interactions/follow-up-row?index=3", headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert 'name="follow_ups-3-title"' in row.text and "index=4" in row.text
    assert client.get("/interactions/follow-up-row?index=-1").status_code == 404
    assert client.get("/interactions/follow-up-row?index=2&prefix=evil").status_code == 404
    token = auth.csrf()
    again = client.post(f"/partners/{partner['id']}/interactions/new", data=_form(token, add_follow_up="1"))
    assert again.status_code == 200 and 'name="follow_ups-3-title"' in again.text


def test_an_archived_partner_has_no_timeline_and_takes_no_log(client, auth, factory):
    auth.login(Role.STAFF)
    archived = factory.partner(name="Gone", archived_at=datetime(2026, 1, 1))
    entry = factory.interaction(archived)
    assert client.get(f"/partners/{archived}/history").status_code == 404
    assert client.get(f"/partners/{archived}/interactions/new").status_code == 404
    assert client.get(f"/interactions/{entry}").status_code == 404
    assert "Gone" not in client.get("/history").text


# --- /history ---------------------------------------------------------------------------


@pytest.fixture
def office(app, factory, make_user):
    li = make_user(Role.STAFF, name="Li Wei")
    wang = make_user(Role.STAFF, name="Wang Fang")
    de = factory.partner(name="EBG Germany", country="DE")
    au = factory.partner(name="Holmesglen Institute", country="AU")
    factory.interaction(de, subject="CNC exam dates", kind=InteractionKind.MEETING, occurred_at=datetime(2026, 3, 2, 2), author_id=li.id)
    factory.interaction(de, subject="Budget call", kind=InteractionKind.VIDEO_CALL, summary="The 50% share", occurred_at=datetime(2026, 5, 2, 2), author_id=wang.id)
    au_entry = factory.interaction(au, subject="TAE cohort", kind=InteractionKind.MEETING, occurred_at=datetime(2026, 7, 2, 2), author_id=li.id)
    with app.app_context():
        from crm.auth.models import User

        db.session.get(Interaction, au_entry).staff = [db.session.get(User, wang.id)]
        db.session.commit()
    return {"li": li.id, "wang": wang.id, "de": de, "au": au}


def _subjects(text):
    return [s for s in ("CNC exam dates", "Budget call", "TAE cohort") if s in text]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["CNC exam dates", "Budget call", "TAE cohort"]),
        ("?kind=meeting", ["CNC exam dates", "TAE cohort"]),
        ("?country=DE", ["CNC exam dates", "Budget call"]),
        ("?q=cohort", ["TAE cohort"]),
        ("?q=50%25", ["Budget call"]),
        ("?q=%25", ["Budget call"]),
        ("?q=_", []),
        ("?date_from=2026-04-01&date_to=2026-06-30", ["Budget call"]),
        ("?date_from=2026-03-02&date_to=2026-03-02", ["CNC exam dates"]),
    ],
)
def test_history_filters_live_in_the_url(client, auth, office, query, expected):
    auth.login(Role.VIEWER)
    response = client.get("/history" + query)
    assert response.status_code == 200
    assert _subjects(response.text) == [s for s in ["CNC exam dates", "Budget call", "TAE cohort"] if s in expected]


def test_history_filters_by_partner_and_by_staff_member_author_or_participant(client, auth, office):
    auth.login(Role.VIEWER)
    assert _subjects(client.get(f"/history?partner={office['au']}").text) == ["TAE cohort"]
    assert _subjects(client.get(f"/history?staff={office['wang']}").text) == ["Budget call", "TAE cohort"]
    assert _subjects(client.get(f"/history?staff={office['li']}").text) == ["CNC exam dates", "TAE cohort"]


@pytest.mark.parametrize("query", ["?date_from=2026-13-45", "?kind=seance", "?partner=abc", "?staff=-1", "?q=" + "x" * 10_000, "?date_from=2026-05-01&date_to=2026-01-01"])
def test_bad_history_filters_answer_422_never_500(client, auth, office, query):
    auth.login(Role.VIEWER)
    assert client.get("/history" + query).status_code == 422


def test_history_shows_newest_first_and_names_the_partner(client, auth, office):
    auth.login(Role.VIEWER)
    text = client.get("/history").text
    assert text.index("TAE cohort") < text.index("Budget call") < text.index("CNC exam dates")
    assert "Holmesglen Institute" in text


def test_the_partner_filter_is_typed_not_a_list_of_every_partner(client, auth, office):
    auth.login(Role.VIEWER)
    page = client.get("/history").text
    assert 'name="partner_q"' in page and 'list="history-partner-names"' in page
    assert "Holmesglen Institute</option>" not in page and 'name="partner"' not in page  # no option per partner
    assert _subjects(client.get("/history?partner_q=holmes").text) == ["TAE cohort"]
    assert _subjects(client.get("/history?partner_q=EBG&kind=meeting").text) == ["CNC exam dates"]
    names = client.get("/history/partner-names?partner_q=holm", headers={"HX-Request": "true", "HX-Target": "history-partner-names"})
    assert names.status_code == 200 and "<html" not in names.text and '<option value="Holmesglen Institute">' in names.text
    assert "EBG" not in names.text
    assert client.get("/history/partner-names?partner_q=holm").status_code == 303  # no page of its own


def test_one_partner_chosen_by_id_is_shown_by_name_with_a_way_back_to_all(client, auth, office):
    auth.login(Role.VIEWER)
    page = client.get(f"/history?partner={office['au']}&kind=meeting").text
    assert _subjects(page) == ["TAE cohort"]
    assert f'<input type="hidden" name="partner" value="{office["au"]}">' in page
    assert "Holmesglen Institute</span>" in page and 'href="/history?kind=meeting"' in page
    assert client.get("/history?partner=999999").status_code == 422
    assert client.get("/history?partner=99999999999999999999999").status_code == 422


def test_history_pages_through_entries_and_counts_up_to_a_cap(app, client, auth, factory, monkeypatch):
    from crm.core import capped

    auth.login(Role.VIEWER)
    partner_id = factory.partner()
    for n in range(30):
        factory.interaction(partner_id, subject=f"Entry {n:02d}", occurred_at=datetime(2026, 1, 1) + timedelta(days=n))
    first = client.get("/history").text
    assert first.count('<li class="app-entry') == 25 and "Entry 29" in first and "Entry 04" not in first
    assert '<span class="badge text-bg-light">30</span>' in first and "Page 1 of 2" in first
    assert 'href="/history?page=2" rel="next"' in first
    second = client.get("/history?page=2").text
    assert second.count('<li class="app-entry') == 5 and "Entry 04" in second and "Entry 05" not in second
    assert client.get("/history?page=3").status_code == 404
    monkeypatch.setattr(capped, "COUNT_CAP", 10)
    capped_page = client.get("/history").text
    assert ">10+</span>" in capped_page and "Page 1</span>" in capped_page and 'rel="next"' in capped_page


@pytest.mark.skipif(bool(__import__("tests.conftest", fromlist=["TEST_DATABASE_URL"]).TEST_DATABASE_URL), reason="SQLite's plan")
def test_the_history_page_walks_the_index_on_occurred_at_instead_of_sorting(app):
    from sqlalchemy.dialects import sqlite

    from crm.interactions.queries import HistoryFilters, history_statement

    with app.test_request_context("/history"), app.app_context():
        statement = history_statement(HistoryFilters()).order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(25)
        sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_interaction_occurred_at" in plan and "TEMP B-TREE" not in plan


# --- speed ------------------------------------------------------------------------------


def _fill(app, factory, partner_id, count, make_user):
    user = make_user(Role.STAFF)
    contact = factory.contact(partner_id, name=f"Contact {count}")
    with app.app_context():
        from crm.auth.models import User
        from crm.contacts.models import Contact

        u = db.session.get(User, user.id)
        c = db.session.get(Contact, contact)
        for n in range(count):
            entry = Interaction(partner_id=partner_id, occurred_at=datetime(2026, 1, 1) + timedelta(hours=n), kind=InteractionKind.MEETING,
                                subject=f"S{n}", author=u, contacts=[c], staff=[u])
            entry.follow_ups = [FollowUp(title="F", assignee=u, due_on=date(2026, 1, 1))]
            db.session.add(entry)
        db.session.commit()


@pytest.mark.parametrize("path", ["/partners/{id}/history", "/history", "/partners/{id}"])
def test_timelines_run_a_fixed_number_of_statements(app, client, auth, factory, make_user, count_statements, path):
    auth.login(Role.STAFF)
    partner_id = factory.partner()
    counts = []
    for size in (3, 40):
        _fill(app, factory, partner_id, size if not counts else size - 3, make_user)
        client.get(path.format(id=partner_id))  # warm the session and the login
        with count_statements() as counter:
            assert client.get(path.format(id=partner_id)).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_the_indexes_the_history_filters_need_exist(app):
    with app.app_context():
        inspector = inspect(db.engine)
        interaction = {tuple(ix["column_names"]) for ix in inspector.get_indexes("interaction")}
        assert ("occurred_at",) in interaction
        assert ("partner_id", "occurred_at") in interaction
        assert ("author_id",) in interaction
        assert ("user_id",) in {tuple(ix["column_names"]) for ix in inspector.get_indexes("interaction_user")}
        assert ("country",) in {tuple(ix["column_names"]) for ix in inspector.get_indexes("partner")}
