"""Bulletin's own files: templates, the default MkDocs configuration, the runtime lock.

In a checkout they are the repository's top-level `templates/`, `mkdocs.yml` and `requirements/`, the source
of truth. A wheel carries copies of them in `generator/_shipped/` (setup.py puts them there), so an installed
`bulletin` builds any records repository. A records repository's own `templates/` override these file by file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "_shipped"
_TOP = SHIPPED if SHIPPED.is_dir() else PACKAGE.parent

TEMPLATES = _TOP / "templates"
MKDOCS_YML = _TOP / "mkdocs.yml"
RUNTIME_LOCK = _TOP / "requirements" / "runtime.lock"


def template_dirs(root: Path | None, kind: str) -> list[Path]:
    """Where templates of one kind (`new`, `site`, `init`) are looked up: the repository's first, then ours."""
    own = [Path(root) / "templates" / kind] if root is not None else []
    return [d for d in own if d.is_dir() and d.resolve() != (TEMPLATES / kind).resolve()] + [TEMPLATES / kind]


def bulletin_mkdocs_yml(docs_dir: str, *, plugin: bool) -> str:
    """Bulletin's mkdocs.yml with `docs_dir` (a folder without records) in place of generator/site_docs, a
    path only a checkout has, and Bulletin named where that path cannot work: as the `bulletin` plugin (what
    `bulletin init` writes: the company installs the wheel), or as this package's hook file by its absolute
    path (what `bulletin build` uses for a repository without its own mkdocs.yml: works however Bulletin
    was installed, entry points or not)."""
    text = MKDOCS_YML.read_text("utf-8")
    text = re.sub(r"^docs_dir:[^\n]*$", lambda _: f"docs_dir: {json.dumps(docs_dir)}", text, count=1, flags=re.M)
    if not plugin:
        hook = json.dumps(str(PACKAGE / "hooks.py"))
        return re.sub(r"^(hooks:\n[ \t]+- )[^\n]*$", lambda m: m.group(1) + hook, text, count=1, flags=re.M)
    text = re.sub(r"^hooks:\n(?:[ \t]+-[^\n]*\n)+", "", text, flags=re.M)
    text, n = re.subn(r"^plugins:[^\n]*\n(?:[ \t]+-[^\n]*\n)*", "plugins:\n  - bulletin\n", text, count=1, flags=re.M)
    return text if n else text + "plugins:\n  - bulletin\n"
