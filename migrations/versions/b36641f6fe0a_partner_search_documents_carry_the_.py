"""partner search documents carry the partner's country and live flag

- `partner_search.country` and `partner_search.live` (not archived), filled here from the
  partners and kept by a trigger on `partner` (crm/partners/search_index.py: create_triggers),
  so that a list's first matches come with their countries from the documents alone, without
  a lookup of each match's partner row (search_index.partners_holding).
- SQLite: the trigger that keeps the FTS5 index in step with the documents fires on a change of
  their texts only (a partner archived or moved to another country leaves the trigram index as
  it is).

Revision ID: b36641f6fe0a
Revises: d8436db1aa41
Create Date: 2026-11-30 16:53:35.190825

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b36641f6fe0a'
down_revision = 'd8436db1aa41'
branch_labels = None
depends_on = None

FTS_UPDATE_TRIGGER = (
    "CREATE TRIGGER partner_search_after_update AFTER UPDATE {columns}ON partner_search BEGIN "
    "INSERT INTO partner_search_fts(partner_search_fts, rowid, document, contacts) "
    "VALUES ('delete', old.partner_id, old.document, old.contacts); "
    "INSERT INTO partner_search_fts(rowid, document, contacts) VALUES (new.partner_id, new.document, new.contacts); END"
)


def _fts_update_trigger(columns: str) -> None:
    bind = op.get_bind()
    exists = bind.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'partner_search_after_update'").scalar()
    if exists:  # none where this SQLite has no FTS5 trigram tokenizer
        op.execute("DROP TRIGGER partner_search_after_update")
        op.execute(FTS_UPDATE_TRIGGER.format(columns=columns))


def upgrade():
    from crm.partners.search_index import create_triggers

    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        _fts_update_trigger("OF document, contacts ")
    op.add_column('partner_search', sa.Column('country', sa.String(length=2), server_default='', nullable=False))
    op.add_column('partner_search', sa.Column('live', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute("UPDATE partner_search SET country = (SELECT partner.country FROM partner WHERE partner.id = partner_search.partner_id), "
               "live = (SELECT partner.archived_at IS NULL FROM partner WHERE partner.id = partner_search.partner_id)")
    create_triggers(bind)
    if bind.dialect.name == 'postgresql':
        # The UPDATE queued every document's trigrams in the GIN indexes' pending lists, which
        # each search would read through (and the planner, counting them, turned to reading the
        # documents one by one) until a VACUUM: merged into the indexes now.
        op.execute("SELECT gin_clean_pending_list('ix_partner_search_trigram'::regclass), "
                   "gin_clean_pending_list('ix_partner_search_text_trigram'::regclass)")
    op.execute('ANALYZE partner_search')


def downgrade():
    from crm.partners.search_index import drop_triggers

    bind = op.get_bind()
    drop_triggers(bind)
    if bind.dialect.name == 'sqlite':
        # SQLite 3.35+ drops a column in place: no copy of the table, whose triggers feed the FTS index.
        op.execute('ALTER TABLE partner_search DROP COLUMN live')
        op.execute('ALTER TABLE partner_search DROP COLUMN country')
        _fts_update_trigger("")
    else:
        op.drop_column('partner_search', 'live')
        op.drop_column('partner_search', 'country')
