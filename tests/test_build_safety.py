"""Nothing lost, nothing leaked: `bulletin build` and `bulletin serve` replace only a folder that is missing,
empty or a previous output; anything else is refused (exit 2) and left byte for byte as it was. A mkdocs.yml
without Bulletin publishes no record, neither through `bulletin build` nor through a plain `mkdocs build`."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BULLETIN, DEMO_TODAY, PROJECT, bulletin, copy_demo, git, run
from generator.validate import load_repository

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def tree_state(folder: Path) -> str:
    """Every path under the folder (dot files and .git included), its type, mode and bytes."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        h.update(f"{p.relative_to(folder).as_posix()}\0{st.st_mode}\0".encode())
        if stat.S_ISREG(st.st_mode):
            h.update(hashlib.sha256(p.read_bytes()).digest())
        elif stat.S_ISLNK(st.st_mode):
            h.update(os.readlink(p).encode())
    return h.hexdigest()


def _serve(repo: Path, out: str) -> subprocess.CompletedProcess:
    """`bulletin serve` with this --out: a refused folder ends it at once (a served one would not end)."""
    try:
        return subprocess.run([BULLETIN, "serve", "--port", "0", "--lang", "en", "--out", out, "--today", DEMO_TODAY],
                              cwd=repo, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    except subprocess.TimeoutExpired:
        raise AssertionError(f"bulletin serve --out {out} was not refused: it served") from None


def _docs_tracked(repo: Path) -> str:
    (repo / "docs").mkdir()
    (repo / "docs/procedure.md").write_text("# 文件控制程序\n", "utf-8")
    git("add", "docs", cwd=repo)
    git("commit", "-qm", "hand-written docs", cwd=repo)
    return "docs"


def _untracked(repo: Path) -> str:
    (repo / "notes").mkdir()
    (repo / "notes/draft.txt").write_text("未提交的草稿\n", "utf-8")
    return "notes"


def _committed_output(repo: Path) -> str:
    """A site that an earlier build made, then committed (e.g. for a Pages branch): Git tracks its files."""
    assert bulletin("build", "--out", "public", "--today", DEMO_TODAY, cwd=repo).returncode == 0
    git("add", "-f", "public", cwd=repo)
    git("commit", "-qm", "the built site", cwd=repo)
    return "public"


REFUSED = {
    "repository root": (lambda repo: ".", "is the repository"),
    "a parent of the root": (lambda repo: "..", "is the repository"),
    "records/": (lambda repo: "records", "inside records/"),
    "a folder inside records/": (lambda repo: "records/capa/site", "inside records/"),
    "site_config/": (lambda repo: "site_config", "inside site_config/"),
    "docs/ with tracked files": (_docs_tracked, "tracked by Git"),
    "untracked files not made by Bulletin": (_untracked, "neither empty nor made by bulletin build"),
    "a previous output committed to Git": (_committed_output, "tracked by Git"),
}


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize("case", list(REFUSED))
def test_a_folder_that_is_not_a_previous_output_is_refused_and_left_intact(tmp_path, case, command):
    repo = copy_demo(tmp_path / "area" / "repo")
    make, says = REFUSED[case]
    out = make(repo)
    before = tree_state(tmp_path / "area")
    if command == "build":
        result = bulletin("build", "--lang", "en", "--out", out, "--today", DEMO_TODAY, cwd=repo)
    else:
        result = _serve(repo, out)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"bulletin {command}: refusing to build into" in result.stderr and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_state(tmp_path / "area") == before, "the folder, the repository and .git are untouched"


@pytest.mark.parametrize("state", ["missing", "empty", "previous output"])
def test_a_missing_empty_or_previous_output_is_replaced(demo, state):
    from generator.build import MARKER

    out = demo / "site"
    if state == "empty":
        out.mkdir()
    elif state == "previous output":
        assert bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=demo).returncode == 0
        (out / "left-over.html").write_text("from the previous build's time", "utf-8")
    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "index.html").is_file() and not (out / "left-over.html").exists()
    assert (out / MARKER).is_file(), "the next build may replace what this one made"
    (out / "left-over.html").write_text("added by hand", "utf-8")
    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "left-over.html").exists()
    assert git("status", "--porcelain", "--", "records", "site_config", cwd=demo) == ""


def _temporary(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".site."))


def test_the_folder_of_a_killed_build_is_removed_by_the_next(demo):
    stale = []
    for _ in range(5):      # kill it while it builds (a build that finished first is simply tried again)
        proc = subprocess.Popen([BULLETIN, "build", "--out", "site", "--today", DEMO_TODAY], cwd=demo,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        while proc.poll() is None and not any(n.startswith(".site.new-") for n in _temporary(demo)):
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stale = [n for n in _temporary(demo) if n.startswith(".site.new-")]
        if stale:
            break
    assert stale, "a build was killed while it built"

    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(n.startswith(".site.new-") for n in _temporary(demo)), _temporary(demo)
    assert (demo / "site/index.html").is_file()


@pytest.mark.parametrize("left", [[], [".bulletin-site.new"], [".bulletin-site"]])
def test_a_folder_left_at_any_moment_of_marking_is_removed_by_the_next_build(demo, left):
    """A build killed between making its folder and renaming the marker into it leaves the folder empty, or
    holding only the marker being written, or marked: each is the killed build's and goes."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = demo / f".site.new-{dead.pid}-0badc0de"
    stale.mkdir()
    for name in left:
        (stale / name).write_text("Made by `bulletin build`", "utf-8")
    result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=demo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not stale.exists()


def test_the_built_sites_folders_are_world_readable(demo):
    mask = os.umask(0o022)     # the usual umask: a web server running as another user reads the site
    try:
        result = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=demo)
    finally:
        os.umask(mask)
    assert result.returncode == 0, result.stdout + result.stderr
    folders = [demo / "site", *(p for p in (demo / "site").rglob("*") if p.is_dir())]
    closed = [f"{p.relative_to(demo)} {stat.filemode(p.stat().st_mode)}" for p in folders
              if p.stat().st_mode & 0o005 != 0o005]
    assert closed == []


# --- mkdocs.yml without Bulletin ------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    """A repository as the project ships it: mkdocs.yml, the generator it names, templates, docs, records."""
    repo = copy_demo(tmp_path / "repo")
    shutil.copy(PROJECT / "mkdocs.yml", repo / "mkdocs.yml")
    for name in ("generator", "templates", "docs"):
        shutil.copytree(PROJECT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "the project files", cwd=repo)
    return repo


WITHOUT_BULLETIN = {
    "hooks lines removed": lambda text: text.replace("hooks:\n  - generator/hooks.py\n", ""),
    "hooks emptied": lambda text: text.replace("hooks:\n  - generator/hooks.py\n", "hooks: []\n"),
    "another hook only": lambda text: text.replace("  - generator/hooks.py\n", "  - tools/hooks.py\n"),
}


def _published_records(site: Path, repo: Path) -> list[str]:
    """Record IDs and titles of the repository found in any file of the built site."""
    records = load_repository(repo).records
    names = {r.id for r in records} | {r.title for r in records if len(r.title) > 3}
    text = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in site.rglob("*") if p.is_file())
    return sorted(name for name in names if name in text)


@pytest.mark.parametrize("edit", list(WITHOUT_BULLETIN))
def test_without_bulletin_in_mkdocs_yml_no_record_is_published(project, edit):
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "hooks:\n  - generator/hooks.py\n" in text
    config.write_text(WITHOUT_BULLETIN[edit](text), "utf-8")
    if edit == "another hook only":
        (project / "tools").mkdir()
        (project / "tools/hooks.py").write_text("def on_config(config):\n    return config\n", "utf-8")

    result = bulletin("validate", "--lang", "en", cwd=project)
    assert result.returncode == 1
    problem = result.stdout.splitlines()[0]
    assert problem.startswith("mkdocs.yml:") and ": error: " in problem and "generator/hooks.py" in problem, problem

    result = bulletin("build", "--lang", "en", "--out", "site", "--today", DEMO_TODAY, cwd=project)
    assert result.returncode != 0
    assert "mkdocs.yml" in result.stderr and "generator/hooks.py" in result.stderr, result.stderr
    assert not (project / "site").exists()

    result = run([MKDOCS, "build", "-d", "plain"], cwd=project)
    site = project / "plain"
    assert not site.exists() or _published_records(site, project) == [], result.stdout + result.stderr
    assert not site.exists() or not list(site.rglob("*.md"))
    assert load_repository(project).records, "the repository has records to leak"


def test_validate_names_the_mkdocs_yml_line_to_fix(project):
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("docs_dir: generator/site_docs\n", "docs_dir: records\n"), "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=project)
    assert result.returncode == 0      # a v1 mkdocs.yml stays valid: a warning says what to change
    line = next(i for i, row in enumerate(config.read_text("utf-8").splitlines(), 1) if row.startswith("docs_dir:"))
    assert result.stdout.splitlines()[0].startswith(f"mkdocs.yml:{line}: warning: docs_dir: records lets MkDocs read")
    assert "docs_dir: docs" in result.stdout

    # a plugin named bulletin (a later release) is Bulletin too
    config.write_text(text.replace("hooks:\n  - generator/hooks.py\n", "").replace("plugins: []", "plugins:\n  - bulletin"),
                      "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=project)
    assert result.returncode == 0, result.stdout


def test_a_hook_that_is_not_bulletins_publishes_nothing(project):
    """mkdocs.yml names a generator/hooks.py, but not Bulletin's: the build sees its hook never ran."""
    stub = project / "vendor/generator/hooks.py"
    stub.parent.mkdir(parents=True)
    stub.write_text("def on_config(config):\n    return config\n", "utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("  - generator/hooks.py\n", "  - vendor/generator/hooks.py\n"),
                      "utf-8")
    result = bulletin("build", "--lang", "en", "--out", "site", "--today", DEMO_TODAY, cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "bulletin build: mkdocs.yml does not name Bulletin" in result.stderr, result.stderr
    assert not (project / "site").exists()
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site.")], "no temporary folder is left"


def test_a_v1_mkdocs_yml_with_docs_dir_records_still_builds_the_same_site(project, tmp_path):
    """v1 shipped `docs_dir: records`: such a repository stays valid (a warning) and its site is the same."""
    (project / "site").mkdir()
    assert bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=project).returncode == 0
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("docs_dir: generator/site_docs\n", "docs_dir: records\n"),
                      "utf-8")
    result = bulletin("build", "--out", str(tmp_path / "v1-site"), "--today", DEMO_TODAY, cwd=project)
    assert result.returncode == 0, result.stderr
    pages = lambda folder: sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))  # noqa: E731
    assert pages(tmp_path / "v1-site") == pages(project / "site")
    assert _published_records(tmp_path / "v1-site", project) == _published_records(project / "site", project)
