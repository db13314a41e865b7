"""a renewal counts once it is signed: undo 'renewed' decisions whose renewal is an unsigned draft

Before, saving an unsigned renewal marked the old agreement renewed at once, so it left the
renewals view and its reminders. From now on the old agreement is marked renewed when the
renewal is signed (crm/agreements/decisions.py: settle_renewal); this puts the agreements that
were marked too early back where they belong: undecided, in the renewals view.
No schema change.

Revision ID: 7d3e52a1c9b4
Revises: 0f3243c57015
Create Date: 2026-11-30 05:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d3e52a1c9b4'
down_revision = '0f3243c57015'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        UPDATE agreement
        SET decision = NULL, decision_reason = NULL, decided_at = NULL, decided_by_id = NULL
        WHERE decision = 'renewed'
          AND id IN (
            SELECT predecessor_id FROM agreement
            WHERE predecessor_id IS NOT NULL AND (signed_on IS NULL OR archived_at IS NOT NULL)
          )
        """
    )


def downgrade():
    # The decisions undone were wrong; there is nothing to restore.
    pass
