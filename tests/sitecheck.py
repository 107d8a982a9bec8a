"""Checks over a built site folder, with no browser and no network.

    check_site(folder)           -> list[str]  every internal link, resource and #anchor that does not resolve
    external_loads(folder)       -> list[str]  every resource a page would load from outside the site
    search_index_problems(folder)-> list[str]  the search index the search box reads: present, whole, pointing home

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
        self.has_search = False                      # the header search box (assets/bulletin-search.js)
        self.search_index: str | None = None         # its data-bl-index: the URL of the index's folder
        self.search_base: str | None = None          # its data-bl-base: result links are base + "/" + url
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
        if "data-bl-search" in a:
            self.has_search = True
            self.search_index = a.get("data-bl-index", "")
            self.search_base = a.get("data-bl-base", "")
        if tag == "style":
            self._in, self._buf = tag, []

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if self._in == tag:
            self.styles.append("".join(self._buf))
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


def _in_folder(base: str, rel: str) -> str:
    """`rel` resolved against the relative URL `base`, as new URL(rel, base) does: a base without a final /
    names a file, so rel replaces its last segment."""
    return base[:base.rfind("/") + 1] + rel


def check_site(folder) -> list[str]:
    """Every internal a/area[href], img/script/iframe/source[src], link[href], table data-src and the
    rows' links in it, the search box's index (its manifest.json, and every shard and metadata chunk the
    manifest names) and its result links, and every #anchor: all must resolve.
    External URLs (another scheme or host) are not followed; see external_loads."""
    folder = Path(folder)
    pages = _pages(folder)
    problems: list[str] = []
    manifests: dict[str, list] = {}   # site path of a search manifest -> [(page, data-bl-index, data-bl-base)]

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
        if p.has_search:
            # the search box reads manifest.json in its data-bl-index folder (resolved as the script does, with
            # new URL), then the shards and metadata chunks the manifest names; it links a result to
            # data-bl-base + "/" + the result's URL
            index = (p.search_index or "").strip()
            if not index:
                problems.append(f"{page}: search box without data-bl-index: search finds nothing")
                continue
            manifest = _in_folder(index, "manifest.json")
            before = len(problems)
            check(page, "search index", manifest)
            target, _, _ = _target(folder, page, manifest)
            if len(problems) == before and target:
                manifests.setdefault(target, []).append((page, index, p.search_base or "."))
    for target, users in manifests.items():
        page, index, _ = users[0]
        parts, error = _manifest_parts(folder / target)
        if error:
            problems.append(f"{page}: search index {_in_folder(index, 'manifest.json')!r} -> {error}")
        for rel in parts:
            check(page, "search index part", _in_folder(index, rel))
        chunks = [rel for rel in parts if rel.startswith("m/")]
        try:
            url = json.loads((folder / target).parent.joinpath(chunks[-1]).read_text("utf-8"))[-1][0]
        except (IndexError, KeyError, TypeError, OSError, ValueError):
            continue     # an unreadable index: reported above or by search_index_problems
        for page, _, base in users:   # a result link, from every page: the last document of the index
            check(page, "search result link", base.rstrip("/") + "/" + url)
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


def _manifest_parts(path: Path) -> tuple[list[str], str]:
    """(the files a search manifest names, relative to its folder: "s/0.json", ..., "m/0.json", ...; what is
    wrong with it, or ""). See generator/search.py for the format."""
    try:
        m = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return [], "is not JSON"
    if not isinstance(m, dict):
        return [], "is not a search manifest (no JSON object)"
    missing = [k for k in ("chunk", "docs", "heavy", "m", "s", "shards") if k not in m]
    if missing:
        return [], f"is not a search manifest (no {', '.join(missing)})"
    if not (isinstance(m["s"], list) and isinstance(m["m"], list)) or m["shards"] != len(m["s"]):
        return [], f"names {len(m['s']) if isinstance(m['s'], list) else '?'} shards, says shards={m['shards']!r}"
    return [f"s/{i}.json" for i in range(len(m["s"]))] + [f"m/{j}.json" for j in range(len(m["m"]))], ""


_ALPHABET = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}


def _posting_docs(code: str) -> list[int] | None:
    """The document numbers of a posting list (VLQ deltas of doc * 32 + weight, see generator/search.py);
    None when the list is not well formed."""
    docs, v, value, shift = [], -32, 0, 0
    for c in code:
        digit = _ALPHABET.get(c)
        if digit is None:
            return None
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        v += value
        docs.append(v >> 5)
        value, shift = 0, 0
    return docs if not shift and docs and docs[0] >= 0 and docs == sorted(set(docs)) else None


def record_urls(folder: Path) -> list[str]:
    """The URLs of the records the site shows (records.json), or [] for a site without one."""
    try:
        data = json.loads((Path(folder) / "records.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    rows = data if isinstance(data, list) else data.get("records", []) if isinstance(data, dict) else []
    return [r["url"] for r in rows if isinstance(r, dict) and isinstance(r.get("url"), str)]


# Generated pages that are lists of records: left out of the search index on purpose (generator/hooks.py
# SEARCHED_GENERATED), since they would only echo the titles of the records they list. Every other page
# with a search box (the home page, every record, pages written by hand such as the guide) must be in it.
LIST_PAGES = re.compile(r"^(?:actions|kpi|exports|capa/board|reports/matrix|archive(?:/\d{4})?"
                        r"|departments(?:/[^/]+)?|people(?:/[^/]+)?"
                        r"|(?:complaints|nc|memos)/board|surveys/trend|external/log"   # the v2 boards
                        r"|customers(?:/[^/]+)?|objectives(?:/[^/]+)?"
                        r"|new/[^/]+"                 # the new-record forms: generated, nothing to search
                        r"|register|retention|effectiveness|escalation"   # the audit pages
                        r"|audit|reviews(?:/[^/]+)?)/index\.html$")   # the auditor's index, management-review packs


def _is_list_page(page: str, type_folders: set[str]) -> bool:
    return bool(LIST_PAGES.match(page)) or page in {f"{t}/index.html" for t in type_folders}


def search_index_problems(folder) -> list[str]:
    """The search index the search box reads (search/manifest.json, search/s/*.json, search/m/*.json; the
    format is in generator/search.py): the manifest exists and parses, every shard and metadata chunk it names
    exists and parses, the chunks hold one row per document, every posting points at a document, every
    document's URL leads to a page (and anchor) that exists, and every page with a search box has an entry:
    the home page, every record (records.json), every other page but the generated lists (LIST_PAGES) and 404."""
    folder = Path(folder)
    root = folder / "search"
    if not (root / "manifest.json").is_file():
        return ["search/manifest.json does not exist: search finds nothing"]
    parts, error = _manifest_parts(root / "manifest.json")
    if error:
        return [f"search/manifest.json {error}"]
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    docs, chunk = manifest["docs"], manifest["chunk"]
    if not isinstance(docs, int) or docs < 1:
        return ["search/manifest.json holds no entries: search finds nothing"]
    if not isinstance(chunk, int) or chunk < 1:
        return [f"search/manifest.json: chunk={chunk!r} is not a number of rows"]
    problems = []
    if len(manifest["m"]) != -(-docs // chunk):
        problems.append(f"search/manifest.json names {len(manifest['m'])} metadata chunks for {docs} documents "
                        f"of {chunk} a chunk")
    loaded = {}
    for rel in parts:
        try:
            loaded[rel] = json.loads((root / rel).read_text("utf-8"))
        except OSError:
            problems.append(f"search/{rel} does not exist (named in search/manifest.json)")
        except ValueError:
            problems.append(f"search/{rel} is not JSON")
    # metadata: chunk j holds documents j*chunk .. j*chunk+chunk-1, one row [url, title, text(, 1)] each
    rows: list = []
    chunks = [rel for rel in parts if rel.startswith("m/")]
    for j, rel in enumerate(chunks):
        want = max(0, min(chunk, docs - j * chunk))
        got = loaded.get(rel)
        if rel in loaded and (not isinstance(got, list) or len(got) != want):
            problems.append(f"search/{rel} holds {len(got) if isinstance(got, list) else 'no list of'} entries, "
                            f"the manifest says {want}")
        if isinstance(got, list):
            rows.extend(got)
    for rel in (r for r in parts if r.startswith("s/")):
        shard = loaded.get(rel)
        if rel in loaded and not isinstance(shard, dict):
            problems.append(f"search/{rel} is not a shard (no JSON object)")
            continue
        for token, code in (shard or {}).items():
            found = _posting_docs(code) if isinstance(code, str) else None
            if found is None:
                problems.append(f"search/{rel}: the postings of {token!r} are not well formed")
            elif found[-1] >= docs:
                problems.append(f"search/{rel}: {token!r} points at document {found[-1]}, the index has {docs}")
    pages = _pages(folder)
    locations: dict[str, int] = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) >= 3 and all(isinstance(x, str) for x in row[:3])):
            problems.append(f"search index: {str(row)[:80]!r} is not [url, title, text]")
            continue
        loc = row[0]
        target, fragment, path = _target(folder, "index.html", loc)
        if not target or not (folder / target).is_file():
            problems.append(f"search index: location {loc!r} -> {path or '/'} does not exist")
        elif fragment and fragment not in pages.get(target, _Page()).ids:
            problems.append(f"search index: location {loc!r} -> no id {fragment!r} in {target}")
        if target:
            locations[target] = locations.get(target, 0) + 1
    problems += [f"search index: {n} entries for {t}" for t, n in locations.items() if n > 1]
    records = {_target(folder, "index.html", url)[0] for url in record_urls(folder)}
    type_folders = {url.split("/")[0] for url in record_urls(folder) if "/" in url} | {
        p.parent.name for p in folder.glob("*/index.json")}  # a type's list, also when it has no record yet
    for page in sorted(set(pages) | records):
        if page in locations or page == "404.html":
            continue
        p = pages.get(page, _Page())
        if page in records or (p.has_search and not _is_list_page(page, type_folders)):
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
