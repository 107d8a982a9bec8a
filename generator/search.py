"""Placeholder: a chunked static search index (being written)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SearchDoc:
    url: str
    title: str
    text: str


def doc(url: str, title: str, html: str) -> SearchDoc:
    return SearchDoc(url, title, html)


def write_index(docs: list[SearchDoc], out_dir: Path, lang: str) -> None:
    return None
