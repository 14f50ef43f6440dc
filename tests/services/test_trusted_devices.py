"""Device tokens: signed, bound to a user and their password epoch, and they expire."""

from __future__ import annotations

import time
from datetime import timedelta

from homeledger.services import accounts, trusted_devices
from tests.factories import make_user

SECRET = "a test secret key that is long enough to sign with"
YEAR = timedelta(days=365)


def _read(token):
    return trusted_devices.read(SECRET, token, max_age=YEAR)


def test_a_token_vouches_for_its_user_only_until_their_password_changes(session):
    alex, sam = make_user(session, "alex"), make_user(session, "sam")
    device = _read(trusted_devices.mint(SECRET, alex))

    assert trusted_devices.vouches_for(session, device, "ALEX ")
    assert not trusted_devices.vouches_for(session, device, "sam")
    assert not trusted_devices.vouches_for(session, device, "nobody")
    accounts.set_password(session, alex, "a brand new passphrase")
    session.commit()
    assert not trusted_devices.vouches_for(session, device, "alex")
    assert not trusted_devices.vouches_for(
        session, _read(trusted_devices.mint(SECRET, sam)), "alex"
    )


def test_a_deactivated_user_is_not_vouched_for(session):
    alex = make_user(session, "alex")
    device = _read(trusted_devices.mint(SECRET, alex))
    alex.is_active = False
    session.commit()
    assert not trusted_devices.vouches_for(session, device, "alex")


def test_a_shared_computer_keeps_its_id_and_remembers_each_person(session):
    people = [make_user(session, f"person{n}") for n in range(10)]
    device = _read(trusted_devices.mint(SECRET, people[0]))
    first_id = device.device_id
    for person in people[1:]:
        device = _read(trusted_devices.mint(SECRET, person, previous=device))

    assert device.device_id == first_id
    remembered = {p.username for p in people if (p.id, p.session_epoch) in device.users}
    assert remembered == {f"person{n}" for n in range(2, 10)}  # the latest eight


def test_tokens_that_are_not_ours_or_too_old_name_no_device(session, monkeypatch):
    alex = make_user(session, "alex")
    token = trusted_devices.mint(SECRET, alex)
    for bad in (None, "", 42, ["x"], "x" * 5000, token + "x", token.replace(".", "!", 1)):
        assert _read(bad) is None
    assert trusted_devices.read("another secret, long enough too", token, max_age=YEAR) is None
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + YEAR.total_seconds() + 60)
    assert _read(token) is None
