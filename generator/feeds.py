"""Feeds and downloads: Atom, RSS 2.0, iCalendar, JSON and CSV, from plain data.

Nothing here knows about records or MkDocs. Everything is deterministic: no
clock is read; every date comes in as an argument.

- ``atom_feed`` / ``rss_feed``: entries are written in the order given (newest
  first is the caller's job). Relative entry URLs are resolved against
  ``site_url``. Dates become midnight UTC (a ``datetime`` is kept as given;
  a naive one is taken as UTC).
- ``ics_calendar``: RFC 5545 through the ``icalendar`` library (escaping, CRLF, folding at 75 octets),
  all-day events; Outlook and Thunderbird subscribe to it. URLs everywhere are percent-encoded.
- ``records_json``: compact UTF-8 JSON, dates as ISO strings, keys sorted.
- ``csv_bytes``: UTF-8 with BOM and CRLF, for Excel, with a formula-injection guard.
- ``xlsx_bytes``: an Excel workbook (written by xlsx.py, no library): text always as text (never a formula), dates as
  dates, numbers as numbers, links as hyperlinks; the same bytes for the same rows and ``stamp``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import quote, urljoin
from xml.sax.saxutils import escape, quoteattr

import icalendar

from . import xlsx

GENERATOR = "Bulletin"
PRODID = "-//Bulletin//Bulletin//ZH"
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class FeedEntry:
    id: str                   # stable and unique; a non-URI id becomes "urn:bulletin:<id>" in Atom
    title: str
    url: str                  # absolute, or relative to site_url
    updated: date             # a date (midnight UTC) or a datetime
    summary: str = ""         # plain text
    author: str = ""
    categories: tuple = ()


@dataclass(frozen=True)
class CalEvent:
    uid: str                  # unique in the calendar and stable across builds, e.g. "CAPA-2026-001-due@bulletin"
    summary: str
    start: date
    end: date | None = None   # last day, inclusive; None = a one-day event
    url: str = ""
    description: str = ""
    categories: tuple = ()


# ---------------------------------------------------------------- XML helpers

def _clean(value) -> str:
    return _XML_BAD.sub("", "" if value is None else str(value))


def _t(value) -> str:
    return escape(_clean(value))


def _a(value) -> str:
    return quoteattr(_clean(value))


def _utc(d: date) -> datetime:
    if isinstance(d, datetime):
        return d.replace(tzinfo=timezone.utc) if d.tzinfo is None else d.astimezone(timezone.utc)
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


def _rfc3339(d: date) -> str:
    return _utc(d).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rfc822(d: date) -> str:
    return format_datetime(_utc(d), usegmt=True)


def _base(site_url: str) -> str:
    return site_url if not site_url or site_url.endswith("/") else site_url + "/"


def _uri(url) -> str:
    """A URL as a URI: no control character, space or other character a URI may not hold (percent-encoded)."""
    return quote(_clean(url).strip(), safe=_URI_SAFE)


def _abs(url: str, site_url: str) -> str:
    url = _uri(url)
    return urljoin(_base(site_url), url) if site_url else url


def _atom_id(entry_id: str) -> str:
    entry_id = _clean(entry_id).strip()
    if _URI.match(entry_id):
        return entry_id
    return "urn:bulletin:" + quote(entry_id, safe="-._~")


# ---------------------------------------------------------------- Atom and RSS

def atom_feed(entries: list[FeedEntry], *, title: str, site_url: str, feed_url: str,
              updated: date, lang: str = "zh") -> str:
    """An Atom 1.0 (RFC 4287) document."""
    site, feed = _abs(site_url, ""), _abs(feed_url, site_url)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang={_a(lang)}>',
        f'  <title type="text">{_t(title)}</title>',
        f"  <id>{_t(feed if _URI.match(feed) else _atom_id(feed or title))}</id>",
        f"  <updated>{_rfc3339(updated)}</updated>",
        f'  <link rel="self" type="application/atom+xml" href={_a(feed)}/>',
        f'  <link rel="alternate" type="text/html" href={_a(site)}/>',
        f"  <author><name>{_t(title)}</name></author>",
        f"  <generator>{GENERATOR}</generator>",
    ]
    for e in entries:
        out.append("  <entry>")
        out.append(f'    <title type="text">{_t(e.title)}</title>')
        out.append(f"    <id>{_t(_atom_id(e.id))}</id>")
        out.append(f'    <link rel="alternate" type="text/html" href={_a(_abs(e.url, site_url))}/>')
        out.append(f"    <updated>{_rfc3339(e.updated)}</updated>")
        if e.author:
            out.append(f"    <author><name>{_t(e.author)}</name></author>")
        for c in e.categories:
            out.append(f"    <category term={_a(c)}/>")
        if e.summary:
            out.append(f'    <summary type="text">{_t(e.summary)}</summary>')
        out.append("  </entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def rss_feed(entries: list[FeedEntry], *, title: str, site_url: str, feed_url: str,
             updated: date, lang: str = "zh") -> str:
    """An RSS 2.0 document. Summaries are plain text (HTML-escaped inside <description>)."""
    site, feed = _abs(site_url, ""), _abs(feed_url, site_url)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0" xmlns:atom="{ATOM_NS}" xmlns:dc="{DC_NS}">',
        "  <channel>",
        f"    <title>{_t(title)}</title>",
        f"    <link>{_t(site)}</link>",
        f"    <description>{_t(title)}</description>",
        f"    <language>{_t(lang)}</language>",
        f"    <lastBuildDate>{_rfc822(updated)}</lastBuildDate>",
        f"    <generator>{GENERATOR}</generator>",
        f'    <atom:link href={_a(feed)} rel="self" type="application/rss+xml"/>',
    ]
    for e in entries:
        out.append("    <item>")
        out.append(f"      <title>{_t(e.title)}</title>")
        out.append(f"      <link>{_t(_abs(e.url, site_url))}</link>")
        out.append(f'      <guid isPermaLink="false">{_t(e.id)}</guid>')
        out.append(f"      <pubDate>{_rfc822(e.updated)}</pubDate>")
        if e.author:
            out.append(f"      <dc:creator>{_t(e.author)}</dc:creator>")
        for c in e.categories:
            out.append(f"      <category>{_t(c)}</category>")
        if e.summary:
            out.append(f"      <description>{_t(html.escape(_clean(e.summary), quote=False))}</description>")
        out.append("    </item>")
    out += ["  </channel>", "</rss>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- iCalendar

def ics_calendar(events: list[CalEvent], *, name: str, stamp: date, base_url: str = "") -> str:
    """An iCalendar (RFC 5545) document of all-day events, in the order given, written by `icalendar`.

    DTEND is the day after ``end`` (or ``start``). The URL is also appended to
    the description, because Outlook does not show the URL property. Relative
    URLs are resolved against ``base_url`` when it is given, and percent-encoded.
    DTSTAMP is ``stamp`` (no clock is read). Raises ValueError on a repeated UID.
    """
    return ics_document([ics_event(ev, stamp=stamp, base_url=base_url) for ev in events], name=name)


def ics_event(ev: CalEvent, *, stamp: date, base_url: str = "") -> tuple[str, str]:
    """(UID, the VEVENT's text) of one event, as ics_calendar writes it; ValueError without a UID."""
    uid = _clean(ev.uid).strip()
    if not uid:
        raise ValueError("calendar event without a UID")
    start = ev.start.date() if isinstance(ev.start, datetime) else ev.start
    end = ev.end.date() if isinstance(ev.end, datetime) else ev.end
    last = max(end, start) if end is not None else start
    url = _uri(_abs(ev.url, base_url) if base_url else ev.url)
    description = _clean(ev.description)
    if url:
        description = f"{description}\n\n{url}" if description else url
    event = icalendar.Event()
    event.add("UID", icalendar.vText(uid))
    event.add("DTSTAMP", _utc(stamp))
    event.add("DTSTART", start)
    event.add("DTEND", last + timedelta(days=1))
    event.add("SUMMARY", icalendar.vText(_clean(ev.summary)))
    if description:
        event.add("DESCRIPTION", icalendar.vText(description))
    if url:
        event.add("URL", url)
    cats = [_clean(c) for c in ev.categories if str(c)]
    if cats:
        event.add("CATEGORIES", cats)
    for key, value in (("TRANSP", "TRANSPARENT"), ("X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE"),
                       ("X-MICROSOFT-CDO-BUSYSTATUS", "FREE")):
        event.add(key, icalendar.vText(value))
    return uid, event.to_ical(sorted=False).decode("utf-8")


_ICS_END = "END:VCALENDAR\r\n"


def ics_document(events: list[tuple[str, str]], *, name: str) -> str:
    """The calendar of events written by ics_event (kept events need not be written again); ValueError
    on a repeated UID."""
    seen = set()
    for uid, _ in events:
        if uid in seen:
            raise ValueError(f"repeated calendar UID: {uid}")
        seen.add(uid)
    cal = icalendar.Calendar()
    for key, value in (("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN"),
                       ("METHOD", "PUBLISH"), ("NAME", name), ("X-WR-CALNAME", name)):
        cal.add(key, icalendar.vText(_clean(value)))
    cal.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", icalendar.vText("PT1H"))
    head = cal.to_ical(sorted=False).decode("utf-8")
    return head[:-len(_ICS_END)] + "".join(text for _, text in events) + _ICS_END


# ---------------------------------------------------------------- JSON and CSV

def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def records_json(rows, *, indent: int | None = None, sort_keys: bool = True) -> str:
    """JSON text of `rows` (a list of dicts, or any JSON-like value), order of the list kept.

    Dates become ISO strings, tuples lists, NaN null; non-ASCII is written as is;
    "</" is written "<\\/" so the text can also be inlined in a <script> element.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(_jsonable(rows), ensure_ascii=False, sort_keys=sort_keys, indent=indent,
                      separators=separators, allow_nan=False)
    return text.replace("</", "<\\/") + "\n"


def json_item(row) -> str:
    """One item of a compact records_json list, written once and kept (json_list joins them)."""
    return records_json(row)[:-1]


def json_list(items: list[str]) -> str:
    """records_json of a list whose items json_item wrote."""
    return "[" + ",".join(items) + "]\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """One CSV cell: None -> "", lists joined with "、", dates ISO, formula-like text prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "" if isinstance(value, float) and not math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        text = "、".join(_plain(v) for v in items if v is not None)
    else:
        text = _plain(value)
    return "'" + text if text.lstrip(" \n").startswith(_FORMULA_START) else text


def _plain(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    if isinstance(value, dict):      # a response, a receipt, scores: "key: value; key: value"
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items() if v is not None)
    return str(value)


def csv_bytes(columns: list[str], rows: list[list]) -> bytes:
    """CSV for Excel: UTF-8 with BOM, CRLF line ends, a header row of `columns`."""
    return csv_document(columns, [csv_line(row) for row in rows])


def csv_line(row: list) -> str:
    """One row of csv_bytes, written once and kept (csv_document joins them)."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def csv_document(columns: list[str], lines: list[str]) -> bytes:
    """csv_bytes of rows that csv_line wrote."""
    return ("\ufeff" + csv_line(columns) + "".join(lines)).encode("utf-8")


# ---------------------------------------------------------------- Excel

@dataclass(frozen=True)
class Link:
    """A cell that links to a page: a hyperlink when the URL can be made absolute, else its text."""
    text: str
    url: str                  # absolute, or relative to site_url


XLSX_MAX_TEXT = 32767         # the most characters Excel keeps in a cell
_SHEET_BAD = re.compile(r"[\\/*?:\[\]]")


def _width(text: str) -> int:
    """Columns a text takes in Excel's default font: East Asian wide characters count two."""
    line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)


def xlsx_bytes(columns: list[str], rows: list[list], *, sheet: str, stamp: date, site_url: str = "") -> bytes:
    """One worksheet: a bold, frozen header row of `columns` with an autofilter, then `rows`.

    Cells: None -> empty; str (and lists, objects, as csv_cell writes them) -> text, never a formula;
    int/float -> a number; date -> a date (yyyy-mm-dd); bool -> TRUE/FALSE; Link -> a hyperlink when
    ``site_url`` or its URL makes it absolute, else its text. Column widths follow the longest cell
    (capped). The document's created/modified dates are ``stamp`` and every zip entry carries it, so
    the same arguments give the same bytes (xlsx.py writes them).
    """
    return xlsx_document(columns, [xlsx_row(row, site_url) for row in rows], sheet=sheet, stamp=stamp)


def xlsx_row(row: list, site_url: str = "") -> tuple:
    """One row of xlsx_bytes, written once and kept (xlsx_document joins them): its XML and links
    (xlsx.row), and the width of each cell's text."""
    cells = [_xlsx_cell(value, site_url) for value in row]
    return (*xlsx.row([cell for cell, _ in cells]), [_width(shown) for _, shown in cells])


def xlsx_document(columns: list[str], rows: list[tuple], *, sheet: str, stamp: date) -> bytes:
    """xlsx_bytes of rows that xlsx_row wrote."""
    header = [_text(name, xlsx.BOLD) for name in columns]
    widths = [_width(c.value if c else "") for c in header]
    for _, _, row_widths in rows:
        for ci, width in enumerate(row_widths[:len(widths)]):
            widths[ci] = max(widths[ci], width)
    name = _SHEET_BAD.sub(" ", _clean(sheet)).strip()[:31] or "Sheet1"
    ncols = max([len(header)] + [len(w) for _, _, w in rows])
    return xlsx.book(name, [xlsx.row(header)] + [(xml, links) for xml, links, _ in rows], ncols,
                     [min(max(w + 2, 8), 60) for w in widths], stamp, GENERATOR)


def _text(value, style: int = xlsx.PLAIN, link: str = "") -> xlsx.Cell | None:
    text = _clean(value)[:XLSX_MAX_TEXT]
    return xlsx.Cell(text, style, link) if text else None    # an empty text stays an empty cell


def _xlsx_cell(value, site_url: str) -> tuple[xlsx.Cell | None, str]:
    """The cell for `value`, and the text it shows (for the column's width)."""
    if value is None:
        return None, ""
    if isinstance(value, Link):
        url = _abs(value.url, site_url) if value.url else ""
        link = url if _URI.match(url) else ""
        cell = _text(value.text, xlsx.LINK if link else xlsx.PLAIN, link)
        return cell, cell.value if cell else ""
    if isinstance(value, bool):
        return xlsx.Cell(value), "FALSE"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None, ""
        return xlsx.Cell(value), str(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return xlsx.Cell(value, xlsx.DATE), "2000-01-01"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        value = "、".join(_plain(v) for v in items if v is not None)
    else:
        value = _plain(value)
    cell = _text(value)
    return cell, cell.value if cell else ""
