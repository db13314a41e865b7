"""partner search on PostgreSQL: a trigram index over a partner's whole text, and the
documents in name order

- `ix_partner_search_text_trigram`: a pg_trgm GIN index over document, a space and contacts
  (models.partner_search_text), so that a search with the contacts is one LIKE, which the
  planner serves from the index; over the two columns (an OR of two LIKEs) it read every
  document for a common word. `ix_partner_search_trigram` now covers the document only (the
  contacts are searched through the whole text).
- `ix_partner_search_name_order`: the documents in the partners' name order, which the list
  walks for a common word (search_index.walk_by_name), as SQLite's ix_partner_search_name_walk.

PostgreSQL only: SQLite's search goes through its FTS5 table and name walk index.

Revision ID: 847bbb175626
Revises: b78200a2ee85
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '847bbb175626'
down_revision = 'b78200a2ee85'
branch_labels = None
depends_on = None

TEXT = sa.text("(document || ' ' || contacts) gin_trgm_ops")


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_partner_search_trigram', table_name='partner_search')
    op.create_index('ix_partner_search_trigram', 'partner_search', ['document'], unique=False,
                    postgresql_using='gin', postgresql_ops={'document': 'gin_trgm_ops'})
    op.create_index('ix_partner_search_text_trigram', 'partner_search', [TEXT], unique=False, postgresql_using='gin')
    op.create_index('ix_partner_search_name_order', 'partner_search', ['name_key', 'partner_id'], unique=False)
    op.execute('ANALYZE partner_search')  # the expression index's statistics


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_partner_search_name_order', table_name='partner_search')
    op.drop_index('ix_partner_search_text_trigram', table_name='partner_search')
    op.drop_index('ix_partner_search_trigram', table_name='partner_search')
    op.create_index('ix_partner_search_trigram', 'partner_search', ['document', 'contacts'], unique=False,
                    postgresql_using='gin', postgresql_ops={'document': 'gin_trgm_ops', 'contacts': 'gin_trgm_ops'})
