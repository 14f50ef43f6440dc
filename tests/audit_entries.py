"""An audit log with a little of everything, for the viewer's tests: three people, two
ledgers, several actions and both outcomes over two months, more entries than a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import AuditLog, User
from tests.factories import make_user

ACTIONS = ("auth.login", "auth.logout", "user.password_change", "data.export", "authority.x")
START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


@dataclass
class AuditLedger:
    root: User  # an admin
    alex: User
    sam: User

    def all(self, session: Session) -> list[AuditLog]:
        """Every entry, newest first: what an unfiltered walk must see."""
        rows = session.scalars(select(AuditLog)).all()
        return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)


def seed(session: Session, count: int = 60) -> AuditLedger:
    root = make_user(session, "root", role="admin")
    alex = make_user(session, "alex")
    sam = make_user(session, "sam")
    people = (alex, sam, root)
    for i in range(count):
        actor = people[i % 3]
        entry = AuditLog.entry(
            ACTIONS[i % len(ACTIONS)],
            actor_id=actor.id,
            actor_name=actor.username,
            ledger_user_id=(alex, sam)[i % 2].id,
            outcome="failure" if i % 4 == 0 else "success",
            ip_address=f"10.0.0.{i}",
            extra={"n": i, "password": "hunter2"},
        )
        # Two months, 17 hours apart; every fifth shares the one before's time (ties: by id).
        entry.created_at = START + timedelta(hours=17 * (i - (1 if i % 5 == 4 else 0)))
        session.add(entry)
        session.flush()
    # A failed sign-in as a name no account has.
    session.add(
        AuditLog.entry(
            "auth.login",
            actor_name='=HYPERLINK("http://x")',
            outcome="failure",
            ip_address="2001:db8::1",
            extra={"reason": "unknown_user"},
        )
    )
    session.commit()
    return AuditLedger(root, alex, sam)
