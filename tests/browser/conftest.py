"""Browser fixtures: the demo site built once per session, served by a real HTTP server on 127.0.0.1,
and Debian's Chromium driven by Playwright (sync API). Every request that leaves 127.0.0.1 is aborted
and counted; a test whose pages asked for one fails, as does a page that throws a JavaScript error.

Chromium missing is a failure, never a skip: the message names the command that installs it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import sitecheck

CHROMIUM = "/usr/bin/chromium"
INSTALL = "run: apt-get install -y chromium fonts-noto-cjk"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DESKTOP = (1280, 900)
PHONE = (375, 740)
TIMEOUT_MS = 15_000
ALL_BUILDS = [("all-staff", None), ("management", None), ("all-staff", "en")]


# ------------------------------------------------------------------ HTTP server

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class Server:
    """A folder served over HTTP on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(self.folder)))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The built all-staff demo site (read only: copy it to change it). The management and English
    builds the other tests need start beside it, in the background."""
    sitecheck.start_builds(tmp_path_factory, *ALL_BUILDS)
    return sitecheck.demo_site(tmp_path_factory)


@pytest.fixture(scope="session")
def management_dir(tmp_path_factory) -> Path:
    return sitecheck.demo_site(tmp_path_factory, "management")


@pytest.fixture(scope="session")
def english_dir(tmp_path_factory) -> Path:
    """The demo built with site_config/site.yml `language: en`."""
    return sitecheck.demo_site(tmp_path_factory, language="en")


@pytest.fixture(scope="session")
def site(site_dir):
    """Base URL of the all-staff build, ending in /."""
    with Server(site_dir) as server:
        yield server.url


@pytest.fixture(scope="session")
def management_site(management_dir):
    with Server(management_dir) as server:
        yield server.url


@pytest.fixture(scope="session")
def english_site(english_dir):
    with Server(english_dir) as server:
        yield server.url


@pytest.fixture
def serve():
    """serve(folder) -> base URL, for a site a test has built or changed; stopped after the test."""
    servers = []

    def _serve(folder) -> str:
        servers.append(Server(folder).__enter__())
        return servers[-1].url

    yield _serve
    for s in servers:
        s.__exit__(None, None, None)


# ------------------------------------------------------------------ browser

def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return "Noto Sans CJK" in out or "Noto Serif CJK" in out


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; {INSTALL}", pytrace=False)
    if not _has_cjk_font():
        pytest.fail(f"no CJK font (Chinese would render as boxes); {INSTALL}", pytrace=False)
    from playwright.sync_api import Error, sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    except Error as exc:
        pw.stop()
        pytest.fail(f"Chromium did not start ({exc}); {INSTALL}", pytrace=False)
    yield b
    b.close()
    pw.stop()


@dataclass
class Guard:
    """What a browser context did that it should not: requests leaving 127.0.0.1 (aborted), JavaScript
    errors, and local responses with an error status (a missing script, style, image or data file)."""
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.blocked.clear()
        self.errors.clear()
        self.failed.clear()

    def check(self, expect_blocked: bool = False) -> None:
        if not expect_blocked:
            assert self.blocked == [], f"{len(self.blocked)} request(s) left 127.0.0.1: {self.blocked}"
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.failed == [], f"error responses: {self.failed}"


def guarded_page(browser, width: int, height: int):
    """A new context and page whose requests outside 127.0.0.1 are aborted and counted in the Guard."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    guard = Guard()

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            guard.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: guard.errors.append(str(exc)))
    page.on("response", lambda resp: resp.status >= 400 and guard.failed.append(f"{resp.status} {resp.url}"))
    return context, page, guard


@pytest.fixture
def open_page(browser):
    """open_page(width, height, expect_blocked=False) -> (page, guard): a fresh context and page. After the
    test, every page opened must have asked for nothing outside 127.0.0.1 (unless expect_blocked), thrown
    no JavaScript error and got no error response."""
    opened = []

    def _open(width: int = DESKTOP[0], height: int = DESKTOP[1], expect_blocked: bool = False):
        context, page, guard = guarded_page(browser, width, height)
        opened.append((context, guard, expect_blocked))
        return page, guard

    yield _open
    try:    # checked before the pages close: a late request (the favicon) cut off by the close is not theirs
        for _, guard, expect_blocked in opened:
            guard.check(expect_blocked)
    finally:
        for context, _, _ in opened:
            context.close()


@pytest.fixture(scope="session")
def _tabs(browser):
    """One guarded page per viewport, shared by the tests that use `page` (a new page costs ~0.4 s)."""
    tabs: dict = {}
    yield tabs
    for context, _, _ in tabs.values():
        context.close()


@pytest.fixture
def viewport() -> tuple[int, int]:
    """(width, height) of `page`; parametrize `viewport` to change it."""
    return DESKTOP


@pytest.fixture
def page(_tabs, browser, viewport):
    """A guarded page at `viewport` (desktop unless parametrized): after the test it must have asked for
    nothing outside 127.0.0.1, thrown no JavaScript error and got no error response."""
    tab = _tabs.get(viewport)
    if tab is None or tab[1].is_closed():
        tab = _tabs[viewport] = guarded_page(browser, *viewport)
    _, p, guard = tab
    guard.reset()
    yield p
    p.goto("about:blank")   # events of this test's page arrive now, not in the next test
    guard.check()
