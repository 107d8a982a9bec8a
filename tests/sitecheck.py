"""Checks over a built site folder, with no browser and no network.

    check_site(folder)           -> list[str]  every internal link, resource and #anchor that does not resolve
    external_loads(folder)       -> list[str]  every resource a page would load from outside the site
    search_index_problems(folder)-> list[str]  the search index the search worker needs: present, full, pointing home

Each returns an empty list for a good site; an entry names the page and what is wrong, so that a failing
assertion says what to fix. `demo_site` builds the demo company once per test session and audience.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# Attributes that make the browser fetch something (loads) or that lead somewhere (links).
LOAD_ATTRS = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "source": ("src", "srcset"),
              "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
              "track": ("src",), "input": ("src",), "link": ("href",)}
LINK_ATTRS = {"a": ("href",), "area": ("href",)}
NOT_A_LOAD = {"canonical", "alternate", "author", "license", "me", "next", "prev", "search", "help"}
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
SITE = "http://site.invalid/"   # a pretend origin, to resolve page-relative URLs with urljoin


class _Page(HTMLParser):
    """What one HTML page refers to and which anchors it offers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []   # (tag, attribute, value)
        self.data_src: list[str] = []                # <div class="bl-table" data-src="...">
        self.styles: list[str] = []                  # inline CSS (style attributes and <style>)
        self.config: dict | None = None              # Material's <script id="__config">
        self.has_search = False
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr in LOAD_ATTRS.get(tag, ()) + LINK_ATTRS.get(tag, ()):
            if attr in a and a[attr].strip():
                values = [v.strip().split()[0] for v in a[attr].split(",") if v.strip()] if attr == "srcset" \
                    else [a[attr].strip()]
                kind = tag if tag != "link" else f"link[rel={a.get('rel', '')}]"
                self.refs.extend((kind, attr, v) for v in values)
        if "data-src" in a:
            self.data_src.append(a["data-src"])
        if a.get("style"):
            self.styles.append(a["style"])
        if a.get("data-md-component") == "search-query":
            self.has_search = True
        if tag == "script" and a.get("id") == "__config" or tag == "style":
            self._in, self._buf = tag, []

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if self._in == tag:
            text = "".join(self._buf)
            if tag == "style":
                self.styles.append(text)
            else:
                try:
                    self.config = json.loads(text)
                except ValueError:
                    self.config = {}
            self._in = None


_PARSED: dict[bytes, _Page] = {}   # content digest -> parsed page: copies of a site are parsed once


def _parse(path: Path) -> _Page:
    data = path.read_bytes()
    key = hashlib.sha1(data).digest()
    if key not in _PARSED:
        p = _Page()
        p.feed(data.decode("utf-8", errors="replace"))
        p.close()
        _PARSED[key] = p
    return _PARSED[key]


def _pages(folder: Path) -> dict[str, _Page]:
    """Site path ("capa/index.html") -> parsed page, for every HTML file."""
    return {f.relative_to(folder).as_posix(): _parse(f) for f in sorted(folder.rglob("*.html"))}


def _is_external(value: str) -> bool:
    return value.startswith("//") or bool(SCHEME.match(value))


def _target(folder: Path, page: str, value: str) -> tuple[str | None, str, str]:
    """(site path of the file the URL leads to or None when it leaves the site, fragment, resolved path)."""
    url = urljoin(SITE + page, value)
    if not url.startswith(SITE):
        return None, "", url
    parts = urlsplit(url)
    path = unquote(parts.path)[1:]
    norm = posixpath.normpath(path) if path else ""
    if norm.startswith("..") or norm == ".":
        norm = ""
    if path == "" or path.endswith("/") or (folder / norm).is_dir():
        norm = posixpath.join(norm, "index.html") if norm else "index.html"
    return norm, unquote(parts.fragment), path


def check_site(folder) -> list[str]:
    """Every internal a/area[href], img/script/iframe/source[src], link[href], table data-src and the
    rows' links in it, Material's search worker and search index, and every #anchor: all must resolve.
    External URLs (another scheme or host) are not followed; see external_loads."""
    folder = Path(folder)
    pages = _pages(folder)
    problems: list[str] = []

    def check(page: str, what: str, value: str) -> None:
        value = value.strip()
        if not value or _is_external(value) or value.startswith("data:"):
            return
        target, fragment, path = _target(folder, page, value)
        if target is None:
            return
        if not target or not (folder / target).is_file():
            problems.append(f"{page}: {what} {value!r} -> {path or '/'} does not exist")
            return
        if fragment and target.endswith(".html"):
            ids = pages[target].ids if target in pages else set()
            if fragment not in ids:
                problems.append(f"{page}: {what} {value!r} -> no id {fragment!r} in {target}")

    for page, p in pages.items():
        for tag, attr, value in p.refs:
            check(page, f"{tag}[{attr}]", value)
        for src in p.data_src:
            check(page, "div[data-src]", src)
            target, _, _ = _target(folder, page, src)
            if target and target.endswith(".json") and (folder / target).is_file():
                for href in _json_hrefs(folder / target):
                    check(page, f"link in {target}", href)
        for css in p.styles:
            for value in CSS_URL.findall(css):
                check(page, "url() in CSS", value)
        if p.config is not None and p.has_search:
            base = p.config.get("base") or "."
            worker = p.config.get("search")
            if worker:
                check(page, "search worker", worker)
            check(page, "search index", base.rstrip("/") + "/search/search_index.json")
    return problems


def _json_hrefs(path: Path) -> list[str]:
    """The hrefs in a bulletin table's data file (cells like {text, href}, or lists of them)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except ValueError:
        return ["<unreadable JSON>"]
    out = []

    def walk(cell):
        if isinstance(cell, list):
            for c in cell:
                walk(c)
        elif isinstance(cell, dict) and isinstance(cell.get("href"), str):
            out.append(cell["href"])

    for row in data.get("rows", []) if isinstance(data, dict) else []:
        for cell in row.values() if isinstance(row, dict) else []:
            walk(cell)
    return out


def external_loads(folder) -> list[str]:
    """Every resource a page (or a local CSS file) would fetch from outside the site: script/img/iframe/
    source/... src, link href (stylesheets, icons, preloads; not rel=canonical/alternate) and CSS url()
    or @import. Plain links (a href) to other sites are not loads and are not reported."""
    folder = Path(folder)
    out: list[str] = []
    for page, p in _pages(folder).items():
        for tag, attr, value in p.refs:
            if tag == "a" or tag == "area":
                continue
            if tag.startswith("link["):
                rels = set(tag[len("link[rel="):-1].lower().split())
                if rels and rels <= NOT_A_LOAD:
                    continue
            if _is_external(value) and not value.startswith(("data:", "blob:")):
                out.append(f"{page}: {tag}[{attr}] {value}")
        for css in p.styles:
            out.extend(f"{page}: url() in CSS {v}" for v in CSS_URL.findall(css) if _is_external(v)
                       and not v.startswith("data:"))
    for css in sorted(folder.rglob("*.css")):
        text = css.read_text("utf-8", errors="replace")
        out.extend(f"{css.relative_to(folder).as_posix()}: url() {v}" for v in CSS_URL.findall(text)
                   if _is_external(v) and not v.startswith("data:"))
    return out


def search_index_problems(folder) -> list[str]:
    """The search index the search worker fetches: it exists, parses, holds an entry for every page of the
    site that has a search box, and every location in it leads to a page (and anchor) that exists."""
    folder = Path(folder)
    index = folder / "search" / "search_index.json"
    if not index.is_file():
        return ["search/search_index.json does not exist: search finds nothing"]
    try:
        docs = json.loads(index.read_text("utf-8")).get("docs")
    except (ValueError, AttributeError):
        return ["search/search_index.json is not a search index (no JSON object with docs)"]
    if not docs:
        return ["search/search_index.json holds no entries: search finds nothing"]
    problems = []
    pages = _pages(folder)
    locations = set()
    for d in docs:
        loc = d.get("location", "")
        target, fragment, path = _target(folder, "index.html", loc)
        locations.add(target)
        if not target or not (folder / target).is_file():
            problems.append(f"search index: location {loc!r} -> {path or '/'} does not exist")
        elif fragment and fragment not in pages.get(target, _Page()).ids:
            problems.append(f"search index: location {loc!r} -> no id {fragment!r} in {target}")
    for page, p in pages.items():
        if p.has_search and page != "404.html" and page not in locations:
            problems.append(f"search index: no entry for {page}")
    return problems


# ------------------------------------------------------------------ the demo site, built once per session

COMMIT_DATE = "2026-11-23T09:30:00+08:00"
_BUILDS: dict[tuple, tuple] = {}     # (audience, language) -> (Popen or None, site folder, args)


def start_builds(tmp_path_factory, *keys: tuple[str, str | None]) -> None:
    """Start `bulletin build` for each (audience, language) not started yet, all at once, in the background."""
    import os
    import subprocess

    from conftest import BULLETIN, DEMO_TODAY, copy_demo, run

    for audience, language in keys:
        if (audience, language) in _BUILDS:
            continue
        base = tmp_path_factory.mktemp(f"demo-{audience}-{language or 'default'}")
        repo = copy_demo(base / "repo")
        # a fixed commit date, so that record histories (and the screenshots) are the same on every run
        run(["git", "-c", "user.name=Test User", "-c", "user.email=test@example.com", "commit", "--amend", "-q",
             "--no-edit", "--date", COMMIT_DATE], cwd=repo, check=True, env={"GIT_COMMITTER_DATE": COMMIT_DATE})
        if language:
            site_yml = repo / "site_config" / "site.yml"
            text = site_yml.read_text("utf-8")
            site_yml.write_text(re.sub(r"(?m)^language:.*$", f"language: {language}", text), "utf-8")
        args = ["build", "--out", str(base / "site"), "--today", DEMO_TODAY]
        if audience != "all-staff":
            args += ["--audience", audience]
        proc = subprocess.Popen([BULLETIN, *args], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        _BUILDS[(audience, language)] = (proc, base / "site", args)


def demo_site(tmp_path_factory, audience: str = "all-staff", language: str | None = None) -> Path:
    """The demo company built with `bulletin build --today DEMO_TODAY [--audience ...]` (and site.yml
    `language:` set when given), once per session and (audience, language). Callers must not change
    it: copy it first."""
    key = (audience, language)
    start_builds(tmp_path_factory, key)
    proc, site, args = _BUILDS[key]
    if proc is not None:
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"bulletin {' '.join(args)} failed ({proc.returncode}):\n{out}"
        _BUILDS[key] = (None, site, args)
    return site
