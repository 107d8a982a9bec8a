"""The MkDocs internals Bulletin relies on for speed, in one place. tests/test_engine_seam.py checks each
against the installed engine (signatures, and behaviour on a small real build), so an engine release that
changes one fails a test instead of a site.

- skip: with `build(config, dirty=True)`, a file whose is_modified() is False is neither read, rendered
  nor written; its output is linked from the previous build instead (reuse.py), or written by a worker.
- render_page: `_populate_page` then `_build_page`, MkDocs' own steps for one page (read, Markdown, the
  page events, theme template, write), called from a worker process (parallel.py).
- adopt_html: a page whose HTML is made already; its read_source and render are replaced, and it sets
  what render would have set (content, toc, `_title_from_render`, present_anchor_ids).
"""

from __future__ import annotations

from html import escape

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.structure.toc import get_toc


def skip(file) -> None:
    """MkDocs' dirty build leaves this file alone."""
    file.is_modified = lambda: False


def render_page(page, config, files, doc_files, nav, env) -> None:
    """Read, convert and write one page, with every page event, as MkDocs' build loop does."""
    _populate_page(page, config, files, dirty=False)
    _build_page(page, config, doc_files, nav, env, dirty=False)


def adopt_html(page, title: str, html: str, slugify) -> None:
    """A generated page: its heading and HTML as the Markdown would render them, without Markdown."""
    anchor = escape(slugify(title))
    heading = (f'<h1 id="{anchor}">{escape(title)}<a class="headerlink" href="#{anchor}" '
               f'title="Permanent link">&para;</a></h1>')
    token = {"level": 1, "id": slugify(title), "name": escape(title), "html": escape(title),
             "data-toc-label": "", "children": []}
    content, toc = f"{heading}\n{html}", get_toc([token])

    def read_source(config):
        page.markdown, page.meta = "", {}

    def render(config, files):
        page.content, page.toc, page._title_from_render = content, toc, title
        page.present_anchor_ids = {slugify(title)}

    page.read_source, page.render = read_source, render
