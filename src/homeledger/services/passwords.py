"""Password hashing with argon2id; the cost comes from configuration."""

from __future__ import annotations

import functools
import gzip
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12

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


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None if it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 1024:
        return "must be at most 1024 characters"
    if not _encodable(password):
        return "contains characters that are not valid text"
    if _is_common(password):
        return "is too easy to guess: a common password or a simple pattern"
    return None
