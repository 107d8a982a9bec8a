"""`bulletin serve`, the live preview: it builds and serves the site, builds it again after a save, and keeps
the last good site (saying what is wrong) while a record has errors."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import BULLETIN, DEMO_TODAY

MEETING = "records/meetings/2026/MTG-2026-001-quality-objectives-2026.md"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _until(check, seconds: float = 90, what: str = ""):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def served(demo):
    proc = subprocess.Popen([BULLETIN, "serve", "--port", "0", "--today", DEMO_TODAY], cwd=demo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    out: queue.Queue = queue.Queue()
    err: list[str] = []
    threading.Thread(target=lambda: [out.put(line) for line in proc.stdout], daemon=True).start()
    threading.Thread(target=lambda: [err.append(line) for line in proc.stderr], daemon=True).start()
    try:
        url = None
        while url is None:
            line = out.get(timeout=180)
            url = line.strip() if line.startswith("http://127.0.0.1:") else None
        yield demo, url, err
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_rebuilds_after_a_save_and_keeps_the_last_good_site(served):
    repo, url, err = served
    meeting = repo / MEETING
    assert meeting.is_file()
    page = url + MEETING[len("records/"):-len(".md")] + "/"
    status, html = _get(page)
    assert status == 200 and "2026年质量目标分解会" in html
    version = _get(url + "__bulletin__/version")[1]

    meeting.write_text(meeting.read_text("utf-8") + "\n会后补充：预览标记 PREVIEW-MARK-1。\n", "utf-8")
    _until(lambda: "PREVIEW-MARK-1" in _get(page)[1], what="the saved record in the served page")
    assert _get(url + "__bulletin__/version")[1] != version, "open pages learn that a new site is in place"
    on_disk = (repo / "site" / MEETING[len("records/"):-len(".md")] / "index.html").read_text("utf-8")
    assert "PREVIEW-MARK-1" in on_disk and "__bulletin__" not in on_disk, "the reload script is only in what is sent"

    good = meeting.read_text("utf-8")
    meeting.write_text(good.replace("\ndate: ", "\ndate: 2026-13-45\nwas: ", 1)
                       .replace("PREVIEW-MARK-1", "PREVIEW-MARK-2"), "utf-8")
    _until(lambda: any(f"{MEETING}:" in line and ": error: " in line for line in err), what="the error message")
    assert "PREVIEW-MARK-1" in _get(page)[1], "a record with errors never replaces the site being served"

    meeting.write_text(good.replace("PREVIEW-MARK-1", "PREVIEW-MARK-3"), "utf-8")
    _until(lambda: "PREVIEW-MARK-3" in _get(page)[1], what="the fixed record")
    assert _get(url + "no/such/page/")[0] == 404
