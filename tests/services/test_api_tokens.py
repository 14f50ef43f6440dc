"""Refresh-token rotation holds under concurrent use of one token."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeledger.models import AuditLog
from homeledger.services import api_tokens
from tests.factories import make_user

LIFETIME = timedelta(days=30)


def test_of_racing_refreshes_with_one_token_exactly_one_wins(session):
    user = make_user(session, "alex")
    stolen = api_tokens.issue(session, user, device_name="phone", lifetime=LIFETIME)
    session.commit()
    engine = session.get_bind()
    racers = 6
    start = threading.Barrier(racers)
    outcomes: list[str] = []

    def refresh() -> None:
        with Session(engine) as own:
            start.wait()
            try:
                api_tokens.rotate(own, stolen.token, lifetime=LIFETIME)
                own.commit()
                outcomes.append("rotated")
            except api_tokens.TokenRejected as rejected:
                own.commit()
                outcomes.append(rejected.code)

    threads = [threading.Thread(target=refresh) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["rotated"] + ["token_revoked"] * (racers - 1)
    reuse = select(func.count()).where(AuditLog.action == "auth.refresh_reuse")
    assert session.scalar(reuse) >= 1
