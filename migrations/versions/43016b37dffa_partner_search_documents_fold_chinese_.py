"""partner search documents fold Chinese character variants

The documents are built anew with the other forms of Chinese characters (Japanese 広島,
traditional 國) as the simplified ones (crm/partners/variants.py), as the words searched are, so
that 广岛 finds 広島大学. No schema change. A downgrade leaves them as they are; after going
back to older code, run `flask search rebuild`.

Revision ID: 43016b37dffa
Revises: 17c7b0a1d103
Create Date: 2026-12-01 02:59:11.721512

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '43016b37dffa'
down_revision = '17c7b0a1d103'
branch_labels = None
depends_on = None


def upgrade():
    from crm.partners.search_index import rebuild_documents

    rebuild_documents(op.get_bind())


def downgrade():
    pass  # the folded documents are still documents; older code rebuilds them with `flask search rebuild`
