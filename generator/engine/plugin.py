"""BulletinPlugin: validated records in, virtual pages out. `plugins: [bulletin]` in mkdocs.yml (the
`mkdocs.plugins` entry point), or `hooks: [generator/hooks.py]`, which holds one instance.

Its docs_dir holds no record: only this plugin adds records, after the audience filter (fail closed).
All of one build's state is on the instance: set in on_config, used by the later events, dropped when
the build ends. `bulletin build` hands it a Job (driver.py): the validated records and its options in,
the manifest for the next build out; plain `mkdocs build` and `mkdocs serve` read their options from
`extra.bulletin` in mkdocs.yml and validate the records themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import AnchorLink

from generator import git, incremental, pages, render, search
from generator.attachments import executable_file
from generator.config import ConfigError, load_config, site_language, today_in
from generator.records import RECORDS_DIR
from generator.validate import Result, load_repository

from . import NAME, identity, parallel, partials, private, reuse

log = logging.getLogger(f"{NAME}.plugins.bulletin")
PACKAGE = Path(__file__).resolve().parent.parent
ASSETS = PACKAGE / "assets"
OVERRIDES = PACKAGE / "overrides"
HREF_MD = re.compile(r'<a\b[^>]*\bhref="([^"#?]+\.md)(?:#[^"]*)?"[^>]*>.*?</a>', re.S)
EVENTS = ("on_config", "on_files", "on_nav", "on_env", "on_page_markdown", "on_page_content",
          "on_page_context", "on_template_context", "on_post_page", "on_post_build", "on_build_error", "on_serve")


@dataclass
class Job:
    """What `bulletin build` hands to the plugin for one build, and what the plugin hands back."""
    root: Path
    result: Result                        # the validated records: read once
    audience: str
    today: dt.date
    jobs: int | None = None               # worker processes for record pages
    manifest: incremental.Manifest | None = None   # the previous build's, if it is still in `previous`
    previous: Path | None = None          # the output folder being replaced
    progress: object = None               # progress(text), or None
    made: incremental.Manifest | None = None       # out: the manifest of this build
    stats: dict = field(default_factory=dict)      # out: pages, reused, generated_kept, search_patched
    kept: set | None = None               # out: files of `previous` left as they are; None: a full build


@dataclass
class State:
    """One build, from on_config to on_post_build."""
    site: pages.Site
    root: Path
    sources: list[str]                    # the files under records/, relative to it (validate's scan)
    job: Job | None
    fingerprint: str = ""
    page_keys: dict = field(default_factory=dict)          # record page src -> digest of its inputs
    previous: incremental.Manifest | None = None           # the previous build's, when its fingerprint is ours
    reuse: set = field(default_factory=set)                # record pages linked from the previous build
    reuse_generated: set = field(default_factory=set)      # generated pages linked from it
    kept_files: list = field(default_factory=list)         # generated files linked from it (all or none)
    deferred: set = field(default_factory=set)             # record pages rendered in on_env (in parallel)
    attachment_digests: dict = field(default_factory=dict)
    generated_digests: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)              # record page src -> render.RecordPage being built
    search_docs: dict = field(default_factory=dict)        # page src -> search.SearchDoc
    nav: object = None                                     # MkDocs' Navigation
    kept: set = field(default_factory=set)                 # files of the previous output not written again
    records_at: int = 0                                    # where the record files start in MkDocs' files
    files: object = None                                   # MkDocs' files (reuse.KeptFiles when pages are kept)


class BulletinPlugin(BasePlugin):
    """Bulletin's records, pages and search for MkDocs."""

    def __init__(self):
        super().__init__()
        self.job: Job | None = None
        self.state: State | None = None

    def expect(self, job: Job) -> None:
        """The next build is `bulletin build`'s: its records and options, and where its results go."""
        self.job = job

    def on_config(self, config):
        job, self.job = self.job, None
        opts = dict(config.extra.get("bulletin") or {}) if job is None else {}
        root = job.root if job else _plain_root(config)
        try:
            result = job.result if job else load_repository(root, load_config(root))
        except ConfigError as exc:
            raise Abort(f"{exc.path}:{exc.line or 1}: error: {exc.message(site_language(root))}") from None
        cfg = result.config
        if result.errors:
            for p in result.errors:
                log.error(f"{p.path}:{p.line or 1}: error: {p.message(cfg.language)}")
            raise Abort(f"{len(result.errors)} error(s) in the records: run `bulletin validate`")
        today = job.today if job else opts.get("today") or today_in(cfg.time_zone)
        if isinstance(today, str):
            today = dt.date.fromisoformat(today)
        history, shallow = git.history(root), git.is_shallow(root)
        if shallow:
            log.warning("shallow clone: record history and dates are incomplete; fetch the full history "
                        "(GitHub Actions: fetch-depth: 0, GitLab: GIT_DEPTH: \"0\")")
        site = pages.build_site(result.records, cfg, audience=job.audience if job else opts.get("audience") or
                                "all-staff", today=today, history=history, shallow=shallow,
                                extra_pages=pages.load_extra_pages(root, cfg.language))
        sources = [rel.split("/", 1)[1] for rel in (*result.tree.record_files, *sorted(result.tree.attachments))]
        s = self.state = State(site, root, sources, job)
        config["site_name"] = cfg.site_name or config["site_name"]
        config.theme["language"] = cfg.language
        if str(OVERRIDES) not in config.theme.dirs:  # our search box in Material's header, wherever mkdocs.yml is
            config.theme.dirs.insert(0, str(OVERRIDES))
        if not config["nav"]:
            config["nav"] = site.nav
        if job is not None:
            site.memo = incremental.memo(root, job.previous)
        s.fingerprint = incremental.fingerprint(root, Path(config.config_file_path), site, config["nav"], identity())
        manifest = job.manifest if job else None
        s.previous = manifest if manifest is not None and manifest.fingerprint == s.fingerprint else None
        if s.previous is not None and s.previous.inputs == site.inputs:
            s.kept_files = list(s.previous.files)   # an edit of bodies only: no generated file can change
            site.deps = s.previous.deps             # nor what they read
        else:   # only the generated pages that read a value changed since the previous build
            pages.generate(site, s.previous.deps if s.previous is not None else None)
        # after generate: a review's page is keyed by its pack's reads; with the previous build's deps (its
        # inputs are this build's) and basis, only the pages whose file changed are keyed again
        before = (s.previous.basis, s.previous.digests, s.previous.pages) \
            if s.previous is not None and site.deps is s.previous.deps else None
        s.page_keys = pages.page_keys(site, before)
        if s.previous is not None:
            s.reuse = {src for src, key in s.page_keys.items() if s.previous.pages.get(src) == key}
        # approval evidence only for the record pages this build renders, found before workers fork
        site.approvals.only(r.path for src, r in site.record_src.items() if src not in s.reuse)
        for css in ("assets/bulletin.css",):
            if css not in config["extra_css"]:
                config["extra_css"].append(css)
        for js in ("assets/bulletin-table.js", "assets/bulletin-search.js"):
            if js not in [str(s) for s in config["extra_javascript"]]:
                config["extra_javascript"].append(js)
        return config

    def on_files(self, files, config):
        s = self.state
        if s.reuse:   # record pages kept from the previous build: no MkDocs File nor Page (reuse.KeptFiles)
            files = reuse.KeptFiles(files, s.reuse, self._records_dir(), config)
        s.files = files
        self._add_records(files, config)
        docs = os.path.join(os.path.normpath(self._records_dir()), "")   # MkDocs joins each file's path to it
        for f in list(files):
            if f.generated_by or not f.abs_src_path or not os.path.normpath(f.abs_src_path).startswith(docs):
                continue  # theme files
            src = f.src_uri
            if f.is_documentation_page():
                if src not in s.site.record_src:
                    files.remove(f)
            elif src not in s.site.attachments or executable_file(f.abs_src_path):
                files.remove(f)  # attachments only where a visible record links to them, never one a browser runs
        reuse.keep_previous(s, files, config)
        if s.job is not None:   # `bulletin build` renders record pages in on_env, in parallel
            reuse.defer_records(s, files)
        for src, content in s.site.files.items():
            files.append(File.generated(config, src, content=content))
        reuse.keep_generated(s, files, config)
        reuse.keep_all_generated(s, files, config)
        for asset in sorted(ASSETS.iterdir()):
            files.append(File.generated(config, f"assets/{asset.name}", abs_src_path=str(asset)))
        reuse.keep_static(s, files, os.path.join(os.path.normpath(self._records_dir()), ""))
        return files

    def _records_dir(self) -> str:
        return str(self.state.root / RECORDS_DIR)

    def _add_records(self, files, config) -> None:
        """MkDocs sees no record by itself (docs_dir holds none: validate checks mkdocs.yml), so without this
        plugin nothing is published. Here the files of records/ join the site, and the filter in on_files
        keeps what this audience may see; nothing from docs_dir is published."""
        docs = os.path.join(os.path.normpath(config["docs_dir"]), "")
        for f in list(files):
            if not f.generated_by and f.abs_src_path and os.path.normpath(f.abs_src_path).startswith(docs):
                files.remove(f)
        src_dir = self._records_dir()
        self.state.records_at = len(files)
        for src in self.state.sources:
            if src in self.state.reuse:
                continue   # kept as the previous build made it: no File (reuse.KeptFiles)
            files.append(File(src, src_dir, config["site_dir"], config["use_directory_urls"],
                              inclusion=InclusionLevel.NOT_IN_NAV))

    def on_nav(self, nav, config, files):
        """Generated pages are HTML already: they skip Markdown."""
        s = self.state
        slugify = _slugify(config)
        for f in files.documentation_pages():
            if f.src_uri in s.site.html_pages:
                made = s.site.html_pages[f.src_uri]   # render.GeneratedHtml: its HTML cut out when rendered
                private.adopt_html(f.page, made.title, lambda made=made: made.html, slugify)
        s.nav = nav
        return nav

    def on_env(self, env, config, files):
        """`bulletin build` renders record pages here, in worker processes (parallel.py): MkDocs uses one core."""
        env = render.theme_env(env)
        if self.state.job is not None:     # before partials.cache loads the first of them
            env.bytecode_cache = render.bytecode_cache()   # the theme's templates, compiled once, not every build
        partials.cache(env, self.state.nav, config)
        if self.state.job is not None:
            parallel.render_deferred(self.state, config, files, env)
        return env

    def on_page_markdown(self, markdown, page, config, files):
        s = self.state
        src = page.file.src_uri
        if src in s.site.record_src:
            # only the title of the front matter reaches the theme (which escapes it: render.theme_env)
            page.meta = {"title": s.site.record_src[src].title}
            parts = s.site.record_page(src)
            s.parts[src] = parts
            return parts.markdown
        return markdown

    def on_page_content(self, html, page, config, files):
        s = self.state
        src = page.file.src_uri
        if src in s.site.html_pages:
            if src in reuse.SEARCHED_GENERATED:  # lists of records (archives, people, boards) would only echo their titles
                s.search_docs[src] = search.doc(page.url, page.title or "", html)
            return html
        if src not in s.site.record_src:
            if src in s.site.extra_pages:   # the contributor guide: written by people, sanitised like records
                html = render.sanitize(html)
            s.search_docs[src] = search.doc(page.url, page.title or "", html)
            return html
        html = render.sanitize(html)
        html = HREF_MD.sub(lambda m: _hidden_link(s.site, m, src), html)
        html = _frame(page, s.parts.pop(src), html)
        s.search_docs[src] = search.doc(page.url, page.title or "", html)
        return html

    def on_template_context(self, context, template_name, config):
        """sitemap.xml lists every page, the record pages kept from the previous build too (they have no
        File): without site_url it lists none."""
        s = self.state
        if template_name == "sitemap.xml" and s.reuse and config["site_url"]:
            context["pages"] = reuse.sitemap_pages(s, s.files, config)
        return context

    def on_page_context(self, context, page, config, nav):
        render.trusted_page(page)
        return context

    def on_post_page(self, output, page, config):
        page.content = None   # written: a page's HTML is not held to the end of the build (private.adopt_html)
        return output

    def on_post_build(self, config):
        """The chunked search index, over every page this audience may see; the manifest for next time."""
        s, self.state = self.state, None
        previous = s.previous
        # pages not rendered keep their entries as the previous build made them: the index patch reads only
        # the changed ones (incremental.Parts)
        kept = {src: previous.search[src] for src in s.reuse | s.reuse_generated
                if src in previous.search} if previous is not None else {}
        fresh = [d for src, d in s.search_docs.items() if src not in kept]
        patched = (search.patch(previous.index, fresh, s.site.lang, kept=kept.values())
                   if previous is not None and previous.index else None)
        if patched is not None:   # the same pages, some text changed: the index's changed files only
            changed, index = patched
            reuse.keep_files(s, [f"search/{rel}" for rel in index.paths() if rel not in changed])
            search.write_files(Path(config["site_dir"]) / "search", changed)
        else:
            docs = fresh + [previous.index.doc(url) for url in kept.values()] if kept else fresh
            index = search.write_index(docs, Path(config["site_dir"]), s.site.lang)
        if s.job is not None:
            s.job.kept = s.kept if previous is not None else None
            s.job.stats = {"reused": len(s.reuse), "pages": len(s.site.record_src),
                           "generated_kept": bool(s.kept_files), "search_patched": patched is not None,
                           "generated_made": len(s.site.html_pages), "mask_read": s.site.mask.read,
                           "approvals_looked_up": s.site.approvals.looked_up, "keys_made": s.site.keys_made}
            s.job.made = incremental.Manifest(
                fingerprint=s.fingerprint, pages=s.page_keys, attachments=s.attachment_digests,
                search={**{src: d.url for src, d in s.search_docs.items()}, **kept}, generated=s.generated_digests, inputs=s.site.inputs,
                files=s.kept_files or [*s.site.files, *s.site.kept], index=index,
                deps=s.site.deps, basis=pages.page_basis(s.site), digests=pages.page_digests(s.site))

    def on_build_error(self, error):
        self.job = self.state = None

    def on_serve(self, server, config, builder):
        root = _plain_root(config)
        for folder in ("records", "site_config", "templates", "docs"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


def find(config) -> BulletinPlugin | None:
    """The Bulletin plugin of a loaded configuration: `plugins: [bulletin]`, or the instance of hooks.py."""
    for plugin in config.plugins.values():
        plugin = getattr(plugin, "PLUGIN", plugin)
        if isinstance(plugin, BulletinPlugin):
            return plugin
    return None


def _plain_root(config) -> Path:
    """The repository of `mkdocs build` and `mkdocs serve`: `extra.bulletin.root`, else mkdocs.yml's folder."""
    opts = config.extra.get("bulletin") or {}
    return Path(opts.get("root") or Path(config.config_file_path).resolve().parent)


def _slugify(config):
    toc = config["mdx_configs"].get("toc", {})
    slugify = toc.get("slugify")
    return (lambda text: slugify(text, toc.get("separator", "-"))) if slugify else (lambda text: "_1")


def _frame(page, parts, html: str) -> str:
    """Our header card under the page's heading, our sections after the body, and both in the TOC."""
    end = html.find("</h1>")
    cut = end + len("</h1>") if end >= 0 else 0
    html = f"{html[:cut]}\n{parts.top}\n{html[cut:]}\n{parts.bottom}"
    items = page.toc.items
    target = items[0].children if len(items) == 1 and items[0].level == 1 else items
    for anchor, title in parts.sections:
        target.append(AnchorLink(title, anchor, 2))
    return html


def _hidden_link(site, match, src: str) -> str:
    """A link to a record this audience may not see becomes a note that a reference exists."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(src), match.group(1)))
    if target in site.hidden_src:
        return f'<span class="bl-hidden-ref">{site.renderer.w("hidden_ref")}</span>'
    return match.group(0)
