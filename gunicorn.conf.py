"""gunicorn settings for Homeledger in production, from the environment.

    gunicorn -c gunicorn.conf.py homeledger.wsgi:app

(gunicorn also reads ./gunicorn.conf.py by itself when started in this folder.)

Environment variables, all optional:

    HOMELEDGER_WORKERS           worker processes; default WEB_CONCURRENCY when set, else
                                 the cores this process may run on, at least 2
    HOMELEDGER_THREADS           threads per worker (default 4); more than 1 uses gunicorn's
                                 gthread worker. Also each worker's database pool_size.
    HOMELEDGER_BIND              where to listen, comma-separated (default 127.0.0.1:8000,
                                 or 0.0.0.0:$PORT when PORT is set, as platforms expect)
    HOMELEDGER_TIMEOUT           seconds before a silent worker is restarted (default 120)
    HOMELEDGER_GRACEFUL_TIMEOUT  seconds a stopping worker may finish its requests (60)
    HOMELEDGER_KEEPALIVE         seconds an idle keep-alive connection stays open (5)

The database pool of each worker (read by homeledger.config.engine_options_for):

    HOMELEDGER_POOL_MAX_OVERFLOW connections beyond pool_size, for a moment (default 2)
    HOMELEDGER_POOL_TIMEOUT      seconds a request waits for a connection, then 503 (10)
    HOMELEDGER_POOL_RECYCLE      seconds before a connection is replaced; 0 never (300)
    HOMELEDGER_POOL_PRE_PING     1: test a connection before use (default), 0: don't
    HOMELEDGER_PGBOUNCER         1: behind PgBouncer in transaction mode, so no server-side
                                 prepared statements (default 0)

So at most WORKERS x (THREADS + MAX_OVERFLOW) connections to the database. A value that
is not a whole number (or is 0 where that makes no sense) stops the start with one line
naming the variable.
"""

import gc
import os

# Python's advice for a process that forks without exec (the gc module's freeze()): no
# collection while the app is built (a tenth of its CPU time goes to collections that
# find nothing), then everything built frozen out of later collections, so a worker's
# collector never writes to the pages it shares with the others. See when_ready below.
gc.disable()

from homeledger.config import ConfigError, engine_options_for, threads_from_env  # noqa: E402
from homeledger.config import whole_number_from_env as _number  # noqa: E402


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _bind() -> list[str]:
    given = os.environ.get("HOMELEDGER_BIND", "").strip()
    if given:
        return [address.strip() for address in given.split(",") if address.strip()]
    if os.environ.get("PORT", "").strip():
        return [f"0.0.0.0:{_number('PORT', 8000)}"]
    return ["127.0.0.1:8000"]


try:
    workers = _number("HOMELEDGER_WORKERS", _number("WEB_CONCURRENCY", max(2, _cores())))
    threads = threads_from_env()
    bind = _bind()
    # Requests run in threads (gthread), where `timeout` is how long a worker's main loop
    # may stay silent, not how long one request may take. With HOMELEDGER_THREADS=1
    # (the sync worker) it is the longest a request may take, so it is sized for the
    # largest import: a file is at most 10 MiB (MAX_IMPORT_BYTES; the web allows 20 MiB
    # a request), and a CSV row is at least some 20 bytes (a date, an amount, a payee),
    # so at most about 525,000 rows, 26 s at the 20,000 rows/s the bulk import reaches.
    # Four times that covers a 2-core machine with another worker busy. The largest
    # upload of all, an export brought back (100 MB, about 250,000 rows), is 13 s at
    # that rate.
    timeout = _number("HOMELEDGER_TIMEOUT", 120)
    # A deploy lets running requests finish, an import included (26 s at worst), and still
    # stops before systemd's 90 s default (TimeoutStopSec) would kill the server.
    graceful_timeout = _number("HOMELEDGER_GRACEFUL_TIMEOUT", 60)
    # Behind a load balancer that reuses connections, set it above the balancer's idle
    # timeout (AWS ALB: 60 s, so 65), or the balancer sends on a closed connection (502).
    keepalive = _number("HOMELEDGER_KEEPALIVE", 5)
    engine_options_for("postgresql://", threads=threads)  # the pool's variables, checked now
except ConfigError as error:
    raise SystemExit(f"gunicorn.conf.py: {error}") from None

worker_class = "gthread" if threads > 1 else "sync"
# Build the app once, then fork: workers share its memory and are ready at once.
preload_app = True

accesslog = "-"  # stdout
errorlog = "-"  # stderr
# Time taken (ms) and the worker's pid; the path without its query (search words stay out).
access_log_format = '%(h)s %(t)s %(p)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = "homeledger.serving.AccessLog"
# gunicorn 25+'s control socket has one path per user, which two servers on one machine
# would share; off (older versions ignore the setting).
control_socket_disable = True


def when_ready(server):
    """The app is built and the workers are about to be forked from this process."""
    gc.freeze()
    gc.enable()


def post_fork(server, worker):
    """Each worker starts with a database pool of its own (see homeledger.serving)."""
    from homeledger.serving import after_fork

    if server.cfg.preload_app:
        after_fork(server.app.wsgi())
