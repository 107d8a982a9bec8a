"""Shared fixtures: real repositories in tmp_path and the real `bulletin` command."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# caches of the tests' throwaway repositories go to one throwaway folder, not ~/.cache, removed at the end
if "BULLETIN_CACHE_DIR" not in os.environ:
    os.environ["BULLETIN_CACHE_DIR"] = tempfile.mkdtemp(prefix="bulletin-test-cache-")
    atexit.register(shutil.rmtree, os.environ["BULLETIN_CACHE_DIR"], ignore_errors=True)

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
CORPUS = SHARED / "real-corpus" / "out"
BULLETIN = str(Path(sys.executable).parent / "bulletin")
DEMO_TODAY = "2026-11-24"


def run(args: list[str], cwd: Path, check: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a real command; text in and out, never raises unless check."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=check, env=full_env, timeout=600)


def bulletin(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed `bulletin` console command, as a user runs it."""
    return run([BULLETIN, *args], cwd=cwd, env=env)


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write each relative path's text under `root` (UTF-8), making folders as needed."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")


def build_site(repo: Path, out: str, today: str, *args: str) -> Path:
    """`bulletin build --out OUT --today TODAY ARGS` in `repo`, which must succeed; the site's folder."""
    result = bulletin("build", "--out", out, "--today", today, *args, cwd=repo)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return repo / out


def git(*args: str, cwd: Path) -> str:
    return run(["git", "-c", "user.name=Test User", "-c", "user.email=test@example.com", *args],
               cwd=cwd, check=True).stdout


def copy_demo(dest: Path) -> Path:
    """A copy of the demo company (records/ and site_config/) as a fresh Git repository."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("records", "site_config"):
        shutil.copytree(PROJECT / name, dest / name)
    git("init", "-q", "-b", "main", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-qm", "demo records", cwd=dest)
    return dest


@pytest.fixture
def demo(tmp_path) -> Path:
    return copy_demo(tmp_path / "repo")


def pytest_terminal_summary(terminalreporter):
    """Say in CI's log that the browser tests ran (in Chromium), not only that everything passed."""
    stats = terminalreporter.stats
    browser = {kind: sum(1 for r in stats.get(kind, []) if getattr(r, "when", "call") == "call"
                         and "tests/browser/" in getattr(r, "nodeid", ""))
               for kind in ("passed", "failed", "skipped")}
    if any(browser.values()):
        terminalreporter.write_line(
            f"browser tests in Chromium: {browser['passed']} passed, {browser['failed']} failed, "
            f"{browser['skipped']} skipped")
