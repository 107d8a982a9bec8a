"""Incremental builds on MkDocs' files: what the previous build made and this one need not make again.

incremental.py decides what an edit can change (the manifest, digests); here the files MkDocs would
build are marked to skip (private.skip) and their output is linked from the previous build instead.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

from generator import incremental

from . import private

SEARCHED_GENERATED = {"index.md"}   # generated pages in the search index: the board


def link_previous(state, config, rel_paths) -> None:
    """Hard-link these files of the previous output into the site being built; into an older build's folder
    (Job.recycled) only once every file to link is known: recycle()."""
    if state.recycle is not None:
        state.recycle.update(rel_paths)
    else:
        incremental.link_tree(Path(state.job.previous), Path(config["site_dir"]), rel_paths)


def recycle(state, config) -> None:
    """After on_files: the older build's folder holds only the files linked from the previous output, before
    anything is written into it."""
    if state.recycle is not None:
        keep, state.recycle = state.recycle, None
        state.emptied = incremental.recycle(Path(state.job.previous), Path(config["site_dir"]), keep)


def drop_empty(state, config) -> None:
    """After the last file is written: folders of pages no longer built go, as in a fresh folder."""
    incremental.drop_empty(Path(config["site_dir"]), state.emptied)


def keep_previous(state, files, config) -> None:
    """Pages and attachments unchanged since the previous build: link its files, don't render them."""
    site, previous = state.site, state.previous
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
    if kept:
        link_previous(state, config, [f.dest_uri for f in kept])


def defer_records(state, files) -> None:
    """Record pages to render in on_env (parallel.py), not in MkDocs' loop."""
    for f in files:
        if f.src_uri in state.site.record_src and f.src_uri not in state.reuse and not f.generated_by:
            private.skip(f)
            state.deferred.add(f.src_uri)


def keep_generated(state, files, config) -> None:
    """Generated pages whose HTML is what the previous build made: link its files, don't render them. Those
    not made again (pages.generate: none of what they read changed) are the previous build's as they are."""
    previous = state.previous
    kept = []
    for src in state.site.kept:
        f = File.generated(config, src, content="")
        private.skip(f)
        files.append(f)
        state.reuse_generated.add(src)
        state.generated_digests[src] = previous.generated[src]
        kept.append(f.dest_uri)
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
    if kept:
        link_previous(state, config, kept)


def keep_all_generated(state, files, config) -> None:
    """When no generated file can have changed, every one is linked from the previous output."""
    if not state.kept_files:
        return
    kept = []
    for src in state.kept_files:
        f = File.generated(config, src, content="")
        private.skip(f)
        files.append(f)
        kept.append(f.dest_uri)
        if f.is_documentation_page():
            state.reuse_generated.add(src)
    state.generated_digests = dict(state.previous.generated)
    link_previous(state, config, kept)
