"""Issue 16 item 5: rules stored in indexed columns stay equal to the rule after every kind of
write: a partner's last contact (crm/interactions/last_contact.py) and an agreement's act-by
date (crm/agreements/models.py act_by_of). Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL."""
import re
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from crm.agreements.models import Agreement, AgreementKind, act_by_of
from crm.agreements.queries import computed_act_by
from crm.auth.models import Role
from crm.core.dates import office_today
from crm.core.stored import store_every_rule
from crm.extensions import db
from crm.interactions.last_contact import computed_interaction_count, computed_last_contact_at
from crm.interactions.models import Interaction, InteractionKind
from crm.partners.models import Partner
from crm.trips.models import Trip
from tests.conftest import import_contact_history

TODAY = office_today()


def stored_and_computed(app) -> dict[int, tuple]:
    """Every partner's (stored, computed) last contact and interaction count."""
    with app.app_context():
        return {pid: ((stored, count), (computed, computed_count)) for pid, stored, computed, count, computed_count in db.session.execute(
            select(Partner.id, Partner.last_contact_at, computed_last_contact_at(), Partner.interaction_count, computed_interaction_count()))}


def last_contacts(app) -> dict[int, datetime | None]:
    """Every partner's stored last contact, after checking that each equals the rule."""
    found = stored_and_computed(app)
    assert all(stored == computed for stored, computed in found.values()), found
    return {pid: stored[0] for pid, (stored, _computed) in found.items()}


def act_bys(app) -> dict[str, date | None]:
    """Every agreement's stored act-by date, by title, after checking that it equals the Python
    rule and its SQL twin."""
    with app.app_context():
        rows = db.session.execute(select(Agreement.title, Agreement.act_by, computed_act_by(),
                                         Agreement.valid_until, Agreement.notice_days)).all()
    for title, stored, computed, valid_until, notice in rows:
        assert stored == computed == act_by_of(valid_until, notice), title
    return {title: stored for title, stored, *_rest in rows}


def _log_form(token, **fields):
    data = {"csrf_token": token, "occurred_at": "2026-11-20T15:30", "kind": "meeting", "subject": "Annual review",
            "summary": "", "location": "", "agreement_id": "", "proposal_id": ""}
    return data | fields


# --- last contact -------------------------------------------------------------------------------

def test_logging_editing_moving_and_deleting_an_interaction_keep_the_last_contact(app, client, auth, factory):
    user = auth.login(Role.STAFF)
    kiel, kassel = factory.partner(name="BSK Kiel", country="DE"), factory.partner(name="Hochschule Kassel", country="DE")
    older = factory.interaction(kiel, occurred_at=datetime(2026, 3, 1, 9), author_id=user.id)
    assert last_contacts(app) == {kiel: datetime(2026, 3, 1, 9), kassel: None}

    token = auth.csrf(f"/partners/{kiel}")
    assert client.post(f"/partners/{kiel}/interactions/new", data=_log_form(token)).status_code == 303
    with app.app_context():
        newest = db.session.scalar(select(Interaction.id).where(Interaction.subject == "Annual review"))
    assert last_contacts(app)[kiel] == datetime(2026, 11, 20, 7, 30)  # 15:30 in Chongqing is 07:30 UTC

    # An edit that moves the newest entry before the other one: the other is now the last contact.
    data = {f"edit{newest}-{key}" if key != "csrf_token" else key: value
            for key, value in _log_form(token, occurred_at="2026-01-05T10:00", version="1").items()}
    assert client.post(f"/interactions/{newest}/edit", data=data).status_code == 303
    assert last_contacts(app)[kiel] == datetime(2026, 3, 1, 9)

    # Moved to another partner (as a merge does, through the ORM): both partners change.
    with app.app_context():
        db.session.get(Interaction, older).partner_id = kassel
        db.session.commit()
    assert last_contacts(app) == {kiel: datetime(2026, 1, 5, 2), kassel: datetime(2026, 3, 1, 9)}

    assert client.post(f"/interactions/{newest}/delete", data={"csrf_token": token}).status_code == 303
    assert last_contacts(app) == {kiel: None, kassel: datetime(2026, 3, 1, 9)}


def test_a_partner_loaded_in_the_session_sees_its_new_last_contact_at_once(app, factory):
    partner_id = factory.partner()
    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        version = partner.version
        db.session.add(Interaction(partner=partner, occurred_at=datetime(2026, 5, 2, 8), kind=InteractionKind.EMAIL, subject="Hi"))
        db.session.flush()
        assert partner.last_contact_at == datetime(2026, 5, 2, 8)
        db.session.commit()
        # Derived: the partner's version (a stale-edit check) and its history stay as they were.
        assert db.session.get(Partner, partner_id).version == version


def test_merging_partners_moves_the_last_contact_to_the_survivor(app, client, auth, factory):
    auth.login(Role.ADMIN)
    first = factory.partner(name="Hochschule Kassel", country="DE")
    second = factory.partner(name="Universität Kassel", country="DE")
    factory.interaction(first, occurred_at=datetime(2025, 6, 1, 8))
    factory.interaction(second, occurred_at=datetime(2026, 2, 1, 8))
    page = client.get(f"/import/merge?p={first}&p={second}").text
    data = dict(re.findall(r'name="(csrf_token|version_a|version_b)" type="hidden" value="([^"]*)"', page))
    data.update(dict(re.findall(r'name="(take_\w+)"[^>]*value="(\w)" checked', page)))
    data["survivor"] = "a"
    assert client.post(f"/import/merge?p={first}&p={second}", data=data).status_code == 303
    assert last_contacts(app) == {first: datetime(2026, 2, 1, 8), second: None}


def test_importing_contact_history_and_undoing_it_keep_the_last_contact(app, client, auth, factory):
    auth.login(Role.ADMIN)
    bsk = factory.partner(name="BSK International Education Institute", short_name="BSK", country="DE")
    rows = [["日期", "合作伙伴", "方式", "主题"], ["2025/10/15 10:00", "BSK", "会谈", "预科班招生"], ["2025-11-03 09:00", "BSK", "", "Visit"]]
    batch_id, token = import_contact_history(client, auth, rows)
    assert last_contacts(app) == {bsk: datetime(2025, 11, 3, 1)}  # 09:00 in Chongqing
    assert client.post(f"/import/{batch_id}/undo", data={"csrf_token": token, "confirmed": "1"}).status_code == 303
    assert last_contacts(app) == {bsk: None}


def test_a_trip_legs_meeting_and_a_visit_logged_as_history_set_the_last_contact(app, client, auth, factory):
    auth.login(Role.STAFF)
    bsk, hiroshima = factory.partner(name="BSK", country="DE"), factory.partner(name="Hiroshima University", country="JP")
    token = auth.csrf("/trips/new")
    trip = client.post("/trips/new", data={
        "csrf_token": token, "title": "Delegation to BSK", "year": "2026", "country": "DE", "partners": str(bsk),
        "purpose_kind": "exchange", "depart_on": "2026-09-21", "return_on": "2026-09-30", "funding": "College budget",
        "owner_id": str(auth.user.id)})
    trip_id = int(trip.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/trips/{trip_id}/legs", data={"csrf_token": token, "country": "DE", "city": "Kiel", "arrive_on": "2026-09-22",
                                                       "leave_on": "2026-09-24", "partner_id": str(bsk)}).status_code == 303
    with app.app_context():
        leg_id = db.session.get(Trip, trip_id).legs[0].id
    assert client.post(f"/trips/legs/{leg_id}/log", data={"csrf_token": token}).status_code == 303
    assert last_contacts(app) == {bsk: datetime(2026, 9, 22, 2), hiroshima: None}  # 10:00 in Chongqing

    visit = client.post("/visits/new", data={
        "csrf_token": token, "title": "Hiroshima University delegation", "partners": [str(hiroshima)],
        "arrive_on": "2026-09-28", "leave_on": "2026-09-30", "purpose_kind": "negotiation", "reception_level": "college",
        "host_id": str(auth.user.id)})
    visit_id = int(visit.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/visits/{visit_id}/log", data={"csrf_token": token, "version": "1"}).status_code == 303
    assert last_contacts(app)[hiroshima] is not None


def test_bulk_inserts_are_caught_up_by_storing_every_rule(app, factory):
    partner_id = factory.partner()
    with app.app_context():
        db.session.execute(insert(Interaction), [
            {"partner_id": partner_id, "occurred_at": datetime(2026, month, 1), "kind": InteractionKind.OTHER, "subject": "x",
             "version": 1, "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)} for month in (1, 4)])
        db.session.execute(insert(Agreement), [{"title": "Bulk", "kind": AgreementKind.MOU, "valid_until": date(2027, 6, 30),
                                                "notice_days": 90, "auto_renew": False, "version": 1,
                                                "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}])
        db.session.commit()
    assert stored_and_computed(app)[partner_id] == ((None, 0), (datetime(2026, 4, 1), 2))
    with app.app_context():
        assert store_every_rule() == {"agreement.act_by": 1, "partner.last_contact_at": 1, "report summary": 0}
        db.session.commit()
        assert store_every_rule() == {"agreement.act_by": 0, "partner.last_contact_at": 0, "report summary": 0}
    assert last_contacts(app) == {partner_id: datetime(2026, 4, 1)}
    assert act_bys(app) == {"Bulk": date(2027, 4, 1)}


# --- act-by -------------------------------------------------------------------------------------

def test_editing_deciding_and_renewing_an_agreement_keep_the_act_by_date(app, client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner(name="EBG", country="DE")
    old = factory.agreement([partner], title="EBG CNC", valid_until=TODAY + timedelta(days=60), notice_days=30)
    open_ended = factory.agreement([partner], title="Open", valid_until=None, notice_days=None)
    assert act_bys(app) == {"EBG CNC": TODAY + timedelta(days=30), "Open": None}

    token = auth.csrf(f"/agreements/{old}/edit")
    form = {"csrf_token": token, "title": "EBG CNC", "kind": "certificate_training", "partners": [str(partner)],
            "signed_on": "2026-01-10", "valid_from": "2026-02-01", "valid_until": "2029-01-31", "notice_days": "90",
            "owner_id": "", "parent_id": "", "version": "1"}
    assert client.post(f"/agreements/{old}/edit", data=form).status_code == 303
    assert act_bys(app)["EBG CNC"] == date(2028, 11, 2)
    assert client.post(f"/agreements/{old}/edit", data=form | {"notice_days": "", "version": "2"}).status_code == 303
    assert act_bys(app)["EBG CNC"] == date(2029, 1, 31)

    assert client.post(f"/agreements/{old}/lapse", data={"csrf_token": token, "version": "3", "reason": "Paused"}).status_code == 303
    renewal = form | {"title": "EBG CNC 2029", "valid_from": "2029-02-01", "valid_until": "2032-01-31", "notice_days": "60"}
    del renewal["version"]
    assert client.post(f"/agreements/new?renews={open_ended}", data=renewal).status_code == 303
    assert act_bys(app) == {"EBG CNC": date(2029, 1, 31), "Open": None, "EBG CNC 2029": date(2031, 12, 2)}


def test_the_act_by_date_follows_valid_until_and_the_notice_period_before_any_flush():
    agreement = Agreement(title="A", valid_until=date(2027, 6, 30), notice_days=90)
    assert agreement.act_by == date(2027, 4, 1)
    agreement.notice_days = None
    assert agreement.act_by == date(2027, 6, 30)
    agreement.valid_until = None
    assert agreement.act_by is None
    assert Agreement(notice_days=30, valid_until=date(2027, 1, 31)).act_by == date(2027, 1, 1)
