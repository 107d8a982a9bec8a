"""`bulletin build`: validate, build with MkDocs into a temporary folder, swap it into place on success."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_config
from mkdocs.exceptions import MkDocsException

from . import prerender
from .config import Config
from .validate import Result

PROJECT_MKDOCS = Path(__file__).resolve().parent.parent / "mkdocs.yml"


def build(root: Path, result: Result, out: Path, *, audience: str, today: dt.date, strict: bool = False,
          jobs: int | None = None) -> None:
    """Build the site of already-validated records into `out`; the old `out` stays until the new one is whole."""
    root, out = Path(root).resolve(), Path(out).resolve()
    config_file = root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else PROJECT_MKDOCS
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        cfg = mkdocs_config(str(config_file), site_dir=str(tmp), strict=strict,
                            docs_dir=str(root / "records"))
        cfg.config_file_path = str(root / "mkdocs.yml")
        cfg["extra"]["bulletin"] = {**(cfg["extra"].get("bulletin") or {}), "audience": audience,
                                    "today": today.isoformat(), "jobs": jobs}
        prerender.PRELOADED[str(root)] = result
        mkdocs_build(cfg)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        prerender.PRELOADED.pop(str(root), None)
        raise
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    tmp.rename(out)
    if old:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["build", "MkDocsException", "Config"]
