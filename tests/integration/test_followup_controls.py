"""Follow-ups listed on a partner's, an agreement's and a proposal's page: a real Done control
for those who may edit (the /follow-ups form), their status in words for the others."""
import re
from datetime import timedelta

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.extensions import db
from crm.followups.models import FollowUp


def _item(html: str, follow_up_id: int) -> str:
    start = html.index(f'id="follow-up-item-{follow_up_id}"')
    return html[start:html.index("</li>", start)]


def test_staff_get_a_done_button_where_the_follow_up_is_listed(client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner()
    entry = factory.interaction(partner)
    agreement = factory.agreement([partner])
    proposal = factory.proposal(partner)
    on_entry = factory.follow_up(title="Send slides", interaction_id=entry, due_on=office_today() - timedelta(days=1))
    on_agreement = factory.follow_up(title="Sign copy", agreement_id=agreement)
    on_proposal = factory.follow_up(title="Budget", proposal_id=proposal)
    for path, follow_up in ((f"/partners/{partner}", on_entry), ("/history", on_entry),
                            (f"/agreements/{agreement}", on_agreement), (f"/proposals/{proposal}", on_proposal)):
        item = _item(client.get(path).text, follow_up)
        assert f'action="/follow-ups/{follow_up}/done"' in item, path
        assert "☐" not in item and ">Done</button>" in item


def test_a_viewer_reads_the_status_in_words_and_gets_no_button(client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner()
    entry = factory.interaction(partner)
    follow_up = factory.follow_up(title="Send slides", interaction_id=entry)
    item = _item(client.get(f"/partners/{partner}").text, follow_up)
    assert "<form" not in item and "<button" not in item and "Open:" in item


def test_done_in_place_answers_the_list_item_and_announces_the_change(app, client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner()
    follow_up = factory.follow_up(title="Send slides", interaction_id=factory.interaction(partner))
    page = client.get(f"/partners/{partner}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1", "next": f"/partners/{partner}"},
                           headers={"HX-Request": "true", "HX-Target": f"follow-up-item-{follow_up}",
                                    "HX-Current-URL": f"http://localhost/partners/{partner}"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "followUpsChanged"
    assert response.text.lstrip().startswith(f'<li id="follow-up-item-{follow_up}" class="app-done"')
    assert f'action="/follow-ups/{follow_up}/reopen"' in response.text
    assert f'name="next" value="/partners/{partner}"' in response.text
    with app.app_context():
        assert db.session.get(FollowUp, follow_up).done


def test_done_without_javascript_goes_back_to_the_page(client, auth, factory):
    auth.login(Role.STAFF)
    partner = factory.partner()
    follow_up = factory.follow_up(title="Send slides", interaction_id=factory.interaction(partner))
    page = client.get(f"/partners/{partner}").text
    next_value = re.search(r'name="next" value="([^"]+)"', _item(page, follow_up)).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/follow-ups/{follow_up}/done", data={"csrf_token": token, "version": "1", "next": next_value})
    assert response.status_code == 303 and response.headers["Location"] == f"/partners/{partner}"
