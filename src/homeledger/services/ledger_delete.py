"""Delete all my data: every row the acting ledger owns, in one transaction.

The person confirms by typing their username. The account then starts afresh as a
new one does (a settings row and the seed categories), or goes too when asked: its
browser sessions and API tokens end and the user row is deleted; the audit log keeps
the entries, with the username in ``actor_name``. Tables come from ``ledger_tables``,
so a ledger table added later is deleted with the rest, children before parents.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homeledger.models import User, UserOwned, UserSettings
from homeledger.services import accounts, api_tokens, audit, sharing, web_sessions
from homeledger.services.categories import seed_categories
from homeledger.services.errors import ValidationError
from homeledger.services.ledger_tables import count_rows, ledger_tables


@dataclass(frozen=True)
class Deleted:
    counts: dict[str, int]
    account_deleted: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def what_goes(session: Session) -> dict[str, int]:
    """The acting ledger's rows per table, for the question page (tables with none left out)."""
    return {name: count for name, count in count_rows(session).items() if count}


def confirm_problem(user: User, typed: str | None) -> str | None:
    """Why ``typed`` does not confirm the deletion (it must be the username), or None."""
    if (typed or "").strip() != user.username:
        return f"type your username, {user.username}, to confirm"
    return None


def delete_all(
    session: Session,
    user: User,
    *,
    confirm: str | None,
    delete_account: bool = False,
    ip_address: str | None = None,
) -> Deleted:
    """Remove every row of ``user``'s ledger (the acting one); the account starts afresh,
    or is deleted too. ValidationError, with nothing deleted, when ``confirm`` is not the
    username or the account is the last active admin's. Flushes, never commits."""
    sharing.require_owner(session, "delete this ledger's data")
    if problem := confirm_problem(user, confirm):
        raise ValidationError({"confirm": problem})
    if delete_account and user.is_admin and accounts.locked_active_admins(session) == [user.id]:
        raise ValidationError(
            {"delete_account": "you are the only active admin; make someone else an admin first"}
        )
    _lock_account(session, user)
    counts = {}
    for table in reversed(ledger_tables()):
        result = session.execute(delete(table.model).execution_options(synchronize_session=False))
        counts[table.name] = result.rowcount
    for row in [obj for obj in session.identity_map.values() if isinstance(obj, UserOwned)]:
        session.expunge(row)  # deleted above, behind the session's back
    audit.record(
        session,
        "data.delete",
        actor_id=user.id,
        actor_name=user.username,
        ledger_user_id=user.id,
        ip_address=ip_address,
        extra={
            "counts": {name: n for name, n in counts.items() if n},
            "delete_account": delete_account,
        },
    )
    if delete_account:
        _delete_account(session, user, ip_address)
    else:
        session.add(UserSettings())
        seed_categories(session)
    session.flush()
    return Deleted(counts, delete_account)


def _delete_account(session: Session, user: User, ip_address: str | None) -> None:
    web_sessions.end_all(session, user.id)
    api_tokens.revoke_all(session, user.id)
    audit.record(
        session,
        "user.delete",
        actor_id=user.id,
        actor_name=user.username,
        ledger_user_id=user.id,
        ip_address=ip_address,
        extra={"username": user.username, "own_account": True},
    )
    session.flush()  # the entries exist before the user row goes (their ids then become NULL)
    session.delete(user)


def _lock_account(session: Session, user: User) -> None:
    """An import racing the deletion waits for it (PostgreSQL)."""
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
