"""The partner search index's parts without HTTP: what a document holds, how a word becomes an
FTS5 query, which flushes refresh which partners, and what schema comparisons leave out."""
import pytest
from sqlalchemy import select

from crm.contacts.models import ERASED_NAME, Contact
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind, PartnerSearch, Tag
from crm.partners.search_index import (
    FTS_TABLE, NAME_ORDER_INDEX, NAME_WALK_INDEX, TEXT_TRIGRAM_INDEX, TRIGRAM_INDEX, _fts_query, _lines, changed_partner_ids, schema_comparison_filter,
    sqlite_has_trigram_index,
)


def test_a_document_is_one_casefolded_item_per_line_without_blanks():
    assert _lines(["Technische Universität München", None, "  ", "TUM", "STRASSE"]) == \
        "technische universität münchen\ntum\nstrasse"
    assert _lines(["Straße"]) == "strasse"  # casefolded: ß finds ss and the other way round


@pytest.mark.parametrize(("word", "people", "query"), [
    ("müller", True, '"müller"'),
    ('say"hi', True, '"say""hi"'),
    ("uni", False, '{document} : "uni"'),
    ("or", True, '"or"'),  # an FTS5 keyword inside quotes is plain text
])
def test_a_word_becomes_one_quoted_fts_phrase(word, people, query):
    assert _fts_query(word, people) == query


def test_this_machines_sqlite_has_the_trigram_tokenizer():
    import sqlite3

    assert sqlite3.sqlite_version_info >= (3, 34)
    assert sqlite_has_trigram_index()


def test_schema_comparisons_leave_out_the_index_tables_and_the_other_databases_index():
    sqlite, postgresql = schema_comparison_filter("sqlite"), schema_comparison_filter("postgresql")
    for name in (FTS_TABLE, f"{FTS_TABLE}_data", f"{FTS_TABLE}_idx", f"{FTS_TABLE}_config"):
        assert not sqlite(None, name, "table", True, None)
    assert sqlite(None, "partner_search", "table", False, None)
    for name in (TRIGRAM_INDEX, NAME_ORDER_INDEX):  # PostgreSQL's
        assert not sqlite(None, name, "index", False, None)
        assert postgresql(None, name, "index", False, None)
    assert sqlite(None, NAME_WALK_INDEX, "index", False, None)
    assert not postgresql(None, NAME_WALK_INDEX, "index", False, None)
    # An index over an expression, which PostgreSQL spells back its own way: never compared.
    assert not postgresql(None, TEXT_TRIGRAM_INDEX, "index", False, None)
    assert not postgresql(None, TEXT_TRIGRAM_INDEX, "index", True, None)


def _contacts_of(partner_id):
    return db.session.scalar(select(PartnerSearch.contacts).where(PartnerSearch.partner_id == partner_id))


def test_only_changes_that_touch_a_document_refresh_it(app):
    with app.app_context():
        partner = Partner(name="Ivy Tech", kind=PartnerKind.COLLEGE, country="US")
        other = Partner(name="Holmesglen", kind=PartnerKind.VOCATIONAL, country="AU")
        db.session.add_all([partner, other])
        db.session.commit()

        partner.notes = "Met in May"  # not in the document
        assert changed_partner_ids(db.session) == set()
        partner.tags.append(Tag(name="Indiana"))
        assert changed_partner_ids(db.session) == {partner.id}
        db.session.commit()

        contact = Contact(partner=partner, name="Pat Lee")
        db.session.add(contact)
        assert changed_partner_ids(db.session) == {partner.id}
        db.session.commit()
        assert _contacts_of(partner.id) == "pat lee"

        contact.position = "Dean"  # not in the document
        assert changed_partner_ids(db.session) == set()
        contact.partner = other  # a merge moves the contact: both documents change
        db.session.commit()
        assert (_contacts_of(partner.id), _contacts_of(other.id)) == ("", "pat lee")

        contact.name = ERASED_NAME
        db.session.commit()
        assert _contacts_of(other.id) == ""
