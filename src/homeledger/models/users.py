"""People who sign in, and each one's ledger settings."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Base, Timestamped, UserOwned
from homeledger.models.types import UTCDateTime

ROLES = ("admin", "user")
# The wizard's steps in order, then "complete" (all saved, not yet finished) and "done".
ONBOARDING_STEPS = ("profile", "owners", "categories", "data", "budget", "complete", "done")


class User(UserMixin, Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'user')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # The first-run wizard's resume point (services/onboarding.py); "done" once finished.
    onboarding_step: Mapped[str] = mapped_column(String(16), default="profile")
    # Bumped whenever every existing session and token must stop working
    # (password change, deactivation); sessions carry the value they began with.
    session_epoch: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


# Usernames and emails are unique regardless of case: "Alex" and "alex" are one person.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class UserSettings(UserOwned, Base):
    """Per-ledger preferences: currency and the day a budgeting month starts."""

    __tablename__ = "user_settings"
    __table_args__ = (
        CheckConstraint("month_start_day BETWEEN 1 AND 28", name="month_start_day"),
        UniqueConstraint("user_id"),  # one settings row per ledger
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    month_start_day: Mapped[int] = mapped_column(SmallInteger, default=1)
    locale: Mapped[str] = mapped_column(String(16), default="en")
