"""Proof of the engine seam: the demo built with ProperDocs 1.6.7 in place of MkDocs (docs/engine.md).

A separate virtual environment (.ci/engines/properdocs_venv.py) holds Bulletin's runtime dependencies at the
locked versions, without MkDocs, and ProperDocs 1.6.7, with the project installed editable (its entry points);
it is kept in pytest's cache folder, keyed by its lock and pyproject.toml. Both of ProperDocs' ways in are built
and compared, file by file, with the MkDocs build of the same records: plain `bulletin build` (generator/engine
loads ProperDocs' alias of the `mkdocs` module names when MkDocs is missing), also with --strict, and
ProperDocs' own `properdocs build`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, PROJECT, bulletin, copy_demo, run
from generator.build import MARKER

ENGINES = PROJECT / ".ci" / "engines"
GENERATOR_META = re.compile(rb'<meta name="generator" content="([^"]*)">')
sys.path.insert(0, str(ENGINES))
import properdocs_venv  # noqa: E402


@pytest.fixture(scope="module")
def engine(request) -> Path:
    """The ProperDocs environment's python, made once and then reused while the lock is the same."""
    return properdocs_venv.ensure(request.config.cache.mkdir("engine-properdocs") / "venv")


@pytest.fixture(scope="module")
def demo_and_mkdocs(tmp_path_factory) -> tuple[Path, Path]:
    """A fresh copy of the demo, and its site as `bulletin build` makes it with MkDocs (the project's venv)."""
    base = tmp_path_factory.mktemp("engine")
    repo = copy_demo(base / "repo")
    out = base / "site-mkdocs"
    r = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=repo)
    assert r.returncode == 0, r.stderr
    return repo, out


def files(site: Path) -> dict[str, bytes]:
    """Every file of a site by path, the <meta name="generator"> (engine and version) blanked; not the marker
    that `bulletin build` leaves in its output (build.MARKER), which no engine's own command writes."""
    return {p.relative_to(site).as_posix(): GENERATOR_META.sub(b'<meta name="generator" content="">', p.read_bytes())
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != MARKER}


def generator_of(site: Path) -> str:
    return GENERATOR_META.search((site / "index.html").read_bytes()).group(1).decode()


def main_text(site: Path, page: str) -> str:
    article = BeautifulSoup((site / page).read_text("utf-8"), "html.parser").select_one("article")
    return " ".join(article.get_text(" ").split())


def assert_same_site(built: Path, reference: Path) -> None:
    got, want = files(built), files(reference)
    assert sorted(got) == sorted(want), "file lists differ"
    differ = [path for path in want if got[path] != want[path]]
    assert differ == [], f"{len(differ)} files differ, e.g. {differ[:5]}"
    # not two empty sites: the board, every visible record page, and our own search index are there
    pages = [p for p in got if p.endswith("/index.html")]
    records = [p for p in pages if re.search(r"/[A-Z]+-\d{4}-\d{3}-[^/]+/index\.html$", p)]
    assert "index.html" in got and "search/manifest.json" in got and len(records) >= 90
    record = "capa/2026/CAPA-2026-001-thread-undersize/index.html"
    assert "CAPA-2026-001" in main_text(built, record) and main_text(built, record) == main_text(reference, record)
    assert main_text(built, "index.html") == main_text(reference, "index.html") != ""


def test_the_environment_has_properdocs_and_no_mkdocs(engine):
    """The builds below run ProperDocs: `mkdocs` is not installed; generator.engine loads ProperDocs' alias,
    which provides the name, and names the engine after it."""
    probe = ("import importlib.util as u, properdocs; print(properdocs.__version__, u.find_spec('mkdocs') is None); "
             "import generator.engine as e, mkdocs.commands.build as b; print(b.__name__, e.NAME, e.VERSION)")
    r = run([str(engine), "-c", probe], cwd=PROJECT)
    assert r.stdout.split() == ["1.6.7", "True", "properdocs.commands.build", "properdocs", "1.6.7"], r.stderr


def test_bulletin_build_with_properdocs_makes_the_mkdocs_site(engine, demo_and_mkdocs, tmp_path):
    """Plain `bulletin build` (the environment's command, no launcher): the same files, byte for byte, but the
    generator tag; the record pages are rendered by the plugin (header card, sections) as with MkDocs."""
    repo, reference = demo_and_mkdocs
    out = tmp_path / "site-properdocs"
    r = run([str(engine.parent / "bulletin"), "build", "--out", str(out), "--today", DEMO_TODAY], cwd=repo)
    assert r.returncode == 0, r.stderr
    assert generator_of(out).startswith("mkdocs-ProperDocs 1.6.7") and generator_of(reference).startswith("mkdocs-1.6")
    assert_same_site(out, reference)


def test_strict_build_with_properdocs_passes_as_with_mkdocs(engine, demo_and_mkdocs, tmp_path):
    """`bulletin build --strict` passes on both engines and logs no warning: our dirty=True (which only skips
    unchanged pages) is not MkDocs' dirty mode, whichever engine's logger says so."""
    repo, reference = demo_and_mkdocs
    shown = ("import logging, sys; logging.basicConfig(format='WARNING-SHOWN %(name)s: %(message)s', "
             "level=logging.WARNING); sys.argv[0] = 'bulletin'; from generator.cli import run; run()")
    for python, out in ((sys.executable, tmp_path / "mk"), (str(engine), tmp_path / "pd")):
        r = run([python, "-c", shown, "build", "--strict", "--out", str(out), "--today", DEMO_TODAY], cwd=repo)
        assert r.returncode == 0, r.stderr
        assert [line for line in r.stderr.splitlines() if "WARNING-SHOWN" in line] == []
        assert_same_site(out, reference)


def test_properdocs_own_command_builds_the_same_site(engine, demo_and_mkdocs, tmp_path):
    """`properdocs build` over mkdocs.yml with the hook (as `mkdocs build` works on any MkDocs project)."""
    repo, reference = demo_and_mkdocs
    config = (PROJECT / "mkdocs.yml").read_text("utf-8")
    assert "  - generator/hooks.py" in config and "    audience: all-staff" in config
    config = config.replace("  - generator/hooks.py", f"  - {PROJECT / 'generator' / 'hooks.py'}")
    config = config.replace("docs_dir: generator/site_docs", f"docs_dir: {PROJECT / 'generator' / 'site_docs'}")
    config = config.replace("    audience: all-staff", f"    audience: all-staff\n    today: '{DEMO_TODAY}'")
    (repo / "properdocs.yml").write_text(config, "utf-8")   # beside records/: the hook's root is its folder
    out = tmp_path / "site"
    r = run([str(engine), "-m", "properdocs", "build", "-f", str(repo / "properdocs.yml"), "-d", str(out)], cwd=repo)
    assert r.returncode == 0, r.stderr
    assert "Documentation built" in r.stderr
    assert_same_site(out, reference)
