"""Issue 13 item 3: one quick search over partners, contacts, agreements and proposals, by the
partner search's rules; /search?q= works without JavaScript as a full page."""
import pytest

from crm.auth.models import Role
from crm.partners.models import PartnerKind

FRAGMENT = {"HX-Request": "true", "HX-Target": "quick-search-results"}


@pytest.fixture
def office(factory):
    bmw = factory.partner(name="BMW AG", country="DE", kind=PartnerKind.COMPANY)
    hiroshima = factory.partner(name="Hiroshima University", local_name="広島大学", country="JP")
    dezhou = factory.partner(name="Dezhou University", local_name="德州学院", country="CN")
    ids = {
        "bmw": bmw, "hiroshima": hiroshima, "dezhou": dezhou,
        "wang": factory.contact(hiroshima, name="王芳", email="wang.fang@hiroshima-u.ac.jp", position="国际处"),
        "klaus": factory.contact(bmw, name="Klaus Weber", email="k.weber@bmw.de"),
        "training": factory.agreement([bmw], title="Dual training programme"),
        "exchange": factory.agreement([hiroshima], title="Student exchange"),
        "summer": factory.proposal(bmw, title="Summer school in Munich"),
    }
    return ids


def test_a_two_character_chinese_name_finds_the_contact(client, auth, office):
    auth.login()
    html = client.get("/search", query_string={"q": "王芳"}, headers=FRAGMENT).text
    assert f'href="/partners/{office["hiroshima"]}#contact-{office["wang"]}"' in html
    assert "<html" not in html  # the fragment only


@pytest.mark.parametrize("term", ["德国", "Germany", "DE", "de", "Deutschland"])
def test_a_country_finds_its_partners_contacts_agreements_and_proposals(client, auth, office, term):
    auth.login()
    html = client.get("/search", query_string={"q": term}, headers=FRAGMENT).text
    for href in (f'/partners/{office["bmw"]}"', f'#contact-{office["klaus"]}"', f'/agreements/{office["training"]}"',
                 f'/proposals/{office["summer"]}"'):
        assert href in html
    assert "Hiroshima" not in html and "Student exchange" not in html


def test_results_are_grouped_by_kind(client, auth, office):
    auth.login()
    html = client.get("/search", query_string={"q": "德国"}, headers=FRAGMENT).text
    headings = ["Partners", "Contacts", "Agreements", "Proposals"]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)


def test_one_chinese_character_finds_names_containing_it(client, auth, office):
    auth.login()
    html = client.get("/search", query_string={"q": "德"}, headers=FRAGMENT).text
    assert "Dezhou University" in html and "BMW AG" not in html


def test_the_search_page_works_without_javascript(client, auth, office):
    auth.login(Role.VIEWER)
    page = client.get("/search?q=exchange")
    assert page.status_code == 200
    assert "<html" in page.text and "Student exchange" in page.text and 'name="q"' in page.text
    assert "HX-Request" in page.headers["Vary"]


def test_every_page_has_the_quick_search_box(client, auth, office):
    auth.login()
    for path in ("/", "/partners", "/agreements"):
        html = client.get(path).text
        assert 'id="quick-search-input"' in html and 'action="/search"' in html
        assert "js/quick-search.js" in html


def test_what_was_typed_is_escaped(client, auth, office):
    auth.login()
    html = client.get("/search", query_string={"q": "<script>x</script>"}).text
    assert "<script>x</script>" not in html


def test_archived_partners_and_erased_contacts_are_not_found(app, client, auth, factory):
    from crm.contacts.models import ERASED_NAME
    from crm.extensions import db
    from crm.partners.models import Partner

    gone = factory.partner(name="Gone College", country="DE")
    factory.contact(gone, name="Gone Person")
    factory.contact(factory.partner(name="Kept", country="FR"), name=ERASED_NAME)
    with app.app_context():
        db.session.get(Partner, gone).archive()
        db.session.commit()
    auth.login()
    html = client.get("/search?q=gone").text
    assert "Gone College" not in html and "Gone Person" not in html
    assert "Nothing matches" in client.get("/search?q=erased").text


def test_the_quick_search_runs_a_fixed_number_of_statements(client, auth, factory, count_statements):
    auth.login()
    counts = []
    for size in (3, 30):
        for n in range(size):
            partner = factory.partner(name=f"Partner {size}-{n}", country="DE")
            factory.contact(partner, name=f"Person {size}-{n}")
            factory.agreement([partner], title=f"Agreement {size}-{n}")
            factory.proposal(partner, title=f"Proposal {size}-{n}")
        with count_statements() as counter:
            assert client.get("/search", query_string={"q": "DE"}, headers=FRAGMENT).status_code == 200
        counts.append(counter.count)
        with count_statements() as counter:
            assert client.get("/search", query_string={"q": "DE"}).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[2] and counts[1] == counts[3]
