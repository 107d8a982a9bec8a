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
    earlier = len(err)        # a save caught half-written may have printed errors already
    meeting.write_text(good.replace("\ndate: ", "\ndate: 2026-13-45\nwas: ", 1)
                       .replace("PREVIEW-MARK-1", "PREVIEW-MARK-2"), "utf-8")
    _until(lambda: any(f"{MEETING}:" in line and "2026-13-45" in line for line in err[earlier:]),
           what="the error message")
    assert "PREVIEW-MARK-1" in _get(page)[1], "a record with errors never replaces the site being served"

    meeting.write_text(good.replace("PREVIEW-MARK-1", "PREVIEW-MARK-3"), "utf-8")
    _until(lambda: "PREVIEW-MARK-3" in _get(page)[1], what="the fixed record")
    assert _get(url + "no/such/page/")[0] == 404


# --- the serve loop, in this process: what open pages learn, and saves that land during a build -------------

def _serving(repo: Path, build_once):
    """serve() in a thread; returns (its URL, a function that stops it)."""
    from generator.serve import serve

    said: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(repo, repo / "site"), daemon=True,
                              kwargs=dict(build_once=build_once, port=0, interval=0.05, say=said.put, stop=stop))
    thread.start()

    def end():
        stop.set()
        thread.join(timeout=120)

    return said.get(timeout=300), end


def test_open_pages_learn_of_a_new_site_the_moment_it_is_in_place(demo):
    """The version that open pages poll changes with the swap, not when the build's bookkeeping after it
    (the manifest, the caches) is done: a page that shows the new site never meets the old version."""
    from generator.cli import main

    swapped, release = threading.Event(), threading.Event()
    builds = []

    def build_once():
        code = main(["build", "--root", str(demo), "--out", str(demo / "site"), "--today", DEMO_TODAY])
        builds.append(code)
        if len(builds) > 1:         # after the swap, the rest of a slow build: held until the page is read
            swapped.set()
            release.wait(timeout=300)
        return code == 0

    url, end = _serving(demo, build_once)
    try:
        page = url + MEETING[len("records/"):-len(".md")] + "/"
        version = _get(url + "__bulletin__/version")[1]
        meeting = demo / MEETING
        meeting.write_text(meeting.read_text("utf-8") + "\n会后补充：SWAP-MARK。\n", "utf-8")
        assert swapped.wait(timeout=300), "the save was built"
        assert "SWAP-MARK" in _get(page)[1]
        assert _get(url + "__bulletin__/version")[1] != version, "open pages reload to the new site"
    finally:
        release.set()
        end()
    assert builds[:2] == [0, 0]


def test_a_save_during_a_build_that_keeps_size_and_time_is_built_too(demo):
    """Two saves within one tick of the file system's clock, of the same size: the second lands while the
    first is being built and leaves the file's stat as it was. The preview still ends with the last save."""
    meeting = demo / MEETING
    first = meeting.read_text("utf-8") + "\n补充：SAVE-1。\n"
    second = first.replace("SAVE-1", "SAVE-2")
    tick = time.time_ns() + 3600 * 10**9      # the tick both saves fall in (set explicitly, never waited for)
    building, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def build_once():                  # what a build reads of the record
        text = meeting.read_text("utf-8")
        seen.append(text)
        if "SAVE-1" in text and not building.is_set():
            building.set()
            release.wait(timeout=300)
        return True

    url, end = _serving(demo, build_once)
    try:
        fresh = meeting.with_name(".saving")
        fresh.write_text(first, "utf-8")
        os.utime(fresh, ns=(tick, tick))
        os.replace(fresh, meeting)                        # saved whole, at the tick
        assert building.wait(timeout=300), "the first save was built"
        with open(meeting, "r+b") as f:                   # the second save, in place, as long, same tick
            f.write(second.encode("utf-8"))
        os.utime(meeting, ns=(tick, tick))
        release.set()
        _until(lambda: seen[-1] == second, seconds=120, what="a build of the second save")
    finally:
        release.set()
        end()
