"""Plans for money: monthly budgets, recurring commitments, debts and savings goals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Attributed, Base, Timestamped, UserOwned, same_ledger_fk
from homeledger.models.types import Money

FREQUENCIES = ("weekly", "fortnightly", "monthly", "quarterly", "yearly")
DEBT_TYPES = ("credit_card", "loan", "mortgage", "personal", "bnpl", "other")


class Budget(UserOwned, Attributed, Timestamped, Base):
    """How much a category (optionally one owner's share of it) may spend in a month."""

    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        ForeignKeyConstraint(*same_ledger_fk("category_id", "categories")),
        ForeignKeyConstraint(*same_ledger_fk("owner_id", "owners")),
        # NULL owners are distinct in a plain unique constraint on both databases,
        # so "whole household" budgets get their own partial unique index.
        Index(
            "uq_budgets_household",
            "user_id",
            "year",
            "month",
            "category_id",
            unique=True,
            sqlite_where=text("owner_id IS NULL"),
            postgresql_where=text("owner_id IS NULL"),
        ),
        Index(
            "uq_budgets_per_owner",
            "user_id",
            "year",
            "month",
            "category_id",
            "owner_id",
            unique=True,
            sqlite_where=text("owner_id IS NOT NULL"),
            postgresql_where=text("owner_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    category_id: Mapped[int] = mapped_column()
    owner_id: Mapped[int | None] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money)


class Commitment(UserOwned, Attributed, Timestamped, Base):
    """A recurring bill or subscription."""

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(
            "frequency IN ('weekly', 'fortnightly', 'monthly', 'quarterly', 'yearly')",
            name="frequency",
        ),
        CheckConstraint("due_day IS NULL OR due_day BETWEEN 1 AND 31", name="due_day"),
        ForeignKeyConstraint(*same_ledger_fk("category_id", "categories")),
        ForeignKeyConstraint(*same_ledger_fk("owner_id", "owners")),
        Index(None, "user_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money)
    frequency: Mapped[str] = mapped_column(String(16))
    due_day: Mapped[int | None] = mapped_column(SmallInteger)
    category_id: Mapped[int | None] = mapped_column()
    owner_id: Mapped[int | None] = mapped_column()
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(Text)


class Debt(UserOwned, Attributed, Timestamped, Base):
    """A credit card, loan or buy-now-pay-later balance being paid down."""

    __tablename__ = "debts"
    __table_args__ = (
        CheckConstraint(
            "debt_type IN ('credit_card', 'loan', 'mortgage', 'personal', 'bnpl', 'other')",
            name="debt_type",
        ),
        CheckConstraint("due_day IS NULL OR due_day BETWEEN 1 AND 31", name="due_day"),
        UniqueConstraint("user_id", "id"),
        ForeignKeyConstraint(*same_ledger_fk("owner_id", "owners")),
        Index(None, "user_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    lender: Mapped[str | None] = mapped_column(String(100))
    debt_type: Mapped[str] = mapped_column(String(16), default="other")
    original_amount: Mapped[Decimal | None] = mapped_column(Money)
    current_balance: Mapped[Decimal] = mapped_column(Money)
    # Annual percentage rate, e.g. 19.990 for 19.99 %.
    interest_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0"))
    minimum_payment: Mapped[Decimal | None] = mapped_column(Money)
    due_day: Mapped[int | None] = mapped_column(SmallInteger)
    owner_id: Mapped[int | None] = mapped_column()
    start_date: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(default=True)


class DebtPayment(UserOwned, Attributed, Timestamped, Base):
    """Money paid towards a debt, with the debt's balance once it was paid.

    ``transaction_id`` links the payment to the ledger row that paid it, if any; one
    transaction pays at most one debt payment.
    """

    __tablename__ = "debt_payments"
    __table_args__ = (
        ForeignKeyConstraint(*same_ledger_fk("debt_id", "debts"), ondelete="CASCADE"),
        ForeignKeyConstraint(*same_ledger_fk("transaction_id", "transactions")),
        Index(None, "user_id", "debt_id", "date"),
        Index(None, "user_id", "transaction_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column()
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    balance_after: Mapped[Decimal] = mapped_column(Money)
    notes: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[int | None] = mapped_column()


class SavingsGoal(UserOwned, Attributed, Timestamped, Base):
    """Money put aside towards a target. ``current_amount`` is what is saved so far: any
    opening amount plus the contributions, kept up to date as they are added and removed."""

    __tablename__ = "savings_goals"
    __table_args__ = (
        CheckConstraint("target_amount > 0", name="target_positive"),
        Index(None, "user_id", "id", unique=True),  # target of contributions' references
        ForeignKeyConstraint(*same_ledger_fk("owner_id", "owners")),
        Index(None, "user_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    target_amount: Mapped[Decimal] = mapped_column(Money)
    current_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    target_date: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column()
    is_active: Mapped[bool] = mapped_column(default=True)


class GoalContribution(UserOwned, Attributed, Timestamped, Base):
    """Money put into a goal on a day (negative: taken back out of it)."""

    __tablename__ = "goal_contributions"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        ForeignKeyConstraint(*same_ledger_fk("goal_id", "savings_goals"), ondelete="CASCADE"),
        Index(None, "user_id", "goal_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column()
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
