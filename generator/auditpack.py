"""`bulletin audit-pack`: one period's records as a zip an auditor opens from a USB stick, offline.

The pack is the site `bulletin build` makes for the audience (every board, the audit pages, each record's
page with its history), made fit for file://:
- record pages outside the period leave; a link to one becomes a note "outside the period", a link to any
  other file the pack lacks a note "not in the pack" (feeds and exports, which list every record, leave too);
- directory links (`CAPA-2026-001-x/`) point at their index.html;
- every JSON file (search index, table data) gets a sibling .js that hands the same data to
  assets/bulletin-offline.js, which answers the pages' fetch() of the JSON under file:// (browsers refuse
  fetch there); the search index is rebuilt from the pages in the pack;
- the home page opens with a cover: period, audience, the rule of the period, the audit pages and the
  period's records.

Which records belong to the period: those whose life overlaps it (`span`). The zip is byte-identical for
the same records, period, audience and `today` (sorted entries, fixed times and modes)."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import search, state
from .audience import visible_to
from .audit import END_FIELDS, first_date, notice_ended, start_fields, still_live, year_of_id
from .build import build
from .config import CONFIG_DIR, Config
from .labels import Words
from .pages import nav_of
from .records import RECORDS_DIR, Record
from .resources import PACKAGE
from .urls import review_pack_src, src_of, url_of
from .validate import Result

SHIM = "assets/bulletin-offline.js"
LEFT_OUT = ("records.json", "feed.xml", "rss.xml", "calendar.ics", "sitemap.xml", "sitemap.xml.gz", "exports/",
            "search/", ".bulletin-site", "404.html")


class PackError(Exception):
    """The pack cannot be made as asked (exit 2): a message code and its arguments."""

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code, self.args_ = code, args


def check_request(root: Path, out: Path, start: dt.date, end: dt.date) -> None:
    """Raise PackError for a reversed period, or an --out that is not a new or existing .zip outside the sources."""
    if start > end:
        raise PackError("pack-period-reversed", start=start, end=end)
    root, out = Path(root).resolve(), Path(out).resolve()
    for name in (RECORDS_DIR, CONFIG_DIR, ".git"):
        if out.is_relative_to(root / name):
            raise PackError("pack-out-in-sources", out=out, folder=f"{name}/")
    if out.exists() and (not out.is_file() or not zipfile.is_zipfile(out)):
        raise PackError("pack-out-not-zip", out=out)
    if out.suffix.lower() != ".zip":
        raise PackError("pack-out-suffix", out=out)


# ------------------------------------------------------------------ which records belong to the period

def span(record: Record, cfg: Config, today: dt.date, superseders: dict[str, Record]) -> tuple[dt.date, dt.date]:
    """The record's life: from its own date (the type's `starts_from`, else date held, received, found,
    sent, issued, opened) to its closing, approval or submission date. Records not at the end of their flow,
    and notices in force or scheduled, live to `today`; a superseded or expired notice to that day."""
    start = first_date(record, (*start_fields(record, cfg), "submitted_on")) or year_of_id(record)
    if still_live(record, cfg, today, superseders):
        end = today
    elif record.type == "notice":
        end = notice_ended(record, superseders) or start
    else:
        end = first_date(record, END_FIELDS) or start
    return start, max(start, end)


def in_period(records, cfg: Config, start: dt.date, end: dt.date, today: dt.date, audience: str) -> list[Record]:
    """The records the audience may see whose life overlaps [start, end], by ID."""
    shown = [r for r in records if visible_to(audience, r)]
    superseders = state.superseded_by([r for r in shown if r.type == "notice"], today)
    chosen = []
    for r in shown:
        first, last = span(r, cfg, today, superseders)
        if first <= end and last >= start:
            chosen.append(r)
    return sorted(chosen, key=lambda r: (r.type, r.id))


# ------------------------------------------------------------------ making the pack

@dataclass
class Pack:
    records: int
    files: int


def make_pack(root: Path, result: Result, out: Path, *, start: dt.date, end: dt.date, audience: str,
              today: dt.date) -> Pack:
    """Build the site for the audience, turn it into the pack, write the zip (to a temporary file, renamed)."""
    cfg = result.config
    out = Path(out).resolve()
    check_request(root, out, start, end)
    chosen = in_period(result.records, cfg, start, end, today, audience)
    work = Path(tempfile.mkdtemp(prefix="bulletin-pack-"))
    try:
        site = work / "site"
        build(root, result, site, audience=audience, today=today, incremental_ok=False)
        files = _read(site)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    keep = {url_of(src_of(r)) for r in chosen}
    pages = {url_of(src_of(r)) for r in result.records if visible_to(audience, r)}
    outside = pages - keep
    outside |= {url_of(review_pack_src(r.id)) for r in result.records if url_of(src_of(r)) in outside}
    files = {rel: data for rel, data in files.items()
             if not any(rel.startswith(u) for u in outside) and not rel.startswith(LEFT_OUT)}
    w = Words(cfg.language)
    files["index.html"] = _cover(files["index.html"], chosen, cfg, w, start=start, end=end, audience=audience,
                                 today=today)
    names = set(files) | {SHIM}
    for rel in [r for r in files if r.endswith(".html")]:
        files[rel] = _offline_page(rel, files[rel].decode("utf-8"), names, outside, w).encode("utf-8")
    for rel in [r for r in files if r.endswith(".json")]:
        files[rel] = _offline_json(rel, files[rel], names, outside, w)
    files.update(_search(files, cfg.language))
    files[SHIM] = (PACKAGE / "assets" / "bulletin-offline.js").read_bytes()
    for rel in [r for r in files if r.endswith(".json")]:
        files[rel[:-5] + ".js"] = b"window.__bulletinPack(" + files[rel] + b");\n"
    _write_zip(files, out, folder=f"audit-pack-{start}-{end}", today=today)
    return Pack(len(chosen), len(files))


def _read(site: Path) -> dict[str, bytes]:
    out = {}
    for path in site.rglob("*"):
        if path.is_file():
            out[path.relative_to(site).as_posix()] = path.read_bytes()
    return out


_ANCHOR = re.compile(r"<a\b([^>]*?)\shref=\"([^\"]*)\"([^>]*)>(.*?)</a\s*>", re.S | re.I)
_LINK = re.compile(r"<link\b([^>]*?)\shref=\"([^\"]*)\"([^>]*)>", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def _target(rel: str, href: str) -> tuple[str, str] | None:
    """(the pack file a local link opens, the rest: ?query#fragment); None for a link off the site or in the page."""
    if not href or href.startswith("#") or _SCHEME.match(href):
        return None
    path, rest = re.match(r"([^?#]*)(.*)", href, re.S).groups()
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), html.unescape(path)))
    joined = "" if joined == "." else joined
    if path.endswith("/") or path in (".", "..") or path.endswith("/.") or path.endswith("/.."):
        joined = posixpath.join(joined, "index.html") if joined else "index.html"
    return joined, rest


def _link(rel: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(rel) or ".")


def _is_outside(target: str, outside: set[str]) -> bool:
    return any(target.startswith(u) for u in outside)


def _offline_page(rel: str, text: str, names: set[str], outside: set[str], w: Words) -> str:
    """A page of the pack: links to index.html, notes for what the pack lacks, the offline script first."""

    def fix(m):
        found = _target(rel, html.unescape(m.group(2)))
        if found is None:
            return m.group(0)
        target, rest = found
        if target in names:
            return f'<a{m.group(1)} href="{html.escape(_link(rel, target) + rest)}"{m.group(3)}>{m.group(4)}</a>'
        note = w("pack_outside") if _is_outside(target, outside) else w("pack_absent")
        return (f'<span class="bl-pack-missing">{m.group(4)}</span> '
                f'<small class="bl-pack-note">（{note}）</small>' if w.lang == "zh" else
                f'<span class="bl-pack-missing">{m.group(4)}</span> <small class="bl-pack-note">({note})</small>')

    def fix_link(m):
        found = _target(rel, html.unescape(m.group(2)))
        if found is None:
            return m.group(0)
        target, rest = found
        return f'<link{m.group(1)} href="{html.escape(_link(rel, target) + rest)}"{m.group(3)}>' if target in names else ""

    text = _LINK.sub(fix_link, _ANCHOR.sub(fix, text))
    script = f'<script src="{html.escape(_link(rel, SHIM))}"></script>'
    return text.replace("<head>", "<head>\n" + script, 1)


def _offline_json(rel: str, data: bytes, names: set[str], outside: set[str], w: Words) -> bytes:
    """Table data: links to index.html; a link to what the pack lacks becomes text with a note."""
    try:
        value = json.loads(data)
    except ValueError:
        return data

    def fix(v):
        if isinstance(v, list):
            return [fix(x) for x in v]
        if not isinstance(v, dict):
            return v
        v = {k: fix(x) for k, x in v.items()}
        href = v.get("href")
        found = _target(rel, href) if isinstance(href, str) else None
        if found is None:
            return v
        target, rest = found
        if target in names:
            return {**v, "href": _link(rel, target) + rest}
        note = w("pack_outside") if _is_outside(target, outside) else w("pack_absent")
        return {k: x for k, x in v.items() if k != "href"} | {"text": f"{v.get('text', '')} ({note})"}

    return json.dumps(fix(value), ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


_ARTICLE = re.compile(r"<article class=\"md-content__inner md-typeset\">(.*)</article>", re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _search(files: dict[str, bytes], lang: str) -> dict[str, bytes]:
    """The search index of the pages in the pack, their URLs ending in index.html."""
    docs = []
    for rel in sorted(files):
        if not rel.endswith(".html") or rel == "404.html":
            continue
        text = files[rel].decode("utf-8")
        article = _ARTICLE.search(text)
        if not article:
            continue
        h1 = _H1.search(article.group(1)) or _TITLE.search(text)
        title = re.sub(r"<[^>]*>", "", h1.group(1)) if h1 else rel
        title = re.sub(r"¶$", "", " ".join(html.unescape(title).split())).strip()
        docs.append(search.doc(rel, title, article.group(1)))
    return {f"search/{k}": v for k, v in search.build_index(docs, lang).items()}


def _cover(page: bytes, chosen: list[Record], cfg: Config, w: Words, *, start, end, audience, today) -> bytes:
    """The home page with the pack's cover on top: what, for whom, which period, and where to start."""
    e = html.escape
    audit_links = next((v for item in nav_of(cfg, w, {}) for k, v in item.items() if k == w("audit_pages")), [])
    rows = []
    for rtype in sorted({r.type for r in chosen}, key=lambda t: list(cfg.types).index(t) if t in cfg.types else 99):
        of = [r for r in chosen if r.type == rtype]
        label = cfg.types[rtype].title(cfg.language) if rtype in cfg.types else rtype
        items = "".join(f'<li><a href="{e(url_of(src_of(r)))}">{e(r.id)}</a> {e(r.title)}</li>' for r in of)
        rows.append(f'<details data-type="{e(rtype)}">'
                    f"<summary>{e(label)}（{len(of)}）</summary><ul>{items}</ul></details>")
    pages = "".join(f'<li><a href="{e(url_of(src))}">{e(title)}</a></li>'
                    for entry in audit_links for title, src in entry.items())
    who = w.value("visibility", audience) or audience
    cover = (
        f'<section class="bl-pack-cover" id="audit-pack">'
        f"<h1>{e(w('pack_title'))}</h1>"
        f"<table><tbody><tr><th>{e(w('pack_period'))}</th><td data-pack-period>{start} – {end}</td></tr>"
        f"<tr><th>{e(w('pack_audience'))}</th><td data-pack-audience>{e(who)}（{e(audience)}）</td></tr>"
        f"<tr><th>{e(w('pack_made_on'))}</th><td>{today}</td></tr>"
        f"<tr><th>{e(w('pack_records'))}</th><td>{e(w('pack_records_n', n=len(chosen)))}</td></tr></tbody></table>"
        f"<p>{e(w('pack_offline'))}</p>"
        f"<h2>{e(w('pack_audit_pages'))}</h2><ul>{pages}</ul>"
        f"<h2>{e(w('pack_records'))}</h2>{''.join(rows) or '<p>' + e(w('pack_none')) + '</p>'}"
        f'<p class="bl-pack-rule">{e(w("pack_rule"))}</p>'
        f"</section><hr>")
    text = page.decode("utf-8")
    marker = '<article class="md-content__inner md-typeset">'
    return text.replace(marker, marker + cover, 1).encode("utf-8")


def _write_zip(files: dict[str, bytes], out: Path, *, folder: str, today: dt.date) -> None:
    """The same files give the same bytes: sorted names, the time of `today`, fixed modes; written to a
    temporary file beside `out` and renamed, so `out` is never half-written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as z:
            for name in sorted(files):
                info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(max(today.year, 1980), today.month, today.day, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                z.writestr(info, files[name], compresslevel=9)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
