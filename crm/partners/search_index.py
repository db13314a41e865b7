"""The partner search index: one search document per partner, kept current with every write.

What a search term matches is stated once, in crm/partners/search.py; this module keeps the
text that words are matched against, and finds it fast.

- `partner_search` (models.PartnerSearch) holds, per partner, two casefolded texts, one item
  per line, with the other forms of Chinese characters (Japanese 広島, traditional 國) as the
  simplified ones (crm/partners/variants.py; a search word is folded the same way, `_needle`):
  `document` (the names in every script, the short name, the city, the tags) and
  `contacts` (the names and e-mails of its active contacts; an erased person is never in it).
  Country names are not in it: a country word is read as a country by the rule itself (a code
  comparison on the indexed `partner.country`), and "德" must not find every partner in 德国.
  Beside the texts, the partner's name key (lower(name)), its country and whether it is live
  (not archived): a trigger on `partner` copies the last two (`create_triggers`), so that on
  PostgreSQL a list's first matches come with their countries from the documents alone
  (`partners_holding`), without a lookup of each match's partner row.
  Each text ends with its Chinese characters and their pairs, padded to three characters
  (`_short_grams`), so that the trigram index finds 重庆 and 德 too.
- SQLite: an FTS5 table with the trigram tokenizer over both columns (external content, kept
  in step by triggers) answers words of three or more characters and Chinese words of one or
  two (德国, 重庆, 德: through their grams); other short words (du) scan the narrow
  `partner_search` table, which is still exact. A word that very many partners hold
  ("university") is tested row by row instead (`document_contains`), so that a list's first
  page stops after its rows, while the index hands over its partners one by one to a capped
  count (`index_first`). Without FTS5 (or before
  SQLite 3.34, which brought the trigram tokenizer) every word takes the scan, and the log
  says so once.
- PostgreSQL: pg_trgm GIN indexes, which `LIKE '%word%'` uses (for 重庆 and 德 through their
  grams too, where the database's locale counts Chinese characters as letters): one on the
  document, one on the whole text (document, a space, contacts: models.partner_search_text), so
  that a search with the contacts is one LIKE that the planner serves from the index even for a
  word that 15 % of the partners hold (an OR over the two columns read every document). A
  capped count probes the partners with the index's matches by id (`index_first`), and a list
  walks the documents in name order through `ix_partner_search_name_order`, as on SQLite.

The documents change in the same transaction as what they are made of: after each flush, the
session hook `_refresh_changed_documents` (listening to the same event as the audit's, in the
same way) rebuilds the document of every partner whose names, city or tags changed, or whose
contact was added, edited, deactivated, erased or moved to another partner (a merge). Rows
written around the ORM (crm/demo/generate.py's bulk inserts) call `rebuild_documents()`;
`flask search rebuild` (crm/partners/cli.py) does the same from a terminal.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import any_, column, event, exists, func, inspect, insert, literal_column, or_, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.orm import Session

from crm.contacts.models import Contact
from crm.core.database import run_for_dialect
from crm.core.search import like_pattern
from crm.extensions import db
from crm.partners.locks import lock_partners
from crm.partners.models import Partner, PartnerSearch, Tag, partner_search_text, partner_tag
from crm.partners.variants import fold_variants

log = logging.getLogger(__name__)

FTS_TABLE = "partner_search_fts"
TRIGRAM_INDEX = "ix_partner_search_trigram"  # PostgreSQL only (models.PartnerSearch)
TEXT_TRIGRAM_INDEX = "ix_partner_search_text_trigram"  # PostgreSQL only (models.py)
NAME_ORDER_INDEX = "ix_partner_search_name_order"  # PostgreSQL only (models.PartnerSearch)
NAME_WALK_INDEX = "ix_partner_search_name_walk"  # SQLite only (models.PartnerSearch)
POSTGRESQL_INDEXES = (TRIGRAM_INDEX, NAME_ORDER_INDEX)
TRIGRAM = 3  # the trigram index finds words of at least this many characters
# Chinese characters (with Japanese kana and Korean hangul): their one- and two-character
# words are found through the grams written into the documents (_short_grams).
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
GRAM_MARK = "\ue000"  # a private-use character: in no name, and taken out of search terms
CHUNK = 500  # partners per statement when documents are built
FORMER_PARTNERS = "search_index_former_partners"  # session.info: partners that contacts leave

# Attributes whose change changes a document.
PARTNER_FIELDS = ("name", "local_name", "short_name", "city", "tags")
CONTACT_FIELDS = ("name", "email", "active", "partner_id", "partner")

_table = PartnerSearch.__table__
_fts = table(FTS_TABLE, column("rowid"))

_CREATE_FTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(document, contacts, content='partner_search', "
    "content_rowid='partner_id', tokenize='trigram', columnsize=0)",
    f"CREATE TRIGGER IF NOT EXISTS partner_search_after_insert AFTER INSERT ON partner_search BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, document, contacts) VALUES (new.partner_id, new.document, new.contacts); END",
    f"CREATE TRIGGER IF NOT EXISTS partner_search_after_delete AFTER DELETE ON partner_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document, contacts) "
    "VALUES ('delete', old.partner_id, old.document, old.contacts); END",
    # on a change of the texts only (a partner archived or moved changes its document's country
    # or live flag, which the FTS index does not hold)
    f"CREATE TRIGGER IF NOT EXISTS partner_search_after_update AFTER UPDATE OF document, contacts ON partner_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document, contacts) "
    "VALUES ('delete', old.partner_id, old.document, old.contacts); "
    f"INSERT INTO {FTS_TABLE}(rowid, document, contacts) VALUES (new.partner_id, new.document, new.contacts); END",
)
_DROP_FTS = (
    "DROP TRIGGER IF EXISTS partner_search_after_insert",
    "DROP TRIGGER IF EXISTS partner_search_after_delete",
    "DROP TRIGGER IF EXISTS partner_search_after_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


# --- Finding documents -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def sqlite_has_trigram_index() -> bool:
    """This process's SQLite has FTS5 with the trigram tokenizer (SQLite 3.34 or newer)."""
    try:
        with sqlite3.connect(":memory:") as connection:
            connection.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='trigram')")
        return True
    except sqlite3.Error as error:
        log.warning("SQLite %s has no FTS5 trigram index (%s): the partner search scans its documents",
                    sqlite3.sqlite_version, error)
        return False


def _uses_fts(dialect: str, needle: str) -> bool:
    return dialect == "sqlite" and len(needle) >= TRIGRAM and sqlite_has_trigram_index()


def _needle(word: str) -> str:
    """What a word is looked for as in the documents: casefolded, other forms of Chinese characters
    as the simplified ones (crm/partners/variants.py, as in the documents); one or two Chinese (Japanese,
    Korean) characters as their gram, padded to three characters (`_short_grams`), which the
    trigram indexes find (FTS5 on SQLite, pg_trgm on PostgreSQL) and which stands in a document
    exactly when the characters do."""
    needle = fold_variants(word.casefold())
    if 0 < len(needle) < TRIGRAM and CJK_RUN.fullmatch(needle):
        return needle + GRAM_MARK * (TRIGRAM - len(needle))
    return needle


def _holds(needle, people: bool, dialect: str):
    """A condition on `partner_search`: the document (with `people`, or the contacts) holds
    `needle` (on PostgreSQL also a parameter that will carry its pattern, `pattern_of`)."""
    if dialect == "sqlite":  # exact, and no LIKE wildcards to escape
        columns = [_table.c.document, _table.c.contacts] if people else [_table.c.document]
        return or_(*[func.instr(column, needle) > 0 for column in columns])
    # PostgreSQL: one LIKE over the text that a trigram index holds (models.py)
    text = partner_search_text() if people else _table.c.document
    return text.like(needle if isinstance(needle, BindParameter) else like_pattern(needle), escape="\\")


def pattern_of(word: str) -> str:
    """PostgreSQL: the LIKE pattern that finds `word` in the documents, for a statement built
    once with a parameter in the word's place (`partners_holding`, `walk_by_name`)."""
    return like_pattern(_needle(word))


def _needle_of(word):
    """A word's needle; a parameter (for `pattern_of`'s pattern) as it is."""
    return word if isinstance(word, BindParameter) else _needle(word)


def _fts_query(needle: str, people: bool) -> str:
    phrase = '"' + needle.replace('"', '""') + '"'  # the word as it is: a phrase of its trigrams
    return phrase if people else "{document} : " + phrase


def _fts_match(needle: str, people: bool):
    return literal_column(FTS_TABLE).op("MATCH")(_fts_query(needle, people))


def partner_ids_containing(word: str, *, people: bool):
    """A subquery of the ids of partners whose document (and, with `people`, contacts) holds
    `word` anywhere, ignoring case."""
    needle = _needle(word)
    dialect = db.engine.dialect.name
    if _uses_fts(dialect, needle):
        return select(_fts.c.rowid).where(_fts_match(needle, people))
    return select(_table.c.partner_id).where(_holds(needle, people, dialect))


def document_contains(word: str, *, people: bool):
    """A condition on `Partner`, the same test as `partner_ids_containing` made row by row: its
    own document holds `word`. For a word that many partners hold, where a list walks its
    partners in order and stops after a page, rather than collecting every partner the index
    knows first."""
    return exists().where(_table.c.partner_id == Partner.id, _holds(_needle(word), people, db.engine.dialect.name))


def index_first(word: str, *, people: bool) -> list:
    """Conditions that restrict `Partner` to the trigram index's partners holding `word`, for
    a statement that reads a bounded number of matches in no particular order (a capped count):
    on SQLite a join, so that the index hands over its partners one by one and the statement
    stops after the cap; on PostgreSQL the index's matches as an array that the partners are
    probed with by id (`partner.id = ANY(ARRAY(...))`: as a join or `IN`, the planner hashed
    every partner for them)."""
    needle = _needle(word)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        return [_fts.c.rowid == Partner.id, _fts_match(needle, people)]
    matches = select(_table.c.partner_id).where(_holds(needle, people, dialect)).scalar_subquery()
    return [Partner.id == any_(func.array(matches))]


def partners_holding(word: str, *, people: bool, live: bool = True):
    """PostgreSQL: a select of the partners whose text holds `word` (`id`, `country`), live ones
    or archived ones, read from the documents alone (their country and live flag kept there by
    triggers, `create_triggers`): the index's matches in no order, without a lookup of each
    match's partner row (for the first `cap + 1` matches of a list, a thousand lookups). The
    matches come from the trigram index (a bitmap scan), set apart (a materialized CTE) from the
    LIMIT that a caller puts on them: under a LIMIT the planner, which counts a LIKE as cheap,
    read the documents one by one from the first instead (4 ms for "müller" at 10,000 partners,
    where the index takes under 1)."""
    matches = (select(_table.c.partner_id.label("id"), _table.c.country)
               .where(_table.c.live.is_(live), _holds(_needle_of(word), people, "postgresql"))
               .cte("matches").prefix_with("MATERIALIZED"))
    return select(matches.c.id, matches.c.country)


def walk_by_name(statement, word: str, *, people: bool):
    """`statement` (a select of `Partner` ids) restricted to the partners whose document holds
    `word` and ordered by name as the list is (lower(name), id), walking the documents in that
    order through their index (SQLite: ix_partner_search_name_walk, which holds the text too;
    PostgreSQL: ix_partner_search_name_order): for a word that so many partners hold that a
    page is found after a short walk, with no lookup of a partner passed over."""
    return (statement.join(_table, _table.c.partner_id == Partner.id)
            .where(_holds(_needle_of(word), people, db.engine.dialect.name))
            .order_by(_table.c.name_key, _table.c.partner_id))


def index_serves(word: str) -> bool:
    """A trigram index lists the partners holding `word` (SQLite with FTS5; PostgreSQL: words
    of three characters or more, which pg_trgm looks up)."""
    needle = _needle(word)
    dialect = db.engine.dialect.name
    return _uses_fts(dialect, needle) or (dialect == "postgresql" and len(needle) >= TRIGRAM)


# --- Building documents ----------------------------------------------------------------------

def _lines(values: Iterable[str | None]) -> str:
    text = fold_variants("\n".join(value.strip() for value in values if value and value.strip()).casefold())
    grams = _short_grams(text)
    return f"{text}\n{grams}" if grams else text


def _short_grams(text: str) -> str:
    """The trigram index finds three characters or more; 重庆 and 德 are shorter. So each
    Chinese (Japanese, Korean) character and each pair of them in `text` is written once more,
    padded to three with GRAM_MARK (U+E000, which nobody types): "重庆大学" → "重␣␣ … 重庆␣ …",
    and a search for 重庆 asks the index for "重庆␣" (`_fts_query`; ␣ standing for the mark). A scan for 重庆 still
    finds the text itself: the grams hold nothing that the text does not."""
    grams: set[str] = set()
    for run in CJK_RUN.findall(text):
        grams.update(run)
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(gram + GRAM_MARK * (TRIGRAM - len(gram)) for gram in sorted(grams))


def _documents(connection: Connection, partner_ids: list[int]) -> list[dict]:
    """The documents of the partners among `partner_ids` that exist (three statements)."""
    tags: dict[int, list[str]] = {}
    for partner_id, name in connection.execute(
        select(partner_tag.c.partner_id, Tag.name).join(Tag, Tag.id == partner_tag.c.tag_id)
        .where(partner_tag.c.partner_id.in_(partner_ids))
    ):
        tags.setdefault(partner_id, []).append(name)
    people: dict[int, list[str | None]] = {}
    for partner_id, name, email in connection.execute(
        select(Contact.partner_id, Contact.name, Contact.email)
        .where(Contact.partner_id.in_(partner_ids), Contact.active.is_(True), ~Contact.erased)
        .order_by(Contact.id)
    ):
        people.setdefault(partner_id, []).extend((name, email))
    return [
        {"partner_id": partner_id, "name_key": name_key,
         "document": _lines([name, local_name, short_name, city, *sorted(tags.get(partner_id, []))]),
         "contacts": _lines(people.get(partner_id, [])), "country": country, "live": live}
        for partner_id, name_key, name, local_name, short_name, city, country, live in connection.execute(
            select(Partner.id, func.lower(Partner.name), Partner.name, Partner.local_name, Partner.short_name, Partner.city,
                   Partner.country, Partner.archived_at.is_(None))
            .where(Partner.id.in_(partner_ids))
        )
    ]


def refresh_documents(connection: Connection, partner_ids: Iterable[int], lock: bool = True,
                      columns: set[str] | None = None) -> None:
    """Rebuild the documents of these partners (a partner that no longer exists loses its own);
    `lock=False` for a rebuild of every partner, which nothing else writes meanwhile;
    `columns`: the document table's columns in a database of an older migration (which has
    no name key, country or live flag yet)."""
    ids = sorted({partner_id for partner_id in partner_ids if partner_id is not None})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        if lock:
            lock_partners(connection, chunk)  # a concurrent change of one partner waits, then is seen
        documents = _documents(connection, chunk)
        if columns is not None:
            documents = [{key: value for key, value in document.items() if key in columns} for document in documents]
        connection.execute(_table.delete().where(_table.c.partner_id.in_(chunk)))
        if documents:
            connection.execute(insert(_table), documents)


def rebuild_documents(connection: Connection | None = None) -> int:
    """Every partner's document built anew (and on SQLite the trigram index with them); returns
    how many. For rows written around the ORM, and `flask search rebuild`."""
    connection = connection if connection is not None else db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        drop_fts(connection)  # refilled in one pass below, rather than row by row through triggers
    connection.execute(_table.delete())
    ids = list(connection.scalars(select(Partner.id).order_by(Partner.id)))
    # A migration before the name key's (8f4f479234b6) or the country's rebuilds documents without them.
    columns = {column["name"] for column in inspect(connection).get_columns(_table.name)}
    refresh_documents(connection, ids, lock=False, columns=columns)
    if sqlite and create_fts(connection):
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return len(ids)


# --- The SQLite trigram table ----------------------------------------------------------------

def create_fts(connection: Connection) -> bool:
    """Create the FTS5 table and the triggers that keep it in step (SQLite); False without FTS5."""
    if connection.dialect.name != "sqlite" or not sqlite_has_trigram_index():
        return False
    for statement in _CREATE_FTS:
        connection.exec_driver_sql(statement)
    return True


def drop_fts(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for statement in _DROP_FTS:
            connection.exec_driver_sql(statement)


def schema_comparison_filter(dialect: str):
    """Alembic's `include_object` for a database of `dialect`: the schema comparisons
    (autogenerate, `flask db check`) leave out the FTS5 table and its shadow tables (no model
    describes them), on a database other than PostgreSQL the PostgreSQL-only indexes (trigram,
    name order), and elsewhere than SQLite the SQLite-only name walk index. The index over an
    expression (the whole text) is left out everywhere: Alembic compares the expression as
    PostgreSQL spells it back ("((document || ' '::text) || contacts)") with the model's text and
    would always see a change."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and name and name.startswith(FTS_TABLE):
            return False
        if type_ == "index" and name == TEXT_TRIGRAM_INDEX:
            return False
        if type_ == "index" and name in POSTGRESQL_INDEXES:
            return dialect == "postgresql"
        if type_ == "index" and name == NAME_WALK_INDEX:
            return dialect == "sqlite"
        return True

    return include


# --- The partner's country and live flag, copied by triggers --------------------------------
# Whoever changes a partner's country or archives it (the ORM, a bulk UPDATE, a merge), its
# document follows in the same statement; documents built anew read both from the partner.

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS partner_search_partner_state AFTER UPDATE OF country, archived_at ON partner "
    "WHEN old.country IS NOT new.country OR (old.archived_at IS NULL) IS NOT (new.archived_at IS NULL) BEGIN "
    "UPDATE partner_search SET country = new.country, live = (new.archived_at IS NULL) WHERE partner_id = new.id; END",
)
_SQLITE_DROP_TRIGGERS = ("DROP TRIGGER IF EXISTS partner_search_partner_state",)
_POSTGRESQL_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION partner_search_partner_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE partner_search SET country = NEW.country, live = (NEW.archived_at IS NULL) WHERE partner_id = NEW.id;
  RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS partner_search_partner_state ON partner",
    "CREATE TRIGGER partner_search_partner_state AFTER UPDATE OF country, archived_at ON partner FOR EACH ROW "
    "WHEN (OLD.country IS DISTINCT FROM NEW.country OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL)) "
    "EXECUTE FUNCTION partner_search_partner_state()",
)
_POSTGRESQL_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS partner_search_partner_state ON partner",
    "DROP FUNCTION IF EXISTS partner_search_partner_state()",
)


def create_triggers(connection: Connection) -> None:
    """The trigger on `partner` that copies its country and live flag into its document."""
    run_for_dialect(connection, sqlite=_SQLITE_TRIGGERS, postgresql=_POSTGRESQL_TRIGGERS)


def drop_triggers(connection: Connection) -> None:
    run_for_dialect(connection, sqlite=_SQLITE_DROP_TRIGGERS, postgresql=_POSTGRESQL_DROP_TRIGGERS)


# --- Keeping documents current ---------------------------------------------------------------

def _changed(obj, keys: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[key].history.has_changes() for key in keys)


def _partners_of(contact: Contact, unknown: list[int]) -> set[int]:
    """The partner a contact belongs to, and the one it belonged to when that was loaded. Read
    without loading anything inside the flush: a contact whose partner is not loaded goes to
    `unknown` (its id), to be looked up in one statement."""
    state = inspect(contact)
    ids = set()
    if "partner_id" in state.dict:
        ids.add(state.dict["partner_id"])
    elif state.key is not None:
        unknown.append(state.key[1][0])
    for key in ("partner_id", "partner"):
        history = state.attrs[key].history
        for value in (*history.added, *history.deleted):
            ids.add(value.id if isinstance(value, Partner) else value)
    return ids


def _remember_former_partners(session: Session, flush_context, instances) -> None:
    """Before a flush moves contacts to another partner (a merge), note the partners they leave:
    the attribute history knows them only where the old partner had been loaded."""
    moved = [obj.id for obj in session.dirty
             if isinstance(obj, Contact) and obj.id is not None and _changed(obj, ("partner_id", "partner"))]
    if moved:
        session.info.setdefault(FORMER_PARTNERS, set()).update(session.connection().scalars(
            select(Contact.partner_id).where(Contact.id.in_(moved))))


def changed_partner_ids(session: Session) -> set[int]:
    """The partners whose documents the session's pending changes (or, in the flush hook, the
    flush's changes) touch."""
    ids: set[int] = set()
    unknown: list[int] = []  # contacts whose partner is not loaded
    for obj in session.new:
        if isinstance(obj, Partner):
            ids.add(obj.id)
        elif isinstance(obj, Contact):
            ids |= _partners_of(obj, unknown)
    for obj in session.dirty:
        if isinstance(obj, Partner) and _changed(obj, PARTNER_FIELDS):
            ids.add(obj.id)
        elif isinstance(obj, Contact) and _changed(obj, CONTACT_FIELDS):
            ids |= _partners_of(obj, unknown)
        elif isinstance(obj, Tag) and _changed(obj, ("name",)):
            ids.update(session.connection().scalars(
                select(partner_tag.c.partner_id).where(partner_tag.c.tag_id == obj.id)))
    for obj in session.deleted:
        if isinstance(obj, Partner):
            ids.add(inspect(obj).key[1][0])  # its row is gone: never load it
        elif isinstance(obj, Contact):
            ids |= _partners_of(obj, unknown)
    if unknown:
        ids.update(session.connection().scalars(select(Contact.partner_id).where(Contact.id.in_(unknown))))
    ids |= session.info.pop(FORMER_PARTNERS, set())
    ids.discard(None)
    return ids


def _refresh_changed_documents(session: Session, flush_context) -> None:
    if ids := changed_partner_ids(session):
        refresh_documents(session.connection(), ids)


def _create_fts_and_trigger(target, connection, **kw) -> None:
    create_fts(connection)
    create_triggers(connection)


def _drop_fts_and_trigger(target, connection, **kw) -> None:
    drop_triggers(connection)
    drop_fts(connection)


def register_search_index() -> None:
    """The session hook, and the trigram table and the trigger that copies the partner's country
    and live flag created and dropped with `partner_search` (`db.create_all()`; the migrations
    do the same). PostgreSQL gets pg_trgm first."""
    if not event.contains(Session, "after_flush", _refresh_changed_documents):
        event.listen(Session, "before_flush", _remember_former_partners)
        event.listen(Session, "after_flush", _refresh_changed_documents)
    if not event.contains(_table, "after_create", _create_fts_and_trigger):
        event.listen(_table, "before_create", _create_trigram_extension)
        event.listen(_table, "after_create", _create_fts_and_trigger)
        event.listen(_table, "before_drop", _drop_fts_and_trigger)


def _create_trigram_extension(target, connection, **kw) -> None:
    if connection.dialect.name == "postgresql":
        create_trigram_extension(connection)


def create_trigram_extension(connection: Connection) -> None:
    """pg_trgm, which the index needs. An app user that may not create extensions needs a DBA to
    run `CREATE EXTENSION pg_trgm` in the database once (README: Production deployment)."""
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
