"""Password hashing with argon2id (the cost comes from configuration) and the policy a new
password must meet."""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterable, Mapping
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn
from zxcvbn.matching import L33T_TABLE

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# zxcvbn's score (0-4) a new password must reach: 3 is "safely unguessable" online
# (at least 10^8 guesses), which is what a rate-limited sign-in faces.
MIN_STRENGTH_SCORE = 3
# zxcvbn's running time grows faster than the length (about a quarter of a second at
# 100 characters); the strength of a longer password is judged on its start.
STRENGTH_CHECKED_LENGTH = 100
# Words anyone guessing would try first for any account here.
SITE_WORDS = {"homeledger": "the name of this app"}

_hasher = PasswordHasher(type=Type.ID)


def configure(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Set the argon2id cost for this process (the factory calls it from config)."""
    global _hasher
    _hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verified against when the username is unknown, so a miss takes as long as a hit.
def dummy_verify(password: str) -> None:
    verify_password(_dummy_hash(), password)


_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    key = f"{_hasher.time_cost}:{_hasher.memory_cost}:{_hasher.parallelism}"
    if key not in _dummy:
        _dummy[key] = _hasher.hash("not-a-real-password")
    return _dummy[key]


@functools.cache
def common_passwords() -> frozenset[str]:
    """About 20,000 passwords that appear in breaches, shipped with the package."""
    raw = (resources.files("homeledger") / "data" / "common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(raw).decode().split())


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


def _is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in common_passwords():
        return True
    # "password2024!!" is still "password": strip what people add at the end.
    stem = lowered.rstrip("0123456789!@#$%^&*?.-_ ")
    if len(stem) < len(lowered) and stem in common_passwords():
        return True
    return len(set(lowered)) <= 2  # "aaaaaaaaaaaa", "abababababab"


def personal_words(
    username: str, *, display_name: str | None = None, email: str | None = None
) -> dict[str, str]:
    """The words a guesser who knows the account tries first, each with what it is."""
    words: dict[str, str] = {}
    for text, label in (
        (username, "your username"),
        (display_name, "your name"),
        (email.rpartition("@")[0] if email else None, "your email address"),
    ):
        if not text:
            continue
        text = " ".join(text.lower().split())
        parts = [p for p in re.split(r"[\s._+@-]+", text) if p]
        for word in (text, "".join(parts), *parts):
            if len(word) >= 3:
                words.setdefault(word, label)
    for word, label in SITE_WORDS.items():
        words.setdefault(word, label)
    return words


def _matched_words(matches: Iterable[dict]) -> Iterable[str]:
    """The user-input words zxcvbn found, also inside repeats ("alexalex")."""
    for match in matches:
        if match.get("dictionary_name") == "user_inputs":
            yield match["matched_word"]
        yield from _matched_words(match.get("base_matches", ()))


def _sentence(text: str) -> str:
    """zxcvbn's advice as a clause: 'This is a top-10 common password.' -> 'it is a ...'."""
    text = text.strip().rstrip(".").replace(". ", "; ")
    if text.startswith("This is "):
        text = "it is " + text[len("This is ") :]
    return text[:1].lower() + text[1:]


# zxcvbn tries every combination of "leetspeak" readings ("4" as "a", "|" as "i" or "l"...):
# its time grows exponentially with the number of distinct such characters (8 s for
# "!$%(+0123456789<@[{|" repeated). Judged on the start that holds at most this many.
MAX_LEET_CHARACTERS = 10
_LEET = frozenset(c for readings in L33T_TABLE.values() for c in readings)


def _checked_start(password: str) -> str:
    """The part of the password zxcvbn judges: at most STRENGTH_CHECKED_LENGTH characters,
    stopping before an eleventh distinct leetspeak character."""
    seen: set[str] = set()
    for index, char in enumerate(password[:STRENGTH_CHECKED_LENGTH]):
        if char in _LEET and char not in seen:
            if len(seen) == MAX_LEET_CHARACTERS:
                return password[:index]
            seen.add(char)
    return password[:STRENGTH_CHECKED_LENGTH]


def _guessability(password: str, words: Mapping[str, str]) -> str | None:
    """Why zxcvbn finds the password easy to guess, in words a person understands, or None."""
    checked = _checked_start(password)
    result = zxcvbn(checked, user_inputs=list(words), max_length=STRENGTH_CHECKED_LENGTH)
    if result["score"] >= MIN_STRENGTH_SCORE:
        return None
    for word in _matched_words(result["sequence"]):
        if word in words:
            return f"it contains {words[word]}"
    feedback = result["feedback"]
    if feedback["warning"]:
        return _sentence(feedback["warning"])
    if feedback["suggestions"]:
        return _sentence(feedback["suggestions"][0])
    return "add another word or two; uncommon words are better"


def password_problem(password: str, words: Mapping[str, str] | None = None) -> str | None:
    """Why a new password is not acceptable, or None if it is.

    ``words`` are the account's own (``personal_words``): a password built on the
    username, name or email is refused like any other predictable one.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if not _encodable(password):
        return "contains characters that are not valid text"
    if _is_common(password):
        return "is too easy to guess: a common password or a simple pattern"
    if reason := _guessability(password, words if words is not None else SITE_WORDS):
        return f"is too easy to guess: {reason}"
    return None
