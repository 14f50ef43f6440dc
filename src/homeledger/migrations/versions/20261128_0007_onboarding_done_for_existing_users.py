"""onboarding: people who used the app before the wizard existed do not meet it now

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Until now nothing read onboarding_step, so everyone who has signed in was left at
    # "profile". Someone who has never signed in (an unused invite) still gets the wizard.
    op.execute(
        "UPDATE users SET onboarding_step = 'done' "
        "WHERE onboarding_step <> 'done' AND last_login_at IS NOT NULL"
    )


def downgrade() -> None:
    pass  # which accounts were moved on is not recorded; "done" stays right for them
