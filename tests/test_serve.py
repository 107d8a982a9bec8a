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
from bs4 import BeautifulSoup

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
    built = repo / "site" / MEETING[len("records/"):-len(".md")] / "index.html"
    on_disk = built.read_text("utf-8")
    assert "PREVIEW-MARK-1" in on_disk and "__bulletin__" not in on_disk, "the reload script is only in what is sent"

    good = meeting.read_text("utf-8")
    earlier = len(err)        # a save caught half-written may have printed errors already
    meeting.write_text(good.replace("\ndate: ", "\ndate: 2026-13-45\nwas: ", 1)
                       .replace("PREVIEW-MARK-1", "PREVIEW-MARK-2"), "utf-8")
    _until(lambda: any(f"{MEETING}:" in line and "2026-13-45" in line for line in err[earlier:]),
           what="the error message")
    assert built.read_text("utf-8") == on_disk, "a record with errors never replaces the built site"

    meeting.write_text(good.replace("PREVIEW-MARK-1", "PREVIEW-MARK-3"), "utf-8")
    _until(lambda: "PREVIEW-MARK-3" in _get(page)[1], what="the fixed record")
    assert _get(url + "no/such/page/")[0] == 404


def _errors_shown(url: str) -> list[tuple[str, str]] | None:
    """(where, message) of each error on the page served at url, or None when it is not the page of errors."""
    status, text = _get(url)
    soup = BeautifulSoup(text, "html.parser")
    if soup.find(id="bulletin-errors") is None:
        return None
    return [((li.find("code") or soup.new_tag("code")).get_text(), li.find(class_="message").get_text())
            for li in soup.select("ol.errors li")]


def test_errors_are_served_where_the_writer_looks_until_fixed(served):
    """While a save has errors, every page the browser loads lists them (file:line, message, in the site's
    language, escaped), the output folder keeps the last good site, and a fix brings the site back."""
    repo, url, err = served
    meeting = repo / MEETING
    page = url + MEETING[len("records/"):-len(".md")] + "/"
    built = repo / "site" / MEETING[len("records/"):-len(".md")] / "index.html"
    assert _errors_shown(page) is None and "2026年质量目标分解会" in _get(page)[1]
    last_good = {p.relative_to(repo / "site"): p.read_bytes() for p in (repo / "site").rglob("*.html")}
    version = _get(url + "__bulletin__/version")[1]

    good = meeting.read_text("utf-8")
    broken = good.replace("\ndate: ", "\ndate: 2026-13-45<i>x</i>\nwas: ", 1)
    meeting.write_text(broken, "utf-8")
    line = broken.splitlines().index("date: 2026-13-45<i>x</i>") + 1
    errors = _until(lambda: _errors_shown(page), what="the page of errors")
    assert _get(page)[0] == 500
    assert (f"{MEETING}:{line}", f"date 应为日期，格式 YYYY-MM-DD（如 2026-03-15），这里是 2026-13-45<i>x</i>") in errors
    assert (f"{MEETING}:{line + 1}", "未知字段 was") in errors
    assert "<i>x</i>" not in _get(page)[1], "what a record says is escaped"
    assert "__bulletin__/version" in _get(page)[1], "the page of errors reloads by itself"
    for other in (url, url + "capa/", url + "no/such/page/"):
        assert _errors_shown(other) == errors, other
    assert _get(url + "__bulletin__/version")[1] != version, "open pages reload to show the errors"
    assert {p.relative_to(repo / "site"): p.read_bytes() for p in (repo / "site").rglob("*.html")} == last_good

    meeting.write_text(good + "\n会后补充：FIXED-MARK。\n", "utf-8")
    _until(lambda: "FIXED-MARK" in _get(page)[1], what="the site again, once the record is fixed")
    assert _errors_shown(page) is None and _errors_shown(url) is None
    assert _get(page)[0] == 200 and "FIXED-MARK" in built.read_text("utf-8")


# --- the serve loop, in this process: what open pages learn, and saves that land during a build -------------

def _serving(repo: Path, build_once):
    """serve() in a thread; returns (its URL, a function that stops it)."""
    from generator.serve import serve

    said: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(repo, repo / "site"), daemon=True,
                              kwargs=dict(build_once=build_once, port=0, debounce=0.05, say=said.put, stop=stop))
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


def test_saves_by_renaming_over_a_file_and_folders_made_while_serving_are_built(demo):
    """Editors that save by writing a new file and renaming it over the old one (gedit, JetBrains' safe write)
    replace mkdocs.yml each time; templates/ (the company's own templates) may be made while the preview
    runs. Every such save is built, the third rename as the first, and files in the new folder after it."""
    config, template = demo / "mkdocs.yml", demo / "templates" / "site" / "extra.md"
    seen: list[tuple[str, str]] = []

    def build_once():                  # what a build reads of the two files
        seen.append(tuple(p.read_text("utf-8") if p.is_file() else "" for p in (config, template)))
        return True

    def save(path: Path, text: str) -> None:
        fresh = path.with_name(".saving")
        fresh.write_text(text, "utf-8")
        os.replace(fresh, path)

    url, end = _serving(demo, build_once)
    try:
        for n in range(1, 4):
            save(config, f"site_name: SAVE-{n}\n")
            _until(lambda: seen[-1][0] == f"site_name: SAVE-{n}\n", seconds=120, what=f"a build of rename {n}")
        template.parent.mkdir(parents=True)
        template.write_text("TEMPLATE-1\n", "utf-8")
        _until(lambda: seen[-1][1] == "TEMPLATE-1\n", seconds=120, what="a build of the new folder's file")
        template.write_text("TEMPLATE-2\n", "utf-8")
        _until(lambda: seen[-1][1] == "TEMPLATE-2\n", seconds=120, what="a build of a save in the new folder")
    finally:
        end()


def test_a_port_in_use_is_explained_in_the_readers_language(tmp_path):
    """A preview on a port another program holds: exit 2, what happened and what to try, in Chinese by default."""
    import shutil
    import socket

    from conftest import bulletin
    from test_cases import BASE

    repo = Path(shutil.copytree(BASE, tmp_path / "repo"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = bulletin("serve", "--port", str(taken.getsockname()[1]), "--today", "2026-11-30", cwd=repo)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "端口可能已被占用" in result.stderr and "--port 8001" in result.stderr, result.stderr
