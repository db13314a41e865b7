"""partner list: country counts, country-name index, short Chinese grams

- `partner_country_count`: live partners per country, kept by triggers on `partner`
  (crm/partners/country_counts.py), filled here from the partners.
- The live partners (of a country) by name: partial indexes `ix_partner_live_name` and
  `ix_partner_live_country_name` replace `ix_partner_archived_at_name` and
  `ix_partner_archived_at_country` (PostgreSQL orders by an index only after equalities,
  and "archived_at IS NULL" is none: it sorted every partner for the first page).
- The search documents built anew: they now end with their Chinese characters and pairs of
  them (crm/partners/search_index.py: _short_grams), which the trigram index finds, and carry
  their partner's name key (lower(name)); on SQLite an index walks them in name order with
  their text (ix_partner_search_name_walk).

Revision ID: 8f4f479234b6
Revises: 8dfaa53e8775
Create Date: 2026-11-30 10:46:52.827002

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f4f479234b6'
down_revision = "8dfaa53e8775"
branch_labels = None
depends_on = None


def upgrade():
    from crm.partners.country_counts import create_triggers, recount
    from crm.partners.search_index import rebuild_documents

    bind = op.get_bind()
    op.create_table('partner_country_count',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('partners', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('country', name=op.f('pk_partner_country_count'))
    )
    recount(bind)
    create_triggers(bind)
    live = sa.text('archived_at IS NULL')
    op.create_index('ix_partner_live_name', 'partner', [sa.text('lower(name)'), 'id'], unique=False,
                    sqlite_where=live, postgresql_where=live)
    op.create_index('ix_partner_live_country_name', 'partner', ['country', sa.text('lower(name)'), 'id'],
                    unique=False, sqlite_where=live, postgresql_where=live)
    op.drop_index('ix_partner_archived_at_country', table_name='partner')
    op.drop_index('ix_partner_archived_at_name', table_name='partner')
    op.add_column('partner_search', sa.Column('name_key', sa.String(length=200), server_default='', nullable=False))
    rebuild_documents(bind)
    if bind.dialect.name == 'sqlite':
        op.create_index('ix_partner_search_name_walk', 'partner_search',
                        ['name_key', 'partner_id', 'document', 'contacts'], unique=False)
    op.execute('ANALYZE partner')  # the new indexes' statistics (their expression's too)
    op.execute('ANALYZE partner_search')


def downgrade():
    from crm.partners.country_counts import drop_triggers

    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.drop_index('ix_partner_search_name_walk', table_name='partner_search')
        # SQLite 3.35+ drops a column in place: no copy of the table, whose triggers feed the FTS index.
        op.execute('ALTER TABLE partner_search DROP COLUMN name_key')
    else:
        op.drop_column('partner_search', 'name_key')
    op.create_index('ix_partner_archived_at_name', 'partner', ['archived_at', sa.text('lower(name)'), 'id'], unique=False)
    op.create_index('ix_partner_archived_at_country', 'partner', ['archived_at', 'country'], unique=False)
    op.drop_index('ix_partner_live_country_name', table_name='partner')
    op.drop_index('ix_partner_live_name', table_name='partner')
    drop_triggers(bind)
    op.drop_table('partner_country_count')
