#!/usr/bin/env python3
"""A virtual environment with ProperDocs in place of MkDocs, for the proof of the engine seam (docs/engine.md).

Bulletin's runtime dependencies at exactly the versions of requirements/runtime.lock (hashes checked), MkDocs
and its own helpers left out, ProperDocs added. Material for MkDocs declares `mkdocs<2,>=1.6`, so every
package is installed with --no-deps; `pip check` must then report nothing but that missing `mkdocs`.
The project is installed editable (no dependencies), so its `mkdocs.plugins` entry point (`plugins: [bulletin]`,
what a repository without its own mkdocs.yml builds with) is there and generator/ is the checkout's.

    python3 .ci/engines/properdocs_venv.py DEST    # prints DEST's python; reuses DEST while the lock is the same
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PROPERDOCS = ("properdocs==1.6.7 \\\n"
              "    --hash=sha256:6fa0cfa2e01bf338f684892c8a506cf70ea88ae7f3479c933b6fa20168101cbd")
# requirements/runtime.lock is what an installed Bulletin needs (setuptools and wheel included, to install the
# project itself); MkDocs' own packages leave, ProperDocs (which needs what MkDocs needed: click, ghp-import,
# jinja2, markdown, pathspec, watchdog …) takes their place.
WITHOUT = {"mkdocs", "mkdocs-get-deps", "mergedeep"}
EXPECTED_CHECK = re.compile(r"(mkdocs-material|bulletin) \S+ requires mkdocs, which is not installed\.")


def lock_text(project: Path = PROJECT) -> str:
    """requirements/runtime.lock's entries less MkDocs' own, then ProperDocs: one hashed pin per package."""
    text = (project / "requirements" / "runtime.lock").read_text("utf-8")
    entries = []
    for block in re.split(r"\n(?=[a-z0-9])", text):
        m = re.match(r"([a-z0-9_.-]+)==", block)
        if m and m.group(1) not in WITHOUT:
            entries.append(block.split("\n    # via")[0].rstrip(" \\\n"))
    return "\n".join([*entries, PROPERDOCS]) + "\n"


def ensure(dest: Path, project: Path = PROJECT) -> Path:
    """DEST's python, after creating DEST from the lock unless it already holds exactly that lock."""
    dest = Path(dest)
    python = dest / "bin" / "python"
    lock = lock_text(project)
    made_from = lock + (project / "pyproject.toml").read_text("utf-8")   # the project's entry points too
    stamp = dest / "installed.lock"
    if python.is_file() and stamp.is_file() and stamp.read_text("utf-8") == made_from:
        return python
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(dest)], check=True)
    (dest / "requirements.lock").write_text(lock, "utf-8")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--require-hashes", "--no-deps", "-r", str(dest / "requirements.lock")],
                   check=True)
    subprocess.run([*pip, "install", "--no-deps", "--no-build-isolation", "-e", str(project)], check=True)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    unexpected = [line for line in check.stdout.splitlines() if line.strip() and not EXPECTED_CHECK.fullmatch(line)]
    if unexpected:
        raise SystemExit("pip check, beyond the missing mkdocs:\n" + "\n".join(unexpected))
    stamp.write_text(made_from, "utf-8")   # last: a half-made environment is made again next time
    return python


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(ensure(Path(sys.argv[1]).resolve()))
