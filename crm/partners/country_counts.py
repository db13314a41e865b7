"""How many live partners each country has, kept by the database itself.

The partner list shows its country counts on every page; counting 100,000 partners for them
costs more than the page. `partner_country_count` (models.PartnerCountryCount) holds the count
of live (not archived) partners per country, and triggers on `partner` keep it in the same
transaction as every insert, delete, archive, restore or change of country, whoever writes the
row (the ORM, a bulk insert of the demo generator, an import). Read it through
crm/partners/queries.py. A count that falls to 0 stays as a row with 0.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

from crm.core.database import run_for_dialect

_SQLITE_CREATE = (
    "CREATE TRIGGER IF NOT EXISTS partner_country_count_insert AFTER INSERT ON partner "
    "WHEN new.archived_at IS NULL BEGIN "
    "INSERT INTO partner_country_count (country, partners) VALUES (new.country, 1) "
    "ON CONFLICT (country) DO UPDATE SET partners = partners + 1; END",
    "CREATE TRIGGER IF NOT EXISTS partner_country_count_delete AFTER DELETE ON partner "
    "WHEN old.archived_at IS NULL BEGIN "
    "UPDATE partner_country_count SET partners = partners - 1 WHERE country = old.country; END",
    "CREATE TRIGGER IF NOT EXISTS partner_country_count_update AFTER UPDATE OF country, archived_at ON partner "
    "WHEN old.country IS NOT new.country OR (old.archived_at IS NULL) IS NOT (new.archived_at IS NULL) BEGIN "
    "UPDATE partner_country_count SET partners = partners - 1 WHERE country = old.country AND old.archived_at IS NULL; "
    "INSERT INTO partner_country_count (country, partners) SELECT new.country, 1 WHERE new.archived_at IS NULL "
    "ON CONFLICT (country) DO UPDATE SET partners = partners + 1; END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS partner_country_count_insert",
    "DROP TRIGGER IF EXISTS partner_country_count_delete",
    "DROP TRIGGER IF EXISTS partner_country_count_update",
)
_POSTGRESQL_CREATE = (
    """CREATE OR REPLACE FUNCTION partner_country_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.country IS NOT DISTINCT FROM NEW.country
     AND (OLD.archived_at IS NULL) = (NEW.archived_at IS NULL) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN
    UPDATE partner_country_count SET partners = partners - 1 WHERE country = OLD.country;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.archived_at IS NULL THEN
    INSERT INTO partner_country_count (country, partners) VALUES (NEW.country, 1)
    ON CONFLICT (country) DO UPDATE SET partners = partner_country_count.partners + 1;
  END IF;
  RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS partner_country_count_keep ON partner",
    "CREATE TRIGGER partner_country_count_keep AFTER INSERT OR DELETE OR UPDATE OF country, archived_at ON partner "
    "FOR EACH ROW EXECUTE FUNCTION partner_country_count_keep()",
)
_POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS partner_country_count_keep ON partner",
    "DROP FUNCTION IF EXISTS partner_country_count_keep()",
)


def create_triggers(connection: Connection) -> None:
    """The triggers on `partner` that keep the counts (SQLite or PostgreSQL)."""
    run_for_dialect(connection, sqlite=_SQLITE_CREATE, postgresql=_POSTGRESQL_CREATE)


def drop_triggers(connection: Connection) -> None:
    run_for_dialect(connection, sqlite=_SQLITE_DROP, postgresql=_POSTGRESQL_DROP)


def recount(connection: Connection) -> None:
    """Every country's count from the partners themselves (the migration that brings the table)."""
    connection.exec_driver_sql("DELETE FROM partner_country_count")
    connection.exec_driver_sql(
        "INSERT INTO partner_country_count (country, partners) "
        "SELECT country, count(*) FROM partner WHERE archived_at IS NULL GROUP BY country")
