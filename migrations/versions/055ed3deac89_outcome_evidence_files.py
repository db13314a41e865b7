"""Outcome evidence files: scans, lists of students, PDFs that back an outcome's count

Revision ID: 055ed3deac89
Revises: 3c5e0bf93cf8
Create Date: 2026-11-30 08:02:34.953662

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '055ed3deac89'
down_revision = '3c5e0bf93cf8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcome_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_outcome_evidence_outcome_id_outcome')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_outcome_evidence_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_outcome_evidence_stored_name'))
    )
    with op.batch_alter_table('outcome_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_evidence_outcome_id'), ['outcome_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outcome_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_evidence_outcome_id'))

    op.drop_table('outcome_evidence')
