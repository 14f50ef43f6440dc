"""The browser the page tests drive: Debian's Chromium through Playwright for Python.

Playwright's own browser download is not used. Without Chromium the tests are skipped,
except under CI, where that is a failure.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from homeledger.extensions import db

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` on a live server on 127.0.0.1 (a free port) while the block runs: its base
    URL. Afterwards the server stops and the app's database connections are given back."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class Tab:
    """One browser tab: notes script and console errors and a page wider than the screen
    in ``problems`` (each named ``who``'s, when given)."""

    def __init__(self, page, base: str, width: int, who: str = "") -> None:
        self.page, self.base, self.width, self.problems = page, base, width, []
        said = f"{who}: " if who else ""
        page.on("pageerror", lambda e: self.problems.append(f"{said}script error: {e}"))
        page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"{said}console: {m.text}"),
        )

    def at(self, path: str) -> None:
        """The tab is on ``path`` (the query string aside), and it fits the screen."""
        self.page.wait_for_load_state()
        assert self.page.url.split("?")[0] == self.base + path, self.page.url
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        if wide > self.width:
            self.problems.append(f"{path}: {wide} px wide on a {self.width} px screen")

    def press(self, name: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()
