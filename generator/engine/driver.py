"""`bulletin build`'s one call into the engine: load mkdocs.yml with the temporary site_dir, hand the
validated records and options to Bulletin's plugin instance, build, and take back what it made."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_config

from . import NAME, private
from .plugin import Job, find


class _NotDirty(logging.Filter):
    """Our builds pass dirty=True only to skip unchanged pages in a fresh folder: not MkDocs' dirty mode."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build")


logging.getLogger(f"{NAME}.commands.build").addFilter(_NotDirty())


def build(config_file: Path, site_dir: Path, *, strict: bool = False, **job) -> Job | None:
    """Build the site of the job (plugin.Job's fields) into `site_dir` as `config_file` says; the job with
    its results, or None when that configuration leaves Bulletin out (no record would be published)."""
    job = Job(**job)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger(NAME).setLevel(logging.WARNING)
    cfg = mkdocs_config(str(config_file), site_dir=str(site_dir), strict=strict)
    plugin = find(cfg)
    if plugin is None:
        return None
    plugin.expect(job)
    try:
        # dirty: MkDocs skips the files whose is_modified() the plugin made False (unchanged pages,
        # linked from the previous output); in a fresh folder everything else is built as usual
        with private.one_build_date(), private.theme_listing():
            mkdocs_build(cfg, dirty=True)
    finally:
        plugin.job = plugin.state = None
    return job if job.made is not None else None
