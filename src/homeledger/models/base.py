"""The declarative base, naming conventions and the mixins every model builds on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from homeledger.models.types import UTCDateTime, utcnow

# Ids are INTEGER columns: a larger number from a client can only mean "not found".
MAX_ID = 2**31 - 1

# Named constraints so Alembic migrations are reproducible on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserOwned:
    """A row of one user's ledger. ``tenancy.py`` scopes every query on it.

    ``user_id`` says *whose ledger* the row belongs to, never who is acting;
    the actor is recorded separately (audit log).
    """

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


class Attributed:
    """Rows a person would ask "who entered this?" of, in a ledger shared with others.

    ``created_by_id`` is who added the row, ``updated_by_id`` who changed it last:
    the actor, stamped by ``tenancy.py`` on every write (the ledger's owner for rows
    from before sharing, an import or the old desktop app). An account deleted later
    leaves them empty.
    """

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def same_ledger_fk(column: str, target_table: str) -> tuple[list[str], list[str]]:
    """Columns for a composite foreign key that keeps a reference inside one ledger.

    ``(user_id, category_id) -> categories(user_id, id)`` means the database
    itself refuses a transaction pointing at another user's category.
    """
    return ["user_id", column], [f"{target_table}.user_id", f"{target_table}.id"]
