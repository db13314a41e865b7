"""A proposal's and an agreement's page list the open follow-ups that concern them: their own and
those of the interactions about them (where the UI creates follow-ups); the count agrees with the
list, each follow-up shows once, in a fixed number of statements."""
import re
from datetime import timedelta

import pytest

from crm.core.dates import office_today
from crm.followups.queries import open_about


def _open_section(html: str) -> str:
    start = html.index('id="followups-heading"')
    return html[start:html.index("</section>", start)]


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="follow-up-item-(\d+)"', html)]


def _follow_ups(factory, **about):
    """One follow-up on the record, one on a meeting about it, one done on that meeting, and one
    on a meeting about something else."""
    partner = factory.partner()
    meeting = factory.interaction(partner, subject="Talks", **about)
    elsewhere = factory.interaction(partner, subject="Other talks")
    soon = office_today() + timedelta(days=3)
    own = factory.follow_up(title="Own task", due_on=soon + timedelta(days=5), **about)
    from_meeting = factory.follow_up(title="Send the budget", interaction_id=meeting, due_on=soon)
    done = factory.follow_up(title="Already sent", interaction_id=meeting, done=True, done_on=office_today())
    other = factory.follow_up(title="Unrelated", interaction_id=elsewhere)
    return partner, meeting, (own, from_meeting, done, other)


@pytest.mark.parametrize("kind", ["proposal", "agreement"])
def test_the_page_counts_and_lists_the_open_follow_ups_of_the_record_and_of_its_interactions(client, auth, factory, kind):
    auth.login()
    partner = factory.partner(name="Coleg y Cymoedd", country="GB")
    record = factory.proposal(partner) if kind == "proposal" else factory.agreement([partner])
    _partner, _meeting, (own, from_meeting, done, other) = _follow_ups(factory, **{f"{kind}_id": record})
    page = client.get(f"/{kind}s/{record}").text
    section = _open_section(page)
    assert _ids(section) == [from_meeting, own]  # soonest due first
    assert ">2</span>" in section and "open-follow-ups-count" in section
    # each follow-up once on the page: the open one is not listed again under its meeting; the done one is
    assert sorted(_ids(page)) == sorted([own, from_meeting, done]) and other not in _ids(page)


@pytest.mark.parametrize("kind", ["proposal", "agreement"])
def test_the_follow_ups_section_runs_a_fixed_number_of_statements(client, auth, factory, count_statements, kind):
    auth.login()
    partner = factory.partner()
    record = factory.proposal(partner) if kind == "proposal" else factory.agreement([partner])

    def statements():
        with count_statements() as counter:
            assert client.get(f"/{kind}s/{record}").status_code == 200
        return counter.count

    _follow_ups(factory, **{f"{kind}_id": record})
    few = statements()
    for n in range(5):
        _follow_ups(factory, **{f"{kind}_id": record})
    assert statements() == few


def test_open_about_names_one_record(app):
    with app.app_context(), pytest.raises(ValueError):
        open_about()


@pytest.mark.parametrize("kind", ["proposal", "agreement"])
def test_done_in_place_on_the_record_page_updates_its_open_count(client, auth, factory, kind):
    auth.login()
    partner = factory.partner()
    record = factory.proposal(partner) if kind == "proposal" else factory.agreement([partner])
    _partner, _meeting, (own, from_meeting, _done, _other) = _follow_ups(factory, **{f"{kind}_id": record})
    response = client.post(f"/follow-ups/{own}/done",
                           data={"csrf_token": auth.csrf(), "version": "1", "next": f"/{kind}s/{record}"},
                           headers={"HX-Request": "true", "HX-Target": f"follow-up-item-{own}"})
    assert response.status_code == 200
    assert '<span id="open-follow-ups-count" class="badge text-bg-light" hx-swap-oob="true">1</span>' in response.text
    reopened = client.post(f"/follow-ups/{own}/reopen",
                           data={"csrf_token": auth.csrf(), "version": "2", "next": f"/{kind}s/{record}"},
                           headers={"HX-Request": "true", "HX-Target": f"follow-up-item-{own}"})
    assert 'hx-swap-oob="true">2</span>' in reopened.text


def test_done_in_place_elsewhere_sends_no_record_count(client, auth, factory):
    auth.login()
    partner = factory.partner()
    entry = factory.interaction(partner)
    follow_up = factory.follow_up(title="Send slides", interaction_id=entry)
    backs = (f"/partners/{partner}", "/no/such/page")
    for version, (action, back) in enumerate(zip(("done", "reopen"), backs), start=1):
        response = client.post(f"/follow-ups/{follow_up}/{action}",
                               data={"csrf_token": auth.csrf(), "version": str(version), "next": back},
                               headers={"HX-Request": "true", "HX-Target": f"follow-up-item-{follow_up}"})
        assert response.status_code == 200 and "open-follow-ups-count" not in response.text, back
