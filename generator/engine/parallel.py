"""Record pages rendered in forked worker processes under `bulletin build`: MkDocs itself uses one core.

Each worker runs MkDocs' own steps for a page (private.render_page: read, Markdown, the page events,
theme template, write); MkDocs then skips those pages (reuse.defer_records made their is_modified()
False). Serial below PARALLEL_ABOVE pages: the same bytes either way (tests/test_build_parallel.py).
"""

from __future__ import annotations

import os

from mkdocs.structure.files import InclusionLevel

from generator import prerender

from . import private

PARALLEL_ABOVE = 200      # record pages before worker processes pay for themselves


def render_deferred(state, config, files, env) -> None:
    """Render the deferred record pages; their search entries come back into state.search_docs."""
    if not state.deferred:
        return
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = {f.src_uri: f.page for f in doc_files if f.src_uri in state.deferred}
    md_render = private.markdown_renderer(config)   # one Markdown instance per process, reset between pages

    def render_page(src: str):
        page = pages[src]
        private.no_source(page)   # on_page_markdown makes a record page's Markdown from the validated record
        private.render_page(page, config, files, doc_files, state.nav, env, md_render)
        # written, never read again: a worker renders tens of thousands and would keep them all
        page.content = page.markdown = page.toc = None
        vars(page).pop("render", None)     # the closure render_page set: back to Page.render
        return state.search_docs.pop(src)   # the loop below puts it back (in the parent)

    job = state.job
    jobs = int(job.jobs or min(os.cpu_count() or 1, 4))
    srcs = sorted(pages)
    results = prerender.run(srcs, render_page, jobs) if jobs > 1 and len(srcs) > PARALLEL_ABOVE \
        else ((src, render_page(src)) for src in srcs)
    for n, (src, search_doc) in enumerate(results, start=1):
        state.search_docs[src] = search_doc
        if job.progress and (n % 500 == 0 or n == len(srcs)):
            job.progress(f"pages rendered: {n}/{len(srcs)}" + (f" (kept {len(state.reuse)})" if state.reuse else ""))
