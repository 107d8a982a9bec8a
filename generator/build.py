"""`bulletin build`: validate, build with MkDocs into a temporary folder, swap it into place on success."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_config

from . import incremental, prerender, stage2
from .resources import plugin_mkdocs_yml
from .validate import Result


def _remove_later(folder: Path) -> None:
    """The replaced site goes away in the background: at 10,000 pages, deleting it takes seconds."""
    try:
        nice = ["nice", "-n", "19"] if shutil.which("nice") else []   # yields to the next build
        subprocess.Popen([*nice, "rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


class _NotDirty(logging.Filter):
    """Our builds pass dirty=True only to skip unchanged pages in a fresh folder: not MkDocs' dirty mode."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build")


logging.getLogger("mkdocs.commands.build").addFilter(_NotDirty())


def default_mkdocs_yml() -> Path:
    """For a repository without its own mkdocs.yml: Bulletin's, with the plugin, as a file in the cache."""
    text = plugin_mkdocs_yml()
    path = stage2.cache_dir() / f"mkdocs-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}.yml"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    return path


def build(root: Path, result: Result, out: Path, *, audience: str, today: dt.date, strict: bool = False,
          jobs: int | None = None, incremental_ok: bool = True, progress=None) -> dict:
    """Build the site of already-validated records into `out`; the old `out` stays until the new one is whole."""
    root, out = Path(root).resolve(), Path(out).resolve()
    config_file = root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else default_mkdocs_yml()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        cfg = mkdocs_config(str(config_file), site_dir=str(tmp), strict=strict,
                            docs_dir=str(root / "records"))
        cfg["extra"]["bulletin"] = {**(cfg["extra"].get("bulletin") or {}), "audience": audience,
                                    "today": today.isoformat(), "jobs": jobs, "root": str(root)}
        prerender.PRELOADED[str(root)] = result
        manifest = incremental.load(out) if incremental_ok and out.is_dir() else None
        prerender.HANDOFF.update(manifest=manifest, previous=str(out), progress=progress)
        # dirty: MkDocs skips the files whose is_modified() the hook made False (unchanged pages,
        # linked from the previous output); in a fresh folder everything else is built as usual
        mkdocs_build(cfg, dirty=True)
        made = prerender.HANDOFF.pop("manifest_out", None)
        stats = {key: prerender.HANDOFF.get(key, 0) for key in ("reused", "pages", "generated_kept", "search_patched")}
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        prerender.PRELOADED.pop(str(root), None)
        raise
    finally:
        prerender.HANDOFF.clear()
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        out.rename(old / out.name)
    tmp.rename(out)
    if old:
        _remove_later(old)
    if made is not None:
        incremental.save(out, made)
    stage2.settle(root)
    return stats

