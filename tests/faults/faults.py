"""What the fault tests share: a snapshot of every row in the database, faults to inject
part-way through a service, and what an error answer must not show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from homeledger.models import Base

# What a stack trace or a leaked exception would put in a body.
LEAKS = (
    "Traceback",
    'File "',
    "OperationalError",
    "RuntimeError",
    "psycopg",
    "sqlite3",
    "sqlalchemy",
    "injected fault",
)


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table (every ledger's, the users', the audit log's), in a
    stable order: equal snapshots mean not one value changed."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(select(table))),
                key=repr,
            )
            for table in Base.metadata.sorted_tables
        }


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def database_fault() -> OperationalError:
    """What SQLAlchemy raises when the server goes away in the middle of a statement."""
    return OperationalError(
        "INSERT INTO ...", {}, Exception("server closed the connection unexpectedly")
    )


def fail_after(real: Callable, calls: int, fault: Callable[[], BaseException]) -> Callable:
    """``real``, which raises ``fault()`` right after its ``calls``-th call has done its work:
    what it wrote is flushed to the database when the failure comes."""
    done = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal done
        result = real(*args, **kwargs)
        done += 1
        if done == calls:
            raise fault()
        return result

    return wrapper


def bug() -> RuntimeError:
    return RuntimeError("injected fault")


def assert_no_leak(body: str) -> None:
    leaked = [word for word in LEAKS if word in body]
    assert leaked == [], f"the error answer shows {leaked}: {body[:500]}"
