"""Refresh-token rotation holds under concurrent use of one token, with and without the
grace window for a device's own racing refreshes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from homeledger.models import AuditLog, RefreshToken
from homeledger.models.types import utcnow
from homeledger.services import api_tokens
from tests.factories import make_user

LIFETIME = timedelta(days=30)
GRACE = timedelta(seconds=10)


def _race(session, token: str, *, grace: timedelta, racers: int = 6) -> list:
    """``racers`` threads refresh ``token`` at the same instant, each in its own session."""
    engine = session.get_bind()
    start = threading.Barrier(racers)
    outcomes: list = []

    def refresh() -> None:
        with Session(engine) as own:
            start.wait()
            try:
                issued = api_tokens.rotate(own, token, lifetime=LIFETIME, grace=grace)
                own.commit()
                outcomes.append(issued)
            except api_tokens.TokenRejected as rejected:
                own.commit()
                outcomes.append(rejected.code)

    threads = [threading.Thread(target=refresh) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _rotated_ago(session, token: str, seconds: float) -> None:
    """Pretend ``token`` was rotated ``seconds`` ago, so no test sleeps."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == api_tokens._hash(token))
        .values(used_at=utcnow() - timedelta(seconds=seconds))
    )
    session.commit()


def _audited(session, action: str) -> int:
    return session.scalar(select(func.count()).where(AuditLog.action == action))


def test_without_a_grace_window_of_racing_refreshes_exactly_one_wins(session):
    user = make_user(session, "alex")
    stolen = api_tokens.issue(session, user, device_name="phone", lifetime=LIFETIME)
    session.commit()

    outcomes = _race(session, stolen.token, grace=timedelta(0))

    winners = [o for o in outcomes if isinstance(o, api_tokens.IssuedRefreshToken)]
    assert len(winners) == 1
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["token_revoked"] * 5
    assert _audited(session, "auth.refresh_reuse") >= 1
    assert api_tokens.family_revoked(session, stolen.family_id)


def test_racing_refreshes_inside_the_window_all_get_a_working_pair_of_one_family(session):
    user = make_user(session, "alex")
    issued = api_tokens.issue(session, user, device_name="phone", lifetime=LIFETIME)
    session.commit()

    outcomes = _race(session, issued.token, grace=GRACE)

    assert all(isinstance(o, api_tokens.IssuedRefreshToken) for o in outcomes), outcomes
    assert {o.family_id for o in outcomes} == {issued.family_id}
    assert len({o.token for o in outcomes}) == 6
    assert not api_tokens.family_revoked(session, issued.family_id)
    assert _audited(session, "auth.refresh_reuse") == 0
    assert _audited(session, "auth.refresh_grace") == 5
    for racer in outcomes:  # whichever answer the app kept, it can refresh again
        again = api_tokens.rotate(session, racer.token, lifetime=LIFETIME, grace=GRACE)
        assert again.family_id == issued.family_id
    session.commit()
    stored = session.scalars(select(RefreshToken.token_hash)).all()
    assert all(len(digest) == 64 for digest in stored)  # only hashes, never the tokens
    assert not {o.token for o in outcomes} & set(stored)


def test_a_repeat_just_inside_the_window_gets_a_pair_and_the_successor_still_works(session):
    user = make_user(session, "alex")
    first = api_tokens.issue(session, user, device_name="phone", lifetime=LIFETIME)
    successor = api_tokens.rotate(session, first.token, lifetime=LIFETIME, grace=GRACE)
    session.commit()
    _rotated_ago(session, first.token, 9)

    repeat = api_tokens.rotate(session, first.token, lifetime=LIFETIME, grace=GRACE)
    session.commit()

    assert repeat.family_id == first.family_id and repeat.token != successor.token
    api_tokens.rotate(session, successor.token, lifetime=LIFETIME, grace=GRACE)
    api_tokens.rotate(session, repeat.token, lifetime=LIFETIME, grace=GRACE)
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "auth.refresh_grace")).one()
    assert (entry.actor_id, entry.outcome) == (user.id, "success")
    assert entry.extra_data["family"] == first.family_id
    assert 9 <= entry.extra_data["seconds_since_rotation"] < 10


@pytest.mark.parametrize("grace", [GRACE, timedelta(0)])
def test_a_replay_after_the_window_revokes_the_whole_family(session, grace):
    user = make_user(session, "alex")
    first = api_tokens.issue(session, user, device_name="phone", lifetime=LIFETIME)
    successor = api_tokens.rotate(session, first.token, lifetime=LIFETIME, grace=grace)
    session.commit()
    _rotated_ago(session, first.token, 11)

    with pytest.raises(api_tokens.TokenRejected) as replay:
        api_tokens.rotate(session, first.token, lifetime=LIFETIME, grace=grace)
    session.commit()

    assert replay.value.code == "token_revoked"
    assert api_tokens.family_revoked(session, first.family_id)
    with pytest.raises(api_tokens.TokenRejected) as latest:
        api_tokens.rotate(session, successor.token, lifetime=LIFETIME, grace=grace)
    assert latest.value.code == "token_revoked"
    assert _audited(session, "auth.refresh_reuse") == 1
    assert _audited(session, "auth.refresh_grace") == 0


def test_no_grace_for_a_token_of_a_signed_out_device(session):
    user = make_user(session, "alex")
    first = api_tokens.issue(session, user, device_name="phone", lifetime=LIFETIME)
    api_tokens.rotate(session, first.token, lifetime=LIFETIME, grace=GRACE)
    api_tokens.revoke_family(session, first.family_id)
    session.commit()

    with pytest.raises(api_tokens.TokenRejected) as rejected:
        api_tokens.rotate(session, first.token, lifetime=LIFETIME, grace=GRACE)
    assert rejected.value.code == "token_revoked"
