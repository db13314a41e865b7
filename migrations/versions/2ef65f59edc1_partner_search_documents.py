"""partner search documents: a search document per partner, with a trigram index; partner list indexes

SQLite: an FTS5 table with the trigram tokenizer over the documents (kept in step by triggers).
PostgreSQL: the pg_trgm extension (created if missing: a DBA creates it once where the app's
user may not, see the README) and a GIN trigram index. The documents of existing partners are
built here.

Revision ID: 2ef65f59edc1
Revises: 055ed3deac89
Create Date: 2026-11-30 08:09:55.058031

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2ef65f59edc1'
down_revision = '055ed3deac89'
branch_labels = None
depends_on = None


def upgrade():
    from crm.partners.search_index import TRIGRAM_INDEX, create_trigram_extension, rebuild_documents

    bind = op.get_bind()
    op.create_table('partner_search',
    sa.Column('partner_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('contacts', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_search_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partner_id', name=op.f('pk_partner_search'))
    )
    if bind.dialect.name == 'postgresql':
        create_trigram_extension(bind)
        op.create_index(TRIGRAM_INDEX, 'partner_search', ['document', 'contacts'], unique=False,
                        postgresql_using='gin',
                        postgresql_ops={'document': 'gin_trgm_ops', 'contacts': 'gin_trgm_ops'})
    rebuild_documents(bind)  # on SQLite, creates the FTS5 table and its triggers too
    # The partner list: country counts from an index alone, the first page by name unsorted.
    op.create_index('ix_partner_archived_at_country', 'partner', ['archived_at', 'country'], unique=False)
    op.create_index('ix_partner_archived_at_name', 'partner', ['archived_at', sa.text('lower(name)'), 'id'], unique=False)


def downgrade():
    from crm.partners.search_index import TRIGRAM_INDEX, drop_fts

    bind = op.get_bind()
    op.drop_index('ix_partner_archived_at_name', table_name='partner')
    op.drop_index('ix_partner_archived_at_country', table_name='partner')
    drop_fts(bind)
    if bind.dialect.name == 'postgresql':
        op.drop_index(TRIGRAM_INDEX, table_name='partner_search')
    op.drop_table('partner_search')
