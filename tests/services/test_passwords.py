"""The password policy: long enough, not a known password, and not predictable (zxcvbn)."""

from __future__ import annotations

import secrets

import pytest

from homeledger.services import accounts, passwords
from homeledger.services.errors import ValidationError
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("123456789012", "it is similar to a commonly used password"),
        ("abcabcabcabc", 'repeats like "abcabcabc" are only slightly harder to guess'),
        ("passwordpassword", 'repeats like "abcabcabc"'),
        ("zaq1zaq1zaq1", 'repeats like "abcabcabc"'),
    ],
)
def test_predictable_passwords_are_refused_saying_why(weak, reason):
    problem = passwords.password_problem(weak)
    assert problem is not None and problem.startswith("is too easy to guess: ")
    assert reason in problem


@pytest.mark.parametrize(
    ("username", "weak"),
    [
        ("alex", "alexalex2024!"),  # also a known password with digits added
        ("robin", "robinrobin2024"),
        ("kowalczyk", "kowalczyk1985!"),  # only the username makes this one guessable
    ],
)
def test_a_password_built_on_the_username_is_refused(session, username, weak):
    user = make_user(session, username)
    with pytest.raises(ValidationError) as excinfo:
        accounts.set_password(session, user, weak)
    assert excinfo.value.fields["password"].startswith("is too easy to guess")
    with pytest.raises(ValidationError) as excinfo:
        accounts.create_user(session, f"{username}2", weak.replace(username, f"{username}2"))
    assert excinfo.value.fields["password"].startswith("is too easy to guess")


def test_the_reason_names_the_username_name_or_email_it_was_built_on(session):
    cases = [
        ({}, "kowalczyk1985!", "it contains your username"),
        ({"display_name": "Marta Kowalczyk"}, "martakowalczyk85", "it contains your name"),
        ({"email": "mkowalczyk@example.com"}, "mkowalczyk1985", "it contains your email address"),
    ]
    for n, (details, weak, reason) in enumerate(cases):
        username = "kowalczyk" if not details else f"user{n}"
        with pytest.raises(ValidationError) as excinfo:
            accounts.create_user(session, username, weak, **details)
        assert excinfo.value.fields["password"] == f"is too easy to guess: {reason}"


def test_the_apps_own_name_is_a_predictable_word():
    problem = passwords.password_problem("homeledger2024!")
    assert problem == "is too easy to guess: it contains the name of this app"


@pytest.mark.parametrize(
    "good",
    [
        DEFAULT_PASSWORD,
        "a brand new passphrase",
        "walnut tractor violin meadow",
        "Tr0mbone-Gravel-Kettle",
        "kowalczyk1985!",  # someone else's name is not this user's
    ],
)
def test_good_passphrases_are_accepted(good):
    assert passwords.password_problem(good, passwords.personal_words("alex")) is None


def test_generated_passwords_always_pass():
    for _ in range(300):
        generated = accounts.generate_password()
        assert passwords.password_problem(generated, passwords.personal_words("admin")) is None


def test_a_1024_character_password_is_judged_on_its_start():
    """Uncapped, zxcvbn raises on long input or takes minutes; its start decides."""
    words = "walnut tractor violin meadow "
    long_strong = (words + secrets.token_urlsafe(800))[:1024]
    long_repeat = ("zaq1" * 300)[:1024]
    assert passwords.password_problem(long_strong) is None
    assert passwords.password_problem(long_repeat).startswith("is too easy to guess")


def test_a_password_of_many_leetspeak_characters_is_judged_on_a_short_start():
    """Every distinct character zxcvbn reads as a letter doubles its work: this one took
    8 s of CPU and passed. Its start, up to the tenth such character, is what is judged."""
    symbols = ("!$%(+0123456789<@[{|" * 6)[:100]
    assert passwords.password_problem(symbols).startswith("is too easy to guess")
    assert passwords.password_problem("x7$Kp(9@Lq{2]vT!e%Zu8") is None  # a manager's password
