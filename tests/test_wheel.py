"""Bulletin as a company installs it: the wheel built from this repository's files, installed into a fresh
venv outside it (not editable), `bulletin init`, records from `bulletin new`, a validated and built site
with the demo's kinds of pages, and `mkdocs build` through `plugins: [bulletin]`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_TODAY, PROJECT, git, run
from sitecheck import check_site

TODAY = "2026-11-30"
NEW = {  # type -> the options a secretary gives `bulletin new`
    "meeting": ["--department", "QA", "--person", "ligong", "--kind", "department"],
    "notice": ["--department", "QA", "--person", "ligong", "--category", "announcement"],
    "capa": ["--department", "QA", "--person", "ligong"],
    "report": ["--department", "QA", "--person", "ligong", "--kind", "monthly"],
}


def tracked_copy(dest: Path) -> Path:
    """The repository's tracked (and new, not ignored) files: what a clone would hold, nothing built."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = PROJECT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel of this checkout and the runtime lock: its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = tracked_copy(work / "source")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work / "dist"),
         str(source)], cwd=work, check=True)
    wheel, = (work / "dist").glob("bulletin-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=work, check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run([*pip, "--require-hashes", "--no-deps", "-r", str(PROJECT / "requirements" / "runtime.lock")],
        cwd=work, check=True)
    run([*pip, "--no-deps", str(wheel)], cwd=work, check=True)
    return venv / "bin"


def tool(bin_dir: Path, name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A command of the fresh venv, run as a user would, far from this checkout."""
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": ""}
    return run([str(bin_dir / name), *args], cwd=cwd, env=env)


def test_the_wheel_carries_templates_configuration_and_lock_and_imports_nothing_from_the_checkout(installed):
    code = "import generator, generator.resources as r; print(generator.__file__); print(r.TEMPLATES)"
    out = tool(installed, "python", "-c", code, cwd=installed).stdout.split()
    assert str(installed.parent) in out[0] and str(PROJECT) not in out[0]
    templates = Path(out[1])
    for rel in ("new/capa.md.j2", "site/board.html", "init/README.md.j2"):
        assert (templates / rel).read_bytes() == (PROJECT / "templates" / rel).read_bytes(), rel
    assert (templates.parent / "mkdocs.yml").read_bytes() == (PROJECT / "mkdocs.yml").read_bytes()


def test_init_new_validate_build_and_mkdocs_with_the_plugin(installed, tmp_path):
    repo = tmp_path / "hengrui-records"
    made = tool(installed, "bulletin", "init", str(repo), "--company", "恒锐汽车零部件", "--today", TODAY,
                cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "site_config/" in made.stdout and made.stderr == ""
    # what a company repository needs, in its own language
    for rel in ("site_config/site.yml", "site_config/people.yml", "site_config/departments.yml", "mkdocs.yml",
                ".github/workflows/records.yml", ".gitea/workflows/records.yml", ".gitlab-ci.yml",
                ".pre-commit-config.yaml", ".github/CODEOWNERS", ".gitignore", "README.md", "requirements.txt"):
        assert (repo / rel).is_file(), rel
    assert "记录" in (repo / "README.md").read_text("utf-8")
    people = yaml.safe_load((repo / "site_config/people.yml").read_text("utf-8"))
    assert any("gm" in p.get("roles", []) for p in people)
    assert "# " in (repo / "site_config/people.yml").read_text("utf-8").splitlines()[0]
    config = (repo / "mkdocs.yml").read_text("utf-8")
    assert "\nplugins:\n  - bulletin\n" in config and "hooks:" not in config
    # Bulletin pinned by hash: the wheel itself, copied into the repository
    requirements = (repo / "requirements.txt").read_text("utf-8")
    vendored, = (repo / "vendor").glob("bulletin-*.whl")
    assert f"./vendor/{vendored.name} \\\n    --hash=sha256:" in requirements
    assert "\nbulletin==" not in requirements and "pyyaml==" in requirements
    git("init", "-q", "-b", "main", cwd=repo)

    written = {}
    for rtype, options in NEW.items():
        proc = tool(installed, "bulletin", "new", rtype, "--title", f"第一份 {rtype}", "--today", TODAY,
                    *options, cwd=repo)
        assert proc.returncode == 0, proc.stderr
        written[rtype] = proc.stdout.strip()
        assert (repo / written[rtype]).is_file()
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "first records", cwd=repo)
    checked = tool(installed, "bulletin", "validate", cwd=repo)
    assert checked.returncode == 0, checked.stdout
    assert "4" in checked.stdout.splitlines()[-1]

    built = tool(installed, "bulletin", "build", "--out", "site", "--today", TODAY, cwd=repo)
    assert built.returncode == 0, built.stderr
    site = repo / "site"
    for path in written.values():
        rid = Path(path).name.split("-")[0:3]
        assert list(site.rglob(f"{'-'.join(rid)}*/index.html")), path
    assert check_site(site) == []

    mkdocs = tool(installed, "mkdocs", "build", "-q", "-d", str(tmp_path / "mkdocs-site"), cwd=repo)
    assert mkdocs.returncode == 0, mkdocs.stderr
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")) == sorted(
        p.relative_to(tmp_path / "mkdocs-site").as_posix() for p in (tmp_path / "mkdocs-site").rglob("index.html"))


def test_the_installed_tool_builds_the_demo_with_the_same_kinds_of_pages(installed, tmp_path):
    """The demo company, built by the wheel: every kind of page of the checkout's build (its top folders and
    files) is there; only the records differ in number."""
    demo = tmp_path / "demo"
    for name in ("records", "site_config"):
        shutil.copytree(PROJECT / name, demo / name)
    git("init", "-q", "-b", "main", cwd=demo)
    git("add", "-A", cwd=demo)
    git("commit", "-qm", "demo", cwd=demo)
    by_wheel = tool(installed, "bulletin", "build", "--out", "site", "--today", DEMO_TODAY, cwd=demo)
    assert by_wheel.returncode == 0, by_wheel.stderr
    by_checkout = run([str(Path(sys.executable).parent / "bulletin"), "build", "--out", "site2", "--today",
                       DEMO_TODAY], cwd=demo)
    assert by_checkout.returncode == 0, by_checkout.stderr
    files = lambda folder: sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")  # noqa: E731
                                  if p.is_file() and not p.name.startswith(".bulletin"))
    assert files(demo / "site") == files(demo / "site2")
    index = json.loads((demo / "site" / "records.json").read_text("utf-8"))
    assert len(index) == len(json.loads((demo / "site2" / "records.json").read_text("utf-8"))) > 50


def test_init_refuses_a_folder_that_is_not_empty(installed, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", "utf-8")
    proc = tool(installed, "bulletin", "init", str(tmp_path / "taken"), "--company", "X", cwd=tmp_path)
    assert proc.returncode == 2
    assert "taken" in proc.stderr and "空文件夹" in proc.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_the_wheel_is_the_one_pip_recorded(installed):
    """init pins the wheel pip installed from (direct_url.json), so a company's CI installs the same bytes."""
    code = "from generator.init import installed_wheel; print(installed_wheel())"
    found = Path(tool(installed, "python", "-c", code, cwd=installed).stdout.strip())
    assert found.suffix == ".whl" and zipfile.is_zipfile(found)
