"""A search term longer than the search takes (MAX_TERM_LENGTH) answers the same on every list
with a search box: 422, a clear message on the page, and the list itself, without the term
(crm.core.forms.search_term_field and validate_filters); never a 500, never an empty page."""
import pytest

from crm.auth.models import Role
from crm.core.search import MAX_TERM_LENGTH

TOO_LONG = "x" * (MAX_TERM_LENGTH + 1)
MESSAGE = f"Search for at most {MAX_TERM_LENGTH} characters."

# Every list with a `q` search box (and the history's partner box): what the list shows when it
# lists something (the office fixture's records) or lists nothing (its empty state).
LISTS = [
    ("/partners", "q", "Hiroshima University"),
    ("/agreements", "q", "Hiroshima exchange"),
    ("/history", "q", "Hiroshima visit"),
    ("/history", "partner_q", "Hiroshima visit"),
    ("/trips", "q", "No trip matches."),
    ("/visits", "q", "No visit matches."),
    ("/experts", "q", "No expert matches."),
    ("/programmes", "q", "No programme matches."),
    ("/consortia", "q", "No consortium matches."),
    ("/search", "q", "Type a name, a title or a country"),
]
# The lists whose results htmx replaces as one types: the message comes with the results.
FRAGMENTS = [
    ("/partners", "partner-results", "Hiroshima University"),
    ("/agreements", "agreement-results", "Hiroshima exchange"),
    ("/experts", "expert-results", "No expert matches."),
    ("/programmes", "programme-results", "No programme matches."),
    ("/consortia", "consortium-results", "No consortium matches."),
    ("/search", "quick-search-results", ""),
]


@pytest.fixture
def office(auth, factory):
    auth.login(Role.ADMIN)
    partner = factory.partner(name="Hiroshima University", country="JP")
    factory.agreement([partner], title="Hiroshima exchange")
    factory.interaction(partner, subject="Hiroshima visit")
    return partner


@pytest.mark.parametrize(("path", "name", "listed"), LISTS)
def test_a_too_long_term_answers_422_with_a_message_and_the_list_still_shows(client, office, path, name, listed):
    response = client.get(path, query_string={name: TOO_LONG})
    assert response.status_code == 422
    assert MESSAGE in response.text
    assert listed in response.text  # the list, without the term
    assert "Check the filters above." not in response.text


@pytest.mark.parametrize(("path", "target", "listed"), FRAGMENTS)
def test_the_message_comes_with_the_results_that_htmx_swaps(client, office, path, target, listed):
    response = client.get(path, query_string={"q": TOO_LONG}, headers={"HX-Request": "true", "HX-Target": target})
    assert response.status_code == 422
    assert MESSAGE in response.text
    assert listed in response.text
    assert "<html" not in response.text  # the fragment, not the whole page inside the results


@pytest.mark.parametrize(("path", "name", "listed"), LISTS)
def test_a_term_of_the_longest_length_still_searches(client, office, path, name, listed):
    response = client.get(path, query_string={name: "y" * MAX_TERM_LENGTH})
    assert response.status_code == 200
    assert MESSAGE not in response.text


def test_the_message_is_in_the_readers_language(client, auth, office):
    client.post("/language", data={"csrf_token": auth.csrf(), "locale": "zh_CN"})
    response = client.get("/agreements", query_string={"q": TOO_LONG})
    assert response.status_code == 422
    assert f"搜索词最多 {MAX_TERM_LENGTH} 个字符。" in response.text


def test_the_search_boxes_take_no_more_than_the_search_does(client, office):
    for path, name in [("/partners", "q"), ("/agreements", "q"), ("/history", "q"), ("/search", "q")]:
        assert f'maxlength="{MAX_TERM_LENGTH}"' in client.get(path).text, path


def _list_exports(app) -> list[tuple[str, str]]:
    """Every list's downloads (endpoints export_csv and export_xlsx of a list, not of one record)."""
    return sorted((rule.rule, rule.endpoint.rsplit(".", 1)[0]) for rule in app.url_map.iter_rules()
                  if rule.endpoint.endswith((".export_csv", ".export_xlsx")) and not rule.arguments)


def test_every_list_export_with_a_too_long_term_answers_its_list_with_the_message(app, client, office):
    """A person clicking Export on a list whose term is too long got a bare 422 (an empty error
    page): the export answers the list page itself, with the filter's message (422), no file."""
    exports = _list_exports(app)
    assert {blueprint for _path, blueprint in exports} >= {"partners", "agreements", "experts", "programmes"}
    lists = {path: listed for path, _name, listed in LISTS}
    for path, blueprint in exports:
        response = client.get(path, query_string={"q": TOO_LONG})
        assert response.status_code == 422, path
        assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers, path
        assert MESSAGE in response.text and "<html" in response.text, path
        assert lists[f"/{blueprint}"] in response.text, path  # the list, without the term
        assert client.get(path, query_string={"q": "Hiroshima"}).status_code == 200, path


@pytest.mark.parametrize(("path", "name", "listed"), LISTS)
def test_a_refused_term_stays_in_its_box_as_typed(client, office, path, name, listed):
    """The refusal drops the term from the search, not from the box: the person sees what they
    typed beside the message, and can shorten it."""
    typed = "Hiroshima " + "y" * MAX_TERM_LENGTH
    response = client.get(path, query_string={name: typed})
    assert response.status_code == 422
    assert f'name="{name}"' in response.text
    assert f'value="{typed}"' in response.text


def test_the_merge_page_s_partner_search_has_the_same_rule_and_message(client, office):
    typed = "Hiroshima " + "y" * MAX_TERM_LENGTH
    response = client.get("/import/merge", query_string={"q": typed})
    assert response.status_code == 422
    assert MESSAGE in response.text
    assert f'value="{typed}"' in response.text
    assert "Tick the two that are the same institution" not in response.text  # not searched, cut short
    searched = client.get("/import/merge", query_string={"q": "Hiroshima"})
    assert searched.status_code == 200
    assert "Hiroshima University" in searched.text and MESSAGE not in searched.text
