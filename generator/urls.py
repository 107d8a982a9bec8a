"""Where a page lives on the site: its source path inside docs_dir, its directory URL, relative links."""

from __future__ import annotations

import posixpath

from .records import RECORDS_DIR, Record


def src_of(record: Record) -> str:
    """The page's path inside docs_dir (records/)."""
    return record.path[len(RECORDS_DIR) + 1:]


def review_pack_src(record_id: str) -> str:
    """The page of a management review's pack (pages.py, review.py)."""
    return f"reviews/{record_id}.md"


def url_of(src: str) -> str:
    """MkDocs' directory URL of a page source (use_directory_urls)."""
    if src == "index.md":
        return ""
    if src.endswith("/index.md"):
        return src[: -len("index.md")]
    return src[:-3] + "/" if src.endswith(".md") else src


def relative(from_src: str, to_url: str) -> str:
    """The link from a page (or a file) to a site URL, as posixpath.relpath gives it, only faster."""
    base = url_of(from_src) if from_src.endswith(".md") else posixpath.dirname(from_src) + "/"
    here = [p for p in base.split("/") if p]
    there = [p for p in to_url.split("/") if p]
    common = 0
    for a, b in zip(here, there):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    out = "/".join(parts) or "."
    if to_url.endswith("/") or not to_url:
        out = out.rstrip("/") + "/"
    return out
