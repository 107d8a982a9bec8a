"""The MkDocs internals Bulletin relies on for speed, in one place. tests/test_engine_seam.py checks each
against the installed engine (signatures, and behaviour on a small real build), so an engine release that
changes one fails a test instead of a site.

- skip: with `build(config, dirty=True)`, a file whose is_modified() is False is neither read, rendered
  nor written; its output is linked from the previous build instead (reuse.py), or written by a worker.
- render_page: `_populate_page` then `_build_page`, MkDocs' own steps for one page (read, Markdown, the
  page events, theme template, write), called from a worker process (parallel.py).
- no_source: a page whose Markdown the plugin makes whole (on_page_markdown): its file is not read, its
  front matter not parsed again.
- markdown_renderer: Page.render (MkDocs' Markdown of one page, with its own tree processors) on one
  Markdown instance reset between pages, instead of a new instance (all extensions set up again) per page.
- adopt_html: a page whose HTML is made already; its read_source and render are replaced, and it sets
  what render would have set (content, toc, `_title_from_render`, present_anchor_ids).
- one_build_date: Page.__init__ asks for the build date (the clock, a date string) once per page; during a
  build it is asked once.
- theme_listing: MkDocs lists the theme's static files by walking every theme folder and filtering each
  name (Files.add_files_from_theme); during a build the walk leaves out the dot folders whose every file
  that filter drops (Material's .icons: 14,000 of its 14,500 files).
- dest_uri, sitemap_entry: what File and Page would say of a record page kept from the previous build
  (its output file; its sitemap.xml entry), without making either (reuse.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from html import escape
import logging
import os
import posixpath
from types import SimpleNamespace
from urllib.parse import quote as urlquote, urljoin, urlsplit

import jinja2
import markdown
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import Files
from mkdocs.structure.pages import (_ExtractAnchorsTreeprocessor, _ExtractTitleTreeprocessor, _RawHTMLPreprocessor,
                                    _RelativePathTreeprocessor)
from mkdocs.structure.toc import get_toc


@contextmanager
def one_build_date():
    """Within: every MkDocs Page made gets the date of the first (MkDocs' own get_build_date, asked once)."""
    ask = mkdocs_pages.get_build_date
    date = ask()
    mkdocs_pages.get_build_date = lambda: date
    try:
        yield
    finally:
        mkdocs_pages.get_build_date = ask


@contextmanager
def theme_listing():
    """Within: Files.add_files_from_theme lists the theme folders without entering a folder, or taking a
    file, whose name begins with a dot (its filter drops those: '.*' and '*/.*'); the same files, in the
    same order."""
    add = Files.add_files_from_theme

    def add_files_from_theme(files, env, config):
        loader = env.loader
        if type(loader) is not jinja2.FileSystemLoader:
            return add(files, env, config)
        loader.list_templates = lambda: undotted_templates(loader)
        try:
            return add(files, env, config)
        finally:
            del loader.list_templates

    Files.add_files_from_theme = add_files_from_theme
    try:
        yield
    finally:
        Files.add_files_from_theme = add


def undotted_templates(loader) -> list[str]:
    """FileSystemLoader.list_templates without the names that have a part beginning with a dot."""
    found = set()
    for searchpath in loader.searchpath:
        for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=loader.followlinks):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for filename in filenames:
                if not filename.startswith("."):
                    template = os.path.join(dirpath, filename)[len(searchpath):].strip(os.path.sep)
                    found.add(template.replace(os.path.sep, "/"))
    return sorted(found)


def dest_uri(src: str, use_directory_urls: bool) -> str:
    """File(src, ...).dest_uri of a Markdown page (MkDocs' File._get_dest_path), without the File."""
    parent, filename = posixpath.split(src)
    # a record page (name.md, 10,000 of them on every edit) without splitext and join: the same path
    stem = filename[:-3] if filename.endswith(".md") and not filename.startswith(".") else \
        posixpath.splitext(filename)[0]
    name = "index" if stem == "README" else stem
    if parent and not parent.endswith("/"):
        parent += "/"
    if not use_directory_urls or name == "index":
        return f"{parent}{name}.html"
    return f"{parent}{name}/index.html"


def sitemap_entry(src: str, config):
    """What sitemap.xml reads of a Markdown page's File and Page (File._get_url, Page._set_canonical_url,
    Page.update_date), without making either."""
    url = dest_uri(src, config.use_directory_urls)
    dirname, filename = posixpath.split(url)
    if config.use_directory_urls and filename == "index.html":
        url = (dirname or ".") + "/"
    url = urlquote(url)
    canonical = abs_url = None
    if config.site_url:
        base = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
        canonical = urljoin(base, url)
        abs_url = urlsplit(canonical).path
    page = SimpleNamespace(is_link=False, canonical_url=canonical, abs_url=abs_url,
                           update_date=mkdocs_pages.get_build_date())
    return SimpleNamespace(src_uri=src, url=url, page=page)


def skip(file) -> None:
    """MkDocs' dirty build leaves this file alone."""
    file.is_modified = lambda: False


def no_source(page) -> None:
    """MkDocs does not read this page's file: the plugin's on_page_markdown gives its Markdown and meta."""

    def read_source(config):
        page.markdown, page.meta = "", {}

    page.read_source = read_source


def render_page(page, config, files, doc_files, nav, env, md_render=None) -> None:
    """Read, convert and write one page, with every page event, as MkDocs' build loop does; its Markdown
    by md_render (markdown_renderer's) when given."""
    if md_render is not None:
        page.render = lambda config, files: md_render(page, files)
    _populate_page(page, config, files, dirty=False)
    _build_page(page, config, doc_files, nav, env, dirty=False)


def adopt_html(page, title: str, html, slugify) -> None:
    """A generated page: its heading and HTML as the Markdown would render them, without Markdown. `html`:
    the HTML, or a function that gives it (called when the page is rendered: not copied before)."""
    anchor = escape(slugify(title))
    heading = (f'<h1 id="{anchor}">{escape(title)}<a class="headerlink" href="#{anchor}" '
               f'title="Permanent link">&para;</a></h1>')

    def read_source(config):
        page.markdown, page.meta = "", {}

    def render(config, files):
        # made here, not held from the start: every generated page's HTML would be held twice until rendered
        token = {"level": 1, "id": slugify(title), "name": escape(title), "html": escape(title),
                 "data-toc-label": "", "children": []}
        body = html() if callable(html) else html
        page.content, page.toc, page._title_from_render = f"{heading}\n{body}", get_toc([token]), title
        page.present_anchor_ids = {slugify(title)}

    page.read_source, page.render = read_source, render


def markdown_renderer(config):
    """render(page, files): Page.render's steps, on one Markdown instance for every page it is given."""
    md = None

    def render(page, files) -> None:
        nonlocal md
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        if md is None:
            md = markdown.Markdown(extensions=config["markdown_extensions"],
                                   extension_configs=config["mdx_configs"] or {})
        else:
            md.reset()
        raw_html_ext = _RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = _ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = _RelativePathTreeprocessor(page.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = _ExtractTitleTreeprocessor()
        extract_title_ext._register(md)
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = extract_title_ext.title
        page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path_ext.links_to_anchors

    return render
