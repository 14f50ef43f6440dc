"""Whether the database answers, for load balancers' health checks."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import Session


def database_answers(session: Session) -> bool:
    """True when a trivial query comes back; False (rolled back) on any database failure."""
    try:
        session.execute(select(literal(1)))
    except Exception:  # any database failure means "not healthy", which is the answer
        session.rollback()
        return False
    return True
