"""What the fault tests share: a snapshot of every row in the database, faults to inject
part-way through a service, and what an error answer must not show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Row, select
from sqlalchemy.exc import OperationalError

from homeledger import row_security
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


def snapshot(engine: Engine) -> dict[str, list[Row]]:
    """Every row of every table (every ledger's, the users', the audit log's), in a
    stable order: equal snapshots mean not one value changed."""
    with engine.connect() as connection, row_security.all_ledgers(connection):
        return {
            table.name: list(connection.execute(select(table).order_by(*table.primary_key.columns)))
            for table in Base.metadata.sorted_tables
        }


def changed_tables(before: dict[str, list[Row]], after: dict[str, list[Row]]) -> list[str]:
    """The tables whose rows differ. ``before`` must see more than one ledger's
    transactions: a snapshot through a connection confined to one ledger (row-level
    security) would miss what a fault left in another."""
    ledgers = {row._mapping["user_id"] for row in before["transactions"]}
    assert len(ledgers) > 1, "the snapshot does not see every ledger"
    return [name for name in before if before[name] != after[name]]


def database_fault() -> OperationalError:
    """What SQLAlchemy raises when the server goes away in the middle of a statement."""
    return OperationalError(
        "INSERT INTO ...", {}, Exception("server closed the connection unexpectedly")
    )


def fail_after(
    real: Callable,
    fault: Callable[[], BaseException],
    when: Callable[..., bool] = lambda *args, **kwargs: True,
) -> Callable:
    """``real``, raising ``fault()`` right after the first call for which ``when(*args)``
    holds has done its work: what that call wrote is flushed when the failure comes.
    ``wrapper.results`` holds what each call returned, so a test can see it wrote."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        wrapper.results.append(result)
        if when(*args, **kwargs):
            raise fault()
        return result

    wrapper.results = []
    return wrapper


def bug() -> RuntimeError:
    return RuntimeError("injected fault")


def assert_clear_error(response, fault: Callable[[], BaseException]) -> None:
    """The answer a person gets: 503 (the database went away) or 500 (a bug), each saying
    nothing was changed, as JSON under /api/ and a page elsewhere; no trace of the cause."""
    body = response.get_data(as_text=True)
    assert_no_leak(body)
    status = 503 if fault is database_fault else 500
    assert response.status_code == status, body[:500]
    if response.is_json:
        error = response.get_json()["error"]
        assert error["code"] == ("service_unavailable" if status == 503 else "internal_error")
        assert "Nothing was changed" in error["message"]
    else:
        assert "text/html" in response.content_type
        assert "Nothing was changed" in body


def assert_no_leak(body: str) -> None:
    leaked = [word for word in LEAKS if word in body]
    assert leaked == [], f"the error answer shows {leaked}: {body[:500]}"
