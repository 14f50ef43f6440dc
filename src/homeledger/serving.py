"""What gunicorn.conf.py hands gunicorn: a worker's reset after the fork, and the access log.

gunicorn builds the app once (``preload_app``) and forks the workers from that process, so
the workers share its memory and start in milliseconds. Anything holding a connection
must not be shared that way: one socket used by two processes mixes their conversations.
SQLAlchemy's answer ("Using Connection Pools with Multiprocessing or os.fork()") is an
empty pool in each child, ``engine.dispose(close=False)``: the parent's connections are
forgotten here, not closed (closing them would end the parent's sessions too).

Nothing else needs resetting. Building the app opens no connection (a test checks), the
rate limits' Redis client (redis-py) notices the new process id and opens its own
connections, and in-memory rate limits are per process anyway (hence ``REDIS_URL``).
"""

from __future__ import annotations

import re

from flask import Flask
from gunicorn.glogging import Logger

# An invite's secret is in its URL; it must not land in a log.
_INVITE_TOKEN = re.compile(r"^(/invite/)[^/]+")


def after_fork(app: object) -> None:
    """In a new worker: drop the pooled connections inherited from the parent, unclosed."""
    if not isinstance(app, Flask):
        return
    from homeledger.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


class AccessLog(Logger):
    """gunicorn's logger with the path of an invite link cut short in the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _INVITE_TOKEN.sub(r"\1…", atoms.get("U") or "")
        return atoms
