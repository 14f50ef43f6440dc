"""Ledgers shared with other people: who besides its owner may act in a ledger, and how."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Base, Timestamped

# What a member may do (services/sharing.py): an editor writes, a viewer only reads.
# The ledger's owner has the role "owner", never stored: the ledger is theirs.
MEMBER_ROLES = ("editor", "viewer")


class LedgerMember(Timestamped, Base):
    """A grant: ``member_id`` may act in the ledger of ``ledger_user_id`` with ``role``.

    Not a ledger row itself: it is read across ledgers (the ledgers a person may
    choose), and written only through ``services.sharing`` by the ledger's owner,
    or by the member leaving.
    """

    __tablename__ = "ledger_members"
    __table_args__ = (
        CheckConstraint("role IN ('editor', 'viewer')", name="role"),
        CheckConstraint("ledger_user_id <> member_id", name="not_oneself"),
        UniqueConstraint("ledger_user_id", "member_id"),
        Index(None, "member_id"),  # "the ledgers I am a member of", on every request
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<LedgerMember {self.member_id} in {self.ledger_user_id} as {self.role}>"
