#!/usr/bin/env python3
"""The Zensical trial behind docs/engine.md, repeatable: the demo's mkdocs.yml and records given to Zensical.

    python3 .ci/engines/zensical_trial.py DEST      # a venv and a copy of the demo under DEST; prints what it saw

Not a test (Zensical cannot build Bulletin's site: docs/engine.md says why); it records what Zensical does
with `hooks:`, `plugins:`, the audience filter, search and a third-party Markdown extension. Zensical 0.1.3
requires zensical-ui==0.0.43 (its theme); where that package cannot be installed (it was not on the package
index reachable when this was written), a stand-in `zensical_ui` that returns Material for MkDocs 9.8.2's
templates is used, with `theme.variant: classic` (Material's icon set), and the output says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
ZENSICAL = "zensical==0.1.3"
DEPS = ["click==8.5.1", "jinja2==3.1.6", "markdown==3.11.3", "markupsafe==3.0.4", "pathspec==1.1.1",
        "pygments==2.21.0", "pymdown-extensions==13.1.2", "pyyaml==6.0.4", "tomli==2.5.0"]
STAND_IN = '''"""STAND-IN for zensical-ui (not installable here): Material for MkDocs 9.8.2's templates."""
import importlib.util
import os


def get_theme_dir() -> str:
    return os.path.dirname(importlib.util.find_spec("material.templates").origin)
'''
PROBE = '''"""Probe: a third-party Python-Markdown extension; logs each page Zensical renders through it."""
from markdown import Extension
from markdown.postprocessors import Postprocessor
from zensical.extensions.context import ContextPreprocessor


class Post(Postprocessor):
    def run(self, text):
        ctx = ContextPreprocessor.from_markdown(self.md)
        with open(__file__ + ".log", "a", encoding="utf-8") as fh:
            fh.write(f"{ctx.page.path if ctx else None}\\t{sorted((ctx.page.meta or {}) if ctx else {})}\\n")
        return text + '\\n<p class="zx-probe">probe</p>'


class ProbeExtension(Extension):
    def extendMarkdown(self, md):
        md.postprocessors.register(Post(md), "zx_probe", 0)


def makeExtension(**kwargs):
    return ProbeExtension(**kwargs)
'''


def sh(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def venv(dest: Path) -> tuple[Path, bool]:
    """DEST/venv's python, and whether the stand-in theme is in use."""
    python = dest / "venv" / "bin" / "python"
    if not python.exists():
        sh(sys.executable, "-m", "venv", dest / "venv", check=True)
    pip = [python, "-m", "pip", "--disable-pip-version-check", "--quiet", "install"]
    if sh(*pip, ZENSICAL).returncode == 0:
        return python, False
    sh(*pip, "--no-deps", ZENSICAL, "mkdocs-material==9.8.2", check=True)
    sh(*pip, *DEPS, check=True)
    site = Path(sh(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "zensical_ui").mkdir(exist_ok=True)
    (site / "zensical_ui" / "__init__.py").write_text(STAND_IN, "utf-8")
    return python, True


def main(dest: Path) -> None:
    python, stand_in = venv(dest)
    print("zensical", sh(python, "-m", "zensical", "--version").stdout.strip(),
          "(theme: STAND-IN, Material 9.8.2's templates)" if stand_in else "(theme: zensical-ui)")
    demo = dest / "demo"
    shutil.rmtree(demo, ignore_errors=True)
    for name in ("records", "site_config"):
        shutil.copytree(PROJECT / name, demo / name)
    (demo / "probe").mkdir()
    (demo / "probe" / "zx_probe.py").write_text(PROBE, "utf-8")
    config = (PROJECT / "mkdocs.yml").read_text("utf-8")
    config = config.replace("  - generator/hooks.py", f"  - {PROJECT / 'generator' / 'hooks.py'}")
    (demo / "mkdocs.yml").write_text(config, "utf-8")
    classic = config.replace("  font: false", "  font: false\n  variant: classic") if stand_in else config
    (demo / "classic.yml").write_text(classic, "utf-8")
    tried = classic.replace("markdown_extensions:\n", "markdown_extensions:\n  - zx_probe\n")
    tried = tried.replace("plugins: []", "plugins:\n  - bulletin\n  - search:\n      enabled: false")
    (demo / "tried.yml").write_text(tried, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(demo / "probe")}
    for name in ("mkdocs.yml", "classic.yml", "tried.yml"):
        shutil.rmtree(demo / "site", ignore_errors=True)
        r = sh(python, "-m", "zensical", "build", "--clean", "-f", name, cwd=demo, env=env)
        last = [line for line in (r.stdout + r.stderr).splitlines() if line and not line.startswith(" ")][-3:]
        print(f"\n$ zensical build --clean -f {name}: exit {r.returncode}", *last, sep="\n  ")
        if r.returncode == 0:
            report(demo)


def report(demo: Path) -> None:
    site = demo / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    restricted = [p for p in (demo / "records").rglob("*.md")
                  if re.search(r"^visibility:\s*(management|restricted)", p.read_text("utf-8"), re.M)]
    published = [p.stem for p in restricted if any(p.stem in page for page in pages)]
    search = json.loads((site / "search.json").read_text("utf-8")) if (site / "search.json").is_file() else None
    entries = search.get("items", []) if isinstance(search, dict) else []
    log = demo / "probe" / "zx_probe.py.log"
    calls = log.read_text("utf-8").splitlines() if log.is_file() else []
    log.unlink(missing_ok=True)
    print(f"  pages: {len(pages)}; the board (index.html) made by the hook: {'index.html' in pages}; "
          f"people/ pages: {sum(p.startswith('people/') for p in pages)}")
    print(f"  records marked management/restricted: {len(restricted)}; published anyway: {published}")
    print(f"  Zensical's search.json: {search is not None}, {len(entries)} entries, restricted records in it: "
          f"{sorted({s for s in published for e in entries if s in e.get('location', '')})}")
    print(f"  probe extension: {len(calls)} calls over {len({c.split(chr(9))[0] for c in calls})} pages"
          + (f"; e.g. {calls[0][:120]}" if calls else ""))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]).resolve())
