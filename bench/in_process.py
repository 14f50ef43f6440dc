"""The app in the benchmark's own process, configured as the served one is (production
settings, the app's role): for what a request costs in SQL statements, counted at the
engine (``before_cursor_execute``), and the statements themselves, to replay.

Statements are counted once per page with Flask's test client; row_security's
``set_config`` statement (one per transaction) is told apart from the data's.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench_databases import signed_in_client
from sqlalchemy import event

from homeledger import create_app, row_security
from homeledger.config import config_from_env
from homeledger.extensions import db


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Counted:
    status: int
    statements: int
    settings: int  # of which row_security's set_config
    captured: list[tuple[str, object]] = field(default_factory=list)

    @property
    def data(self) -> int:
        return self.statements - self.settings


class InProcess:
    """The configured app, signed in as ``username`` on the web and the API."""

    def __init__(self, env: dict[str, str], username: str) -> None:
        with environment(env):
            self.app = create_app(config_from_env())
        with self.app.app_context():
            self.engine = db.engine
        self._seen: list[tuple[str, object]] = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        self.client, self.bearer = signed_in_client(self.app, username)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._seen.append((statement, parameters))

    def request(self, method: str, url: str, json=None) -> Counted:
        self._seen = []
        headers = self.bearer if url.startswith("/api/") else {}
        answer = self.client.open(url, method=method, headers=headers, json=json)
        answer.get_data()  # a streamed download runs its queries as it is read
        answer.close()
        seen = self._seen
        settings = sum(1 for sql, _ in seen if row_security.is_settings_statement(sql))
        return Counted(answer.status_code, len(seen), settings, seen)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)
        self.engine.dispose()
