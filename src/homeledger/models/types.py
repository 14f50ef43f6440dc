"""Column types: exact money and UTC-aware timestamps, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import operator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class Money(TypeDecorator):
    """A signed amount stored as integer cents in a BIGINT.

    SQLite has no decimal type (``Numeric`` becomes a float there, and ``SUM``
    over floats drifts), so every amount is kept as whole minor units and
    handed to Python as ``Decimal`` with two places. Sums in SQL are integer
    sums and therefore exact on both databases. An amount with more than two
    decimal places is refused rather than silently rounded.
    """

    impl = BigInteger
    cache_ok = True

    class Comparator(TypeDecorator.Comparator, BigInteger.Comparator):
        """Keep SQL arithmetic in money: cents + cents and cents * n are still cents."""

        def _adapt_expression(self, op, other_comparator):
            other = other_comparator.type
            if op in (operator.add, operator.sub) and isinstance(other, Money):
                return op, self.type
            if op is operator.mul and isinstance(other, Integer):
                return op, self.type
            return super()._adapt_expression(op, other_comparator)

    comparator_factory = Comparator

    def coerce_compared_value(self, op, value):
        """How a Python literal beside a money column is bound.

        ``amount + Decimal("1.50")`` binds 150 cents; ``amount * 3`` must bind
        3, not 300. Division would truncate integer cents, so it is refused:
        divide in Python, where ``Decimal`` is exact.
        """
        if op is operator.mul and isinstance(value, int) and not isinstance(value, bool):
            return Integer()
        if op in (operator.mul, operator.truediv, operator.floordiv, operator.mod):
            raise TypeError("money can only be multiplied by a whole number in SQL")
        return self

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return to_cents(value)

    def process_literal_param(self, value, dialect):
        return str(self.process_bind_param(value, dialect))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # SUM(bigint) comes back as numeric (Decimal) on PostgreSQL, int on SQLite.
        return (Decimal(value) * CENT).quantize(CENT)

    @property
    def python_type(self):
        return Decimal


def to_cents(value: Decimal | int | str) -> int:
    """Exact conversion of an amount to integer cents; floats are refused."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount {value} has more than two decimal places")
    return int(cents)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the value
    is stored as naive UTC and made aware again on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
