"""The MkDocs hook: validated records in, virtual pages out. With build.py, the only module that imports MkDocs.

mkdocs.yml names this file under `hooks:`, so `mkdocs build` and `mkdocs serve` build the whole site.
Its docs_dir holds no record: only this hook adds records, after the audience filter (fail closed).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from html import escape as html_escape
import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File

from generator import git, incremental, pages, prerender, render, search
from generator.attachments import executable_file
from generator.cli import today_in
from generator.config import ConfigError, load_config
from generator.records import RECORDS_DIR
from generator.validate import load_repository

log = logging.getLogger("mkdocs.hooks.bulletin")
ASSETS = Path(__file__).resolve().parent / "assets"
OVERRIDES = Path(__file__).resolve().parent / "overrides"
_site: pages.Site | None = None
_sources: list[str] = []      # the files under records/, relative to it (validate's scan)

HREF_MD = re.compile(r'<a\b[^>]*\bhref="([^"#?]+\.md)(?:#[^"]*)?"[^>]*>.*?</a>', re.S)


def _settings(config) -> dict:
    return dict(config.extra.get("bulletin") or {})


def on_config(config):
    global _site, _sources
    opts = _settings(config)
    root = _root(config)
    try:
        result = prerender.PRELOADED.pop(str(root), None) or load_repository(root, load_config(root))
    except ConfigError as exc:
        raise Abort(f"{exc.path}:{exc.line or 1}: error: {exc.problem}") from None
    _sources = [rel.split("/", 1)[1] for rel in (*result.tree.record_files, *sorted(result.tree.attachments))]
    cfg = result.config
    if result.errors:
        for p in result.errors:
            log.error(f"{p.path}:{p.line or 1}: error: {p.message(cfg.language)}")
        raise Abort(f"{len(result.errors)} error(s) in the records: run `bulletin validate`")
    today = opts.get("today") or today_in(cfg.time_zone)
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    history, shallow = git.history(root), git.is_shallow(root)
    if shallow:
        log.warning("shallow clone: record history and dates are incomplete; fetch the full history "
                    "(GitHub Actions: fetch-depth: 0, GitLab: GIT_DEPTH: \"0\")")
    _site = pages.build_site(result.records, cfg, audience=opts.get("audience") or "all-staff", today=today,
                             history=history, shallow=shallow, extra_pages=pages.load_extra_pages(root, cfg.language))
    config["site_name"] = cfg.site_name or config["site_name"]
    config.theme["language"] = cfg.language
    if str(OVERRIDES) not in config.theme.dirs:  # our search box in Material's header, wherever mkdocs.yml is
        config.theme.dirs.insert(0, str(OVERRIDES))
    if not config["nav"]:
        config["nav"] = _site.nav
    _site.page_keys = pages.page_keys(_site)
    _site.fingerprint = incremental.fingerprint(root, Path(config.config_file_path), _site, config["nav"])
    previous = _previous()
    if previous is not None:
        _site.reuse = {src for src, key in _site.page_keys.items() if previous.pages.get(src) == key}
    if previous is not None and previous.inputs == _site.inputs:
        _site.kept_files = list(previous.files)   # an edit of bodies only: no generated file can change
    else:
        pages.generate(_site)
    prerender.HANDOFF.update(reused=len(_site.reuse), pages=len(_site.record_src),
                             generated_kept=bool(_site.kept_files))
    for css in ("assets/bulletin.css",):
        if css not in config["extra_css"]:
            config["extra_css"].append(css)
    for js in ("assets/bulletin-table.js", "assets/bulletin-search.js"):
        if js not in [str(s) for s in config["extra_javascript"]]:
            config["extra_javascript"].append(js)
    return config


def on_files(files, config):
    _add_records(files, config)
    docs = os.path.join(os.path.normpath(_records_dir(config)), "")   # MkDocs joins each file's path to it
    for f in list(files):
        if f.generated_by or not f.abs_src_path or not os.path.normpath(f.abs_src_path).startswith(docs):
            continue  # theme files
        src = f.src_uri
        if f.is_documentation_page():
            if src not in _site.record_src:
                files.remove(f)
        elif src not in _site.attachments or executable_file(f.abs_src_path):
            files.remove(f)  # attachments only where a visible record links to them, never one a browser runs
    _keep_previous(files, config)
    _defer_records(files, config)
    for src, content in _site.files.items():
        files.append(File.generated(config, src, content=content))
    _keep_generated(files, config)
    _keep_all_generated(files, config)
    for asset in sorted(ASSETS.iterdir()):
        files.append(File.generated(config, f"assets/{asset.name}", abs_src_path=str(asset)))
    return files


def _root(config) -> Path:
    return Path(_settings(config).get("root") or Path(config.config_file_path).resolve().parent)


def _records_dir(config) -> str:
    return str(_root(config) / RECORDS_DIR)


def _add_records(files, config) -> None:
    """MkDocs sees no record by itself (docs_dir holds none: validate checks mkdocs.yml), so without this
    hook nothing is published. Here the files of records/ join the site, and the filter in on_files keeps
    what this audience may see; nothing from docs_dir is published."""
    from mkdocs.structure.files import InclusionLevel

    docs = os.path.join(os.path.normpath(config["docs_dir"]), "")
    for f in list(files):
        if not f.generated_by and f.abs_src_path and os.path.normpath(f.abs_src_path).startswith(docs):
            files.remove(f)
    src_dir = _records_dir(config)
    for src in _sources:
        files.append(File(src, src_dir, config["site_dir"], config["use_directory_urls"],
                          inclusion=InclusionLevel.NOT_IN_NAV))


def on_nav(nav, config, files):
    """Generated pages are HTML already: they skip Markdown."""
    slugify = _slugify(config)
    for f in files.documentation_pages():
        if f.src_uri in _site.html_pages:
            _adopt_html(f.page, *_site.html_pages[f.src_uri], slugify)
    _site.nav_object = nav
    return nav


def on_env(env, config, files):
    """`bulletin build` renders record pages here, in worker processes: MkDocs itself uses one core.

    Each worker runs MkDocs' own steps for a page (read, Markdown, our hooks, theme template, write);
    MkDocs then skips those pages (their is_modified() is False, see _defer_records)."""
    env = render.theme_env(env)
    if _settings(config).get("root"):
        env.bytecode_cache = render.bytecode_cache()   # the theme's templates, compiled once, not every build
    if not _site.deferred:
        return env
    from mkdocs.commands.build import _build_page, _populate_page
    from mkdocs.structure.files import InclusionLevel

    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = {f.src_uri: f.page for f in doc_files if f.src_uri in _site.deferred}

    def render_page(src: str):
        page = pages[src]
        _populate_page(page, config, files, dirty=False)
        _build_page(page, config, doc_files, _site.nav_object, env, dirty=False)
        return _site.search_docs[src]

    jobs = int(_settings(config).get("jobs") or min(os.cpu_count() or 1, 4))
    srcs = sorted(pages)
    results = prerender.run(srcs, render_page, jobs) if jobs > 1 and len(srcs) > PARALLEL_ABOVE \
        else ((src, render_page(src)) for src in srcs)
    progress = prerender.HANDOFF.get("progress")
    for n, (src, search_doc) in enumerate(results, start=1):
        _site.search_docs[src] = search_doc
        if progress and (n % 500 == 0 or n == len(srcs)):
            progress(f"pages rendered: {n}/{len(srcs)}" + (f" (kept {len(_site.reuse)})" if _site.reuse else ""))
    return env


PARALLEL_ABOVE = 200      # record pages before worker processes pay for themselves
SEARCHED_GENERATED = {"index.md"}   # generated pages in the search index: the board


def _slugify(config):
    toc = config["mdx_configs"].get("toc", {})
    slugify = toc.get("slugify")
    return (lambda text: slugify(text, toc.get("separator", "-"))) if slugify else (lambda text: "_1")


def _adopt_html(page, title: str, html: str, slugify) -> None:
    """A generated page: its heading and HTML as the Markdown would render them, without Markdown."""
    from mkdocs.structure.toc import get_toc

    anchor = html_escape(slugify(title))
    heading = (f'<h1 id="{anchor}">{html_escape(title)}<a class="headerlink" href="#{anchor}" '
               f'title="Permanent link">&para;</a></h1>')
    token = {"level": 1, "id": slugify(title), "name": html_escape(title), "html": html_escape(title),
             "data-toc-label": "", "children": []}
    content, toc = f"{heading}\n{html}", get_toc([token])

    def read_source(config):
        page.markdown, page.meta = "", {}

    def render(config, files):
        page.content, page.toc, page._title_from_render = content, toc, title
        page.present_anchor_ids = {slugify(title)}

    page.read_source, page.render = read_source, render


def _previous():
    """The previous build's manifest when everything site-wide is as it was (incremental.py), else None."""
    manifest = prerender.HANDOFF.get("manifest")
    return manifest if manifest is not None and manifest.fingerprint == _site.fingerprint else None


def _link_previous(config, rel_paths) -> None:
    """Hard-link these files of the previous output into the site being built."""
    incremental.link_tree(Path(prerender.HANDOFF["previous"]), Path(config["site_dir"]), rel_paths)


def _keep_generated(files, config) -> None:
    """Generated pages whose HTML is what the previous build made: link its files, don't render them."""
    previous = _previous()
    kept = []
    for f in files:
        parts = _site.html_pages.get(f.src_uri) if f.generated_by else None
        if parts is None:
            continue
        digest = _site.generated_digests[f.src_uri] = incremental.text_digest(*parts)
        if previous is not None and previous.generated.get(f.src_uri) == digest and \
                (f.src_uri not in SEARCHED_GENERATED or f.src_uri in previous.search):
            f.is_modified = lambda: False
            _site.reuse_generated.add(f.src_uri)
            kept.append(f.dest_uri)
    if kept:
        _link_previous(config, kept)


def _keep_all_generated(files, config) -> None:
    """When no generated file can have changed, every one is linked from the previous output."""
    if not _site.kept_files:
        return
    kept = []
    for src in _site.kept_files:
        f = File.generated(config, src, content="")
        f.is_modified = lambda: False
        files.append(f)
        kept.append(f.dest_uri)
        if f.is_documentation_page():
            _site.reuse_generated.add(src)
    _site.generated_digests = dict(_previous().generated)
    _link_previous(config, kept)


def _defer_records(files, config) -> None:
    """Under `bulletin build`, record pages are rendered in on_env (in parallel), not by MkDocs' loop."""
    if not _settings(config).get("root"):
        return  # plain `mkdocs build` / `mkdocs serve`: MkDocs renders everything itself
    for f in files:
        if f.src_uri in _site.record_src and f.src_uri not in _site.reuse and not f.generated_by:
            f.is_modified = lambda: False
            _site.deferred.add(f.src_uri)


def _keep_previous(files, config) -> None:
    """Pages and attachments unchanged since the previous build: link its files, don't render them."""
    previous = _previous()
    kept = []
    for f in files:
        if f.generated_by or not f.abs_src_path:
            continue
        if f.src_uri in _site.record_src:
            if f.src_uri in _site.reuse:
                kept.append(f)
        elif f.src_uri in _site.attachments:
            digest = incremental.file_digest(Path(f.abs_src_path))
            _site.attachment_digests[f.src_uri] = digest
            if previous is not None and previous.attachments.get(f.src_uri) == digest:
                kept.append(f)
    for f in kept:
        f.is_modified = lambda: False
    if kept:
        _link_previous(config, [f.dest_uri for f in kept])


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    if src in _site.record_src:
        # only the title of the front matter reaches the theme (which escapes it: render.theme_env)
        page.meta = {"title": _site.record_src[src].title}
        parts = _site.record_page(src)
        _site.parts[src] = parts
        return parts.markdown
    return markdown


def on_page_content(html, page, config, files):
    src = page.file.src_uri
    if src in _site.html_pages:
        if src in SEARCHED_GENERATED:  # lists of records (archives, people, boards) would only echo their titles
            _site.search_docs[src] = search.doc(page.url, page.title or "", html)
        return html
    if src not in _site.record_src:
        if src in _site.extra_pages:   # the contributor guide: written by people, sanitised like records
            html = render.sanitize(html)
        _site.search_docs[src] = search.doc(page.url, page.title or "", html)
        return html
    html = render.sanitize(html)
    html = HREF_MD.sub(lambda m: _hidden_link(m, src), html)
    html = _frame(page, _site.parts.pop(src), html)
    _site.search_docs[src] = search.doc(page.url, page.title or "", html)
    return html


def on_page_context(context, page, config, nav):
    render.trusted_page(page)
    return context


def on_post_build(config):
    """The chunked search index, over every page this audience may see; the manifest for next time."""
    previous = _previous()
    for src in _site.reuse | (_site.reuse_generated & SEARCHED_GENERATED):
        _site.search_docs[src] = previous.search[src]
    docs = list(_site.search_docs.values())
    patched = search.patch(previous.index, docs, _site.lang) if previous is not None and previous.index else None
    if patched is not None:   # the same pages, some text changed: the index's changed files only
        changed, index = patched
        _link_previous(config, [f"search/{rel}" for rel in index.paths() if rel not in changed])
        search.write_files(Path(config["site_dir"]) / "search", changed)
    else:
        index = search.write_index(docs, Path(config["site_dir"]), _site.lang)
    prerender.HANDOFF["search_patched"] = patched is not None
    prerender.HANDOFF["manifest_out"] = incremental.Manifest(
        fingerprint=_site.fingerprint, pages=_site.page_keys, attachments=_site.attachment_digests,
        search=dict(_site.search_docs), generated=_site.generated_digests, inputs=_site.inputs,
        files=_site.kept_files or list(_site.files), index=index)


def _frame(page, parts, html: str) -> str:
    """Our header card under the page's heading, our sections after the body, and both in the TOC."""
    from mkdocs.structure.toc import AnchorLink

    end = html.find("</h1>")
    cut = end + len("</h1>") if end >= 0 else 0
    html = f"{html[:cut]}\n{parts.top}\n{html[cut:]}\n{parts.bottom}"
    items = page.toc.items
    target = items[0].children if len(items) == 1 and items[0].level == 1 else items
    for anchor, title in parts.sections:
        target.append(AnchorLink(title, anchor, 2))
    return html


def _hidden_link(match, src: str) -> str:
    """A link to a record this audience may not see becomes a note that a reference exists."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(src), match.group(1)))
    if target in _site.hidden_src:
        return f'<span class="bl-hidden-ref">{_site.renderer.w("hidden_ref")}</span>'
    return match.group(0)


def on_serve(server, config, builder):
    root = _root(config)
    for folder in ("records", "site_config", "templates", "docs"):
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
