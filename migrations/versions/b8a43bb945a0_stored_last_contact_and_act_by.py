"""stored last contact and act-by: partner.last_contact_at and .interaction_count, agreement.act_by,
indexed and filled; indexes that let counts skip the rows

Both are rules stored for lists to sort and filter by (crm/interactions/last_contact.py,
crm/agreements/models.py act_by_of); the app keeps them on its writes. Filled here from the
existing rows with the same rules, written out in SQL (a migration does not import the app).

Revision ID: b8a43bb945a0
Revises: 2ef65f59edc1
Create Date: 2026-11-30 08:13:37.807501

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8a43bb945a0'
down_revision = '2ef65f59edc1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('act_by', sa.Date(), nullable=True))
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_contact_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('interaction_count', sa.Integer(), server_default='0', nullable=False))

    # Filled before the indexes are built: one pass each.
    if op.get_bind().dialect.name == 'sqlite':
        act_by = "date(valid_until, '-' || coalesce(notice_days, 0) || ' days')"
    else:
        act_by = "valid_until - coalesce(notice_days, 0)"
    op.execute(f"UPDATE agreement SET act_by = {act_by} WHERE valid_until IS NOT NULL")
    op.execute(
        "UPDATE partner SET "
        "last_contact_at = (SELECT max(interaction.occurred_at) FROM interaction WHERE interaction.partner_id = partner.id), "
        "interaction_count = (SELECT count(interaction.id) FROM interaction WHERE interaction.partner_id = partner.id)"
    )

    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_act_by', ['act_by', 'archived_at', 'signed_on', 'decision'], unique=False)
        batch_op.create_index(
            'ix_agreement_in_force', ['valid_until', 'valid_from', 'signed_on', 'decision', 'archived_at'], unique=False)
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_last_contact_at'), ['last_contact_at'], unique=False)

    # Counts by date read the partner from the index, not the rows (the home page's chart).
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.create_index('ix_interaction_occurred_partner', ['occurred_at', 'partner_id'], unique=False)

    # Statistics, so that the planner picks the new indexes (without them SQLite prefers any
    # equality, e.g. archived_at IS NULL, which every row meets, over a range of act_by).
    op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_index('ix_interaction_occurred_partner')

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_last_contact_at'))
        batch_op.drop_column('interaction_count')
        batch_op.drop_column('last_contact_at')
    if op.get_bind().dialect.name == 'sqlite':
        # Batch mode copies the table on SQLite, and the copy cannot carry an index on an
        # expression: put back the one the search index migration (2ef65f59edc1) made.
        op.create_index('ix_partner_archived_at_name', 'partner', ['archived_at', sa.text('lower(name)'), 'id'], unique=False)

    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_in_force')
        batch_op.drop_index('ix_agreement_act_by')
        batch_op.drop_column('act_by')
