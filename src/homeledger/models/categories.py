"""Categories, the universal seeds new users start from, and household owners."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Base, Timestamped, UserOwned

CATEGORY_TYPES = ("expense", "income", "transfer")
_TYPE_CHECK = "type IN ('expense', 'income', 'transfer')"


class CategorySeed(Base):
    """One of the universal categories every new ledger is offered."""

    __tablename__ = "category_seeds"
    __table_args__ = (CheckConstraint(_TYPE_CHECK, name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    color: Mapped[str] = mapped_column(String(7))
    icon: Mapped[str | None] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)


class Category(UserOwned, Timestamped, Base):
    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint(_TYPE_CHECK, name="type"),
        UniqueConstraint("user_id", "name"),
        # Target of same-ledger composite foreign keys.
        UniqueConstraint("user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16), default="expense")
    color: Mapped[str] = mapped_column(String(7), default="#8a8f98")
    icon: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name!r}>"


class Owner(UserOwned, Timestamped, Base):
    """A household member or joint account that transactions and budgets can belong to."""

    __tablename__ = "owners"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        UniqueConstraint("user_id", "id"),
        Index(None, "user_id", "login_id", unique=True),  # one owner is "me" for each login
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The login this owner is (Sam <-> Sam's own sign-in to a shared ledger), so that
    # "mine" means this owner's rows for that person (services/sharing.py).
    login_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<Owner {self.id} {self.name!r}>"
