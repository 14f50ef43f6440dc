"""debt payments: the balance after each, a link to the transaction that paid it;
goal contributions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 15:39:25.535341

Payments recorded before this revision get the balance they left by walking back from
the debt's current balance: the newest payment left the current balance, each earlier
one that balance plus the payments made since.
"""

import warnings
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Money columns hold whole cents.
debts = sa.table("debts", sa.column("id", sa.Integer), sa.column("current_balance", sa.BigInteger))
payments = sa.table(
    "debt_payments",
    sa.column("id", sa.Integer),
    sa.column("debt_id", sa.Integer),
    sa.column("date", sa.Date),
    sa.column("amount", sa.BigInteger),
    sa.column("balance_after", sa.BigInteger),
)


def _backfill_balances() -> None:
    bind = op.get_bind()
    balance = dict(bind.execute(sa.select(debts.c.id, debts.c.current_balance)).all())
    newest_first = bind.execute(
        sa.select(payments.c.id, payments.c.debt_id, payments.c.amount).order_by(
            payments.c.debt_id, payments.c.date.desc(), payments.c.id.desc()
        )
    )
    paid_since: dict[int, int] = defaultdict(int)
    for payment_id, debt_id, amount in newest_first:
        bind.execute(
            payments.update()
            .where(payments.c.id == payment_id)
            .values(balance_after=balance[debt_id] + paid_since[debt_id])
        )
        paid_since[debt_id] += amount


def upgrade() -> None:
    # The targets of the new same-ledger references come first.
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transactions_user_id_id"), ["user_id", "id"], unique=True
        )
    with op.batch_alter_table("savings_goals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_savings_goals_user_id_id"), ["user_id", "id"], unique=True
        )

    op.create_table(
        "goal_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_goal_contributions_amount_not_zero")),
        sa.ForeignKeyConstraint(
            ["user_id", "goal_id"],
            ["savings_goals.user_id", "savings_goals.id"],
            name=op.f("fk_goal_contributions_user_id_goal_id_savings_goals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_goal_contributions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_contributions")),
    )
    with op.batch_alter_table("goal_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goal_contributions_user_id_goal_id_date"),
            ["user_id", "goal_id", "date"],
            unique=False,
        )

    with op.batch_alter_table("debt_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("balance_after", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("transaction_id", sa.Integer(), nullable=True))
    _backfill_balances()
    with _rebuilding():
        _link_payments_to_transactions()


@contextmanager
def _rebuilding():
    """On SQLite, changing debt_payments rebuilds it, reflecting the tables it refers to;
    the users table's expression indexes cannot be reflected there, and need not be."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        yield


def _link_payments_to_transactions() -> None:
    with op.batch_alter_table("debt_payments", schema=None) as batch_op:
        batch_op.alter_column("balance_after", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_debt_payments_user_id_transaction_id"),
            ["user_id", "transaction_id"],
            unique=True,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_debt_payments_user_id_transaction_id_transactions"),
            "transactions",
            ["user_id", "transaction_id"],
            ["user_id", "id"],
        )


def downgrade() -> None:
    with _rebuilding(), op.batch_alter_table("debt_payments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_debt_payments_user_id_transaction_id_transactions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_debt_payments_user_id_transaction_id"))
        batch_op.drop_column("transaction_id")
        batch_op.drop_column("balance_after")

    with op.batch_alter_table("goal_contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_contributions_user_id_goal_id_date"))
    op.drop_table("goal_contributions")

    with op.batch_alter_table("savings_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_savings_goals_user_id_id"))
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transactions_user_id_id"))
