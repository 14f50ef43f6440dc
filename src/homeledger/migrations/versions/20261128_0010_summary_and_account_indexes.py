"""summaries read one index; the account menus probe another

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 18:00:00

The transactions' date index gains the columns every summary adds up (category, owner,
amount) after its key (user_id, date, id), so a summary over a range of dates is an
index-only scan on PostgreSQL and a covering index on SQLite; keyset pages by date use it
as they used the old one, which it replaces. A new index on (user_id, account) lets the
account menus step from one account to the next instead of reading every row.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERING = ["user_id", "date", "id", "category_id", "owner_id", "amount"]


def upgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transactions_user_id_date_id_category_id_owner_id_amount"),
            COVERING,
            unique=False,
        )
        batch_op.drop_index(batch_op.f("ix_transactions_user_id_date_id"))
        batch_op.create_index(
            batch_op.f("ix_transactions_user_id_account"), ["user_id", "account"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transactions_user_id_account"))
        batch_op.create_index(
            batch_op.f("ix_transactions_user_id_date_id"), ["user_id", "date", "id"], unique=False
        )
        batch_op.drop_index(
            batch_op.f("ix_transactions_user_id_date_id_category_id_owner_id_amount")
        )
