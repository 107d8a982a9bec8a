"""Incremental builds on MkDocs' files: what the previous build made and this one need not make again.

incremental.py decides what an edit can change (the manifest, digests); here the files MkDocs would
build are marked to skip (private.skip) and named as kept from the previous build instead (State.kept).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from mkdocs.structure.files import File, Files, InclusionLevel

from generator import incremental

from . import private

SEARCHED_GENERATED = {"index.md"}   # generated pages in the search index: the board


class KeptFiles(Files):
    """MkDocs' files without the record pages kept from the previous build: those get no File (nor Page),
    yet a rendered page's link to one, or a nav entry, still finds it, as a File made when asked for."""

    def __init__(self, files, kept: set, src_dir: str, config):
        super().__init__(files)
        self.kept, self.made = kept, {}
        self._args = (src_dir, config["site_dir"], config["use_directory_urls"])

    def get_file_from_path(self, path: str):
        found = super().get_file_from_path(path)
        if found is not None:
            return found
        src = PurePath(path).as_posix()
        if src not in self.kept:
            return None
        if src not in self.made:
            f = self.made[src] = File(src, *self._args, inclusion=InclusionLevel.NOT_IN_NAV)
            private.skip(f)
        return self.made[src]


def sitemap_pages(state, files, config) -> list:
    """sitemap.xml's pages (MkDocs' documentation_pages, in Files' order), with the record pages kept from
    the previous build where a full build has their Files: between the files before them and after."""
    site, at = state.site, state.records_at
    listed = list(files)
    made = {f.src_uri: f for f in listed[at:] if not f.generated_by and f.src_uri in site.record_src}
    records = [made.get(src) or private.sitemap_entry(src, config) for src in state.sources if src in site.record_src]
    rest = [f for f in listed[at:] if f.src_uri not in made or f.generated_by]
    return [*_pages(listed[:at]), *records, *_pages(rest)]


def _pages(files) -> list:
    return [f for f in files if f.is_documentation_page() and InclusionLevel.is_included(f.inclusion)]


def keep_files(state, rel_paths) -> None:
    """These files of the previous output stay as they are: this build does not write them (build.py moves
    only what it writes into the live site, and removes what neither it writes nor this keeps)."""
    state.kept.update(rel_paths)


def _keep_previous_generated(state, files, config, srcs) -> None:
    """Generated files the previous build made and this one does not make again: MkDocs skips them, and
    they stay as they are."""
    kept = []
    for src in srcs:
        f = File.generated(config, src, content="")
        private.skip(f)
        files.append(f)
        kept.append(f.dest_uri)
        if f.is_documentation_page():
            state.reuse_generated.add(src)
    keep_files(state, kept)


def keep_static(state, files, records_dir: str) -> None:
    """The theme's files and Bulletin's assets that the previous build copied and that have not changed
    since (MkDocs' own rule: the copy is not older than its source): not copied again."""
    if state.previous is None:
        return
    kept, live = [], str(state.job.previous)
    for f in files:
        if f.abs_src_path and not f.is_documentation_page() and \
                not os.path.normpath(f.abs_src_path).startswith(records_dir):
            try:
                fresh = os.stat(os.path.join(live, f.dest_uri)).st_mtime_ns >= os.stat(f.abs_src_path).st_mtime_ns
            except OSError:
                fresh = False
            if fresh:
                private.skip(f)
                kept.append(f.dest_uri)
    keep_files(state, kept)


def keep_previous(state, files, config) -> None:
    """Pages and attachments unchanged since the previous build: kept as they are, not rendered. The record
    pages among them have no File (KeptFiles)."""
    site, previous = state.site, state.previous
    directory_urls = config["use_directory_urls"]
    keep_files(state, [private.dest_uri(src, directory_urls) for src in state.reuse])
    kept = []
    for f in files:
        if f.generated_by or not f.abs_src_path:
            continue
        if f.src_uri in site.record_src:
            if f.src_uri in state.reuse:
                kept.append(f)
        elif f.src_uri in site.attachments:
            digest = incremental.file_digest(Path(f.abs_src_path))
            state.attachment_digests[f.src_uri] = digest
            if previous is not None and previous.attachments.get(f.src_uri) == digest:
                kept.append(f)
    for f in kept:
        private.skip(f)
    keep_files(state, [f.dest_uri for f in kept])


def defer_records(state, files) -> None:
    """Record pages to render in on_env (parallel.py), not in MkDocs' loop."""
    for f in files:
        if f.src_uri in state.site.record_src and f.src_uri not in state.reuse and not f.generated_by:
            private.skip(f)
            state.deferred.add(f.src_uri)


def keep_generated(state, files, config) -> None:
    """Generated pages whose HTML is what the previous build made: kept as they are, not rendered. Those
    not made again (pages.generate: none of what they read changed) are the previous build's as they are."""
    previous = state.previous
    _keep_previous_generated(state, files, config, state.site.kept)
    for src in state.site.kept:
        state.generated_digests[src] = previous.generated[src]
    kept = []
    for f in files:
        parts = state.site.html_pages.get(f.src_uri) if f.generated_by else None
        if parts is None:
            continue
        digest = state.generated_digests[f.src_uri] = incremental.text_digest(*parts)
        if previous is not None and previous.generated.get(f.src_uri) == digest and \
                (f.src_uri not in SEARCHED_GENERATED or f.src_uri in previous.search):
            private.skip(f)
            state.reuse_generated.add(f.src_uri)
            kept.append(f.dest_uri)
    keep_files(state, kept)


def keep_all_generated(state, files, config) -> None:
    """When no generated file can have changed, every one is the previous build's, as it is."""
    if not state.kept_files:
        return
    _keep_previous_generated(state, files, config, state.kept_files)
    state.generated_digests = dict(state.previous.generated)
