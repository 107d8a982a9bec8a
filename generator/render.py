"""Jinja2 over templates/site/: page models in, Markdown (with HTML blocks) out. All record text is escaped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
import re

import jinja2
import nh3
from markupsafe import Markup, escape

from . import guard, state
from .config import Config
from .labels import Words
from .records import Record, Records
from .resources import template_dirs
from .schema import FieldSpec, customer_id
from .urls import relative, src_of, url_of

CARD_SKIP = {"id", "title", "actions", "withdrawn", "amendments"}
LEADING_H1 = re.compile(r"\A\s*#\s+[^\n]*\n?")
BODY_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)   # a body's headings: our sections must not repeat them

# --- the sanitiser of HTML written by people (record bodies, the contributor guide) ------------------
# Tags and attributes by allow-list. Kept: what record Markdown makes (tables, heading ids and permalinks,
# task lists, admonitions, details, footnotes, code). Dropped: every data-* attribute, event handlers,
# style, forms, frames; classes and ids that the theme's or our scripts act on; URLs other than
# http(s), mailto, tel and relative ones.
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {
    "div", "span", "section", "aside", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "details", "summary", "figure", "figcaption", "img", "input", "br", "hr", "sup", "sub", "mark", "kbd",
    "abbr", "caption", "colgroup", "col", "del", "ins", "s", "u",
}
ALLOWED_ATTRS = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden", "aria-describedby",
          "aria-labelledby", "align"},
    "a": {"href", "title", "download"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
    "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# class names and ids the theme (Material: md-*, __*, data-md-*) or our scripts (bl-*) look for
_SCRIPTED_NAME = re.compile(r"^(?:md|bl)[-_]|^_", re.I)
_OWN_CLASSES = {"bl-hidden-ref", "bl-guarded"}   # put into bodies before sanitising (audience.Mask, guard); style only
_SAFE_ID = re.compile(r"^(?:[^\W_][\w\-.:]*|_\d+)$")   # _1: a heading without letters, as toc names it
_URL_ATTRS = {"href", "src"}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_URL = re.compile(r"^[a-z0-9+.\-]*(?:script|data):", re.I)


def _attribute(tag: str, attr: str, value: str) -> str | None:
    """Per value: no scripted class or id, no DOM clobbering, no script URL, only checkbox inputs."""
    if attr == "class":
        kept = [c for c in value.split() if c in _OWN_CLASSES or not _SCRIPTED_NAME.match(c)]
        return " ".join(kept) or None
    if attr == "id":
        return value if _SAFE_ID.match(value) and not _SCRIPTED_NAME.match(value.lstrip("_")) else None
    if attr in _URL_ATTRS and _SCRIPT_URL.match(_URL_NOISE.sub("", value)):
        return None
    if tag == "input" and attr == "type":
        return value if value.lower() == "checkbox" else None
    return value


def sanitize(html: str) -> str:
    """HTML written by people, with nothing a browser, the theme or our scripts would run or act on."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, attribute_filter=_attribute,
                     link_rel=None, url_schemes=URL_SCHEMES, strip_comments=True)


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates in the cache folder (keyed by each template's source): no compiling every build."""
    from .stage2 import cache_dir

    folder = cache_dir() / "jinja-autoescape"   # compiled code differs with autoescape: never the old cache
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def theme_env(env: jinja2.Environment) -> jinja2.Environment:
    """The theme's templates (Material's and our overrides) escape every value they print: names from
    site_config/ reach the header, <title>, navigation and page headings. Set before any template loads."""
    env.autoescape = True
    return env


def trusted_page(page) -> None:
    """What MkDocs hands the theme as HTML already (the page's content, its TOC titles), marked as such."""
    page.content = Markup(page.content or "")

    def mark(items):
        for item in items:
            item.title = Markup(item.title)
            mark(item.children)

    if page.toc is not None:
        mark(page.toc.items)


class GeneratedHtml:
    """A generated page's title and HTML: (title, html) as a pair, the HTML held once, inside the page's
    Markdown (site.files), and cut out of it when read (every board, archive and person page at 100,000
    records: hundreds of MB held twice until written)."""
    __slots__ = ("title", "markdown", "start")

    def __init__(self, title: str, markdown: str, start: int):
        self.title, self.markdown, self.start = title, markdown, start

    @property
    def html(self) -> str:
        return self.markdown[self.start:-1]

    def __iter__(self):
        yield self.title
        yield self.html

    def __getitem__(self, i):
        return (self.title, self.html)[i]

    def __len__(self) -> int:
        return 2


@dataclass
class RecordPage:
    markdown: str                 # heading + the record's body: the only part Markdown must render
    top: str                      # withdrawn banner and header card, placed under the heading
    bottom: str                   # actions, amendments, backlinks, history
    sections: list                # (anchor, title) of the h2 headings in bottom, for the page's TOC


class Renderer:
    def __init__(self, cfg: Config, words: Words, visible: Records, site):
        self.cfg, self.w, self.visible, self.site = cfg, words, visible, site
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(
            [str(d) for d in template_dirs(cfg.root, "site")]), autoescape=True,
                                      trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                                      bytecode_cache=bytecode_cache())
        self._refs: dict[str, tuple[str, str, str]] = {}

    # --- names and links ---------------------------------------------------------------------
    def person_name(self, pid) -> str:
        p = self.cfg.people.get(pid) if isinstance(pid, str) else None
        return p.name if p else str(pid or "")

    def customer_name(self, cid) -> str:
        c = self.cfg.customers.get(cid) if isinstance(cid, str) else None
        if not c:
            return str(cid or "")
        return (c.name_en or c.name) if self.w.lang == "en" else c.name

    def dept_name(self, code) -> str:
        d = self.cfg.departments.get(code) if isinstance(code, str) else None
        if not d:
            return str(code or "")
        return (d.name_en or d.name) if self.w.lang == "en" else d.name

    def _ctx(self, src: str) -> dict:
        refs = self._refs   # record ID -> (URL, escaped "ID title" label, escaped ID): made once per build

        def link(target_src: str) -> str:
            return relative(src, url_of(target_src))

        def rec(rid, with_title=True) -> Markup:
            ref = refs.get(rid) if isinstance(rid, str) else None
            if ref is not None:
                self.site.reads.add((rid, "title"))    # the title was read once, for every page that shows it
            else:
                r = self.visible.get(rid) if isinstance(rid, str) else None
                if r is None:
                    if rid in self.site.hidden_ids:
                        return Markup('<span class="bl-hidden-ref">{}</span>').format(self.w("hidden_ref"))
                    return Markup(escape(rid))
                ref = refs[rid] = (url_of(src_of(r)), f'<span class="bl-ref">{escape(r.id)}</span> {escape(r.title)}',
                                   str(escape(r.id)))
            return Markup(f'<a href="{escape(relative(src, ref[0]))}">{ref[1] if with_title else ref[2]}</a>')

        people_links: dict = {}     # pid -> its link on this page: a page names the same people many times

        def person(pid) -> Markup:
            if isinstance(pid, str) and pid in self.cfg.people:
                out = people_links.get(pid)
                if out is None:
                    out = people_links[pid] = Markup(
                        f'<a href="{escape(link(f"people/{pid}.md"))}">{escape(self.person_name(pid))}</a>')
                return out
            return Markup(escape(pid or ""))

        chains: dict = {}

        def people(pids) -> Markup:
            """People in order, joined by arrows (an escalation's chain): made once per chain on a page."""
            key = tuple(pids)
            out = chains.get(key)
            if out is None:
                out = chains[key] = Markup(" → ").join(person(p) for p in key)
            return out

        def dept(code) -> Markup:
            if isinstance(code, str) and code in self.cfg.departments:
                return Markup(f'<a href="{escape(link(f"departments/{code}.md"))}">{escape(self.dept_name(code))}</a>')
            return Markup(escape(code or ""))

        def badge(group: str, value, extra: str = "") -> Markup:
            extra = f" {escape(extra)}" if extra else ""
            return Markup(f'<span class="bl-badge bl-{escape(group.replace("_", "-"))}-{escape(value)}{extra}">'
                          f'{escape(self.w.value(group, value))}</span>')

        def field_title(record, name) -> str:
            spec = self.cfg.types[record.type].fields.get(name)
            return spec.title(self.w.lang) if spec else name

        def record_items(items) -> Markup:
            """<li> lines of records, newest ID first: the rows of long lists (people, departments, archives)."""
            withdrawn = f" {badge('notice_state', 'withdrawn')}"
            return Markup("".join(f"<li>{rec(r.id)}{withdrawn if r.withdrawn else ''}</li>\n"
                                  for r in sorted(items, key=lambda r: r.id, reverse=True)))

        def rec_ids(items) -> Markup:
            """The records' IDs as links, space-separated (the figures of a review pack)."""
            return Markup(" ".join(rec(r.id, False) for r in items))

        def customer(value) -> Markup:
            """A customer field: a link to the customer's page when it names one (customers.yml), else the text."""
            cid = customer_id(value, self.cfg.customers) if self.cfg.customers else None
            if cid is None:
                return Markup(escape("" if value is None else value))
            return Markup(f'<a href="{escape(link(f"customers/{cid}.md"))}">{escape(self.customer_name(cid))}</a>')

        return dict(w=self.w, link=link, field_title=field_title, rec=rec, person=person, people=people, dept=dept, badge=badge,
                    record_items=record_items, rec_ids=rec_ids, today=self.site.today, customer=customer, get=self.visible.get,
                    state=state, src=src, src_of=src_of, cfg=self.cfg, lang=self.w.lang, late_reason=late_reason,
                    closed_late=closed_late, done_late=done_late, done_on=done_on,
                    value=lambda r, name: self.value(r, name, rec, person, dept, badge, customer))

    # --- pages -------------------------------------------------------------------------------
    def page(self, template: str, src: str, title: str, **ctx) -> str:
        """A generated page as Markdown (a heading, then HTML); its parts are kept for direct use."""
        html = self.env.get_template(template).render(**self._ctx(src), title=title, **ctx).strip()
        markdown = f"# {_md_escape(title)}\n\n{html}\n"
        self.site.html_pages[src] = GeneratedHtml(title, markdown, len(markdown) - len(html) - 1)
        return markdown

    def record(self, record: Record, site) -> "RecordPage":
        """The page of a record: its Markdown body (to MkDocs), and our HTML around it (to the hook)."""

        src = src_of(record)
        ctx = self._ctx(src)
        rtype = self.cfg.types[record.type]
        fields = [(spec, record.get(name)) for name, spec in rtype.fields.items()
                  if name not in CARD_SKIP and record.get(name) not in (None, "", [])]
        top = self.env.get_template("record_top.html").render(
            **ctx, r=record, rtype=rtype, fields=fields,
            notice_state=(state.notice_state(record, site.today, site.superseders)
                          if record.type == "notice" else None),
            days_late=state.days_late(record, self.cfg, site.today),
            why_late=late_reason(record, site.today), closed_late_by=closed_late(record),
            superseder=site.superseders.get(record.id),
            age=state.capa_age(record, site.today) if record.type == "capa" else None,
            receipts=state.receipts_of(record, self.cfg),
            overall=state.survey_overall(record) if record.type == "survey" and record.get("overall") is None else None,
            responded_in=state.days_to_respond(record) if record.type == "complaint" else None)
        bottom = self.env.get_template("record_bottom.html").render(
            **ctx, r=record, rtype=rtype, actions=state.actions_of(record, site.today),
            backlinks=site.backlinks.get(record.id, []), history=site.history.get(record.path, []),
            shallow=site.shallow, hidden_commits=site.hidden_commits, approvals=site.approvals.get(record.path),
            body_headings={h.strip() for h in BODY_HEADING.findall(record.body)})
        # links to hidden records are masked already (audience.Mask); the guard stops bodies Markdown chokes on
        body = guard.safe_markdown(LEADING_H1.sub("", record.body, count=1), self.w.lang)
        sections = re.findall(r'<h2 id="(\w+)">([^<]*)<', bottom)
        return RecordPage(f"# {_md_escape(record.title)}\n\n{body}\n", top.strip(), bottom.strip(), sections)

    def value(self, record: Record, name: str, rec, person, dept, badge, customer=None) -> Markup:
        spec = self.cfg.types[record.type].fields.get(name)
        return self._value(record.get(name), spec, rec, person, dept, badge, name, customer)

    def _value(self, v, spec: FieldSpec | None, rec, person, dept, badge, name="", customer=None) -> Markup:
        kind = spec.kind if spec else "text"
        if v is None:
            return Markup("")
        if kind == "list" and isinstance(v, list):
            parts = [self._value(x, spec.of, rec, person, dept, badge, name, customer) for x in v]
            return Markup("、").join(parts)
        if kind == "object" and isinstance(v, dict):
            items = [Markup("<li>{}：{}</li>").format(
                (spec.struct.fields[k].title(self.w.lang) if k in spec.struct.fields else k),
                self._value(x, spec.struct.fields.get(k), rec, person, dept, badge, k, customer)) for k, x in v.items()]
            return Markup('<ul class="bl-sub">{}</ul>').format(Markup("").join(items))
        if kind == "map" and isinstance(v, dict):
            items = [Markup("<li>{}：{}</li>").format(k, self._value(x, spec.of, rec, person, dept, badge, k, customer))
                     for k, x in v.items()]
            return Markup('<ul class="bl-sub">{}</ul>').format(Markup("").join(items))
        if kind == "customer" and customer is not None:
            return customer(v)
        if kind == "person":
            return person(v)
        if kind == "dept":
            return dept(v)
        if kind in ("ref", "source_ref"):
            return rec(v)
        if kind == "audience":
            return (Markup(escape(self.w("all_staff"))) if v == "all" or v == ["all"]
                    else Markup("、").join(dept(x) for x in (v if isinstance(v, list) else [v])))
        if kind == "bool":
            return Markup(escape(self.w.value("bool", "true" if v else "false")))
        if kind == "choice":
            group = name if name in ("status", "kind", "category", "source", "visibility", "channel", "severity",
                                     "audit", "grade", "party_kind") else ""
            return badge(group, v) if name == "status" else Markup(escape(self.w.value(group, v)))
        if isinstance(v, dt.date):
            return Markup(escape(v.isoformat()))
        return Markup(escape(str(v)))

    # --- data files --------------------------------------------------------------------------
    def _columns(self, rtype: str) -> list[tuple[str, str, str, bool]]:
        """(key, label, cell type, filterable) for the index table of a type."""
        common = [("id", self.w("id"), "link", False), ("title", self.w("title"), "link", False)]
        per_type = {
            "meeting": [("kind", "kind", "text", True), ("date", "date", "date", False),
                        ("department", "department", "text", True), ("status", "status", "badge", True)],
            "notice": [("category", "category", "text", True), ("department", "department", "text", True),
                       ("issued_on", "issued_on", "date", False), ("state", "state", "badge", True)],
            "capa": [("source", "source", "text", True), ("department", "department", "text", True),
                     ("owner", "owner", "text", True), ("opened_on", "opened_on", "date", False),
                     ("due", "due", "date", False), ("status", "status", "badge", True),
                     ("days_late", "days_late", "number", False)],
            "report": [("kind", "kind", "text", True), ("department", "department", "text", True),
                       ("period", "period", "text", True), ("submitted_on", "submitted_on", "date", False),
                       ("author", "author", "text", False)],
            "complaint": [("customer", "customer", "text", True), ("severity", "severity", "text", True),
                          ("received_on", "received_on", "date", False), ("response_due", "response_due", "date", False),
                          ("status", "status", "badge", True), ("days_late", "days_late", "number", False)],
            "nc": [("audit", "audit", "text", True), ("audit_ref", "audit_ref", "text", True),
                   ("department", "department", "text", True), ("grade", "grade", "text", True),
                   ("found_on", "found_on", "date", False), ("status", "status", "badge", True)],
            "survey": [("customer", "customer", "text", True), ("period", "period", "text", True),
                       ("received_on", "received_on", "date", False), ("overall", "overall", "number", False)],
            "memo": [("department", "department", "text", True), ("to", "to", "text", True),
                     ("sent_on", "sent_on", "date", False), ("reply_due", "reply_due", "date", False),
                     ("status", "status", "badge", True), ("days_late", "days_late", "number", False)],
            "contact": [("party_kind", "party_kind", "text", True), ("party", "party", "text", True),
                        ("channel", "channel", "text", True), ("date", "date", "date", False),
                        ("department", "department", "text", True)],
        }.get(rtype, [("department", "department", "text", True)])
        fields = self.cfg.types[rtype].fields
        out = list(common)
        for key, label, kind, filt in per_type:
            if key not in fields and key not in ("state", "days_late"):
                continue   # a company's own type that took a v2 type's name has fields of its own
            title = fields[key].title(self.w.lang) if key in fields else self.w(label)
            out.append((key, title, kind, filt))
        return out

    def index_json(self, rtype: str, records: list[Record], src: str, rows=None) -> str:
        """The type's index table (columns, rows newest ID first, labels); `rows`: each record's row written
        by index_row, in that order (kept rows need not be written again)."""
        import json

        if rows is None:
            rows = [self.index_row(rtype, r, src) for r in sorted(records, key=lambda r: r.id, reverse=True)]
        w = self.w
        data = {
            "columns": [{"key": k, "label": label, "type": kind, "filter": f} for k, label, kind, f in self._columns(rtype)],
            "rows": [],
            "labels": {"search": w("filter"), "all": w("all"), "shown": w("shown"), "prev": w("prev"),
                       "next": w("next"), "none": w("no_rows")},
            "page_size": 50,
            "sort": {"key": "id", "dir": "desc"},
        }
        head, tail = json.dumps(data, ensure_ascii=False, separators=(",", ":")).split('"rows":[]', 1)
        return head + '"rows":[' + ",".join(rows) + "]" + tail

    def index_row(self, rtype: str, r: Record, src: str) -> str:
        """One record's row of index_json (JSON text)."""
        import json

        today = self.site.today
        sup = self.site.superseders
        href = relative(src, url_of(src_of(r)))
        row: dict = {"id": {"text": r.id, "href": href}, "title": {"text": r.title, "href": href}}
        for key, _, kind, _ in self._columns(rtype)[2:]:
            v = r.get(key)
            if key == "state":
                s = state.notice_state(r, today, sup)
                row[key] = {"text": self.w.value("notice_state", s), "value": s, "cls": f"bl-badge bl-notice-state-{s}"}
            elif key == "status":
                s = "withdrawn" if r.withdrawn else v
                group = "notice_state" if r.withdrawn else "status"
                row[key] = {"text": self.w.value(group, s), "value": s, "cls": f"bl-badge bl-status-{s}"}
            elif key == "days_late":
                row[key] = state.days_late(r, self.cfg, today) or ""
            elif key == "overall":
                overall = state.survey_overall(r)
                row[key] = "" if overall is None else overall
            elif key == "department":
                row[key] = self.dept_name(v)
            elif key == "to":
                row[key] = "、".join(self.dept_name(d) for d in v) if isinstance(v, list) else ""
            elif key in ("customer", "party"):
                cid = customer_id(v, self.cfg.customers) if self.cfg.customers else None
                row[key] = self.customer_name(cid) if cid else ("" if v is None else str(v))
            elif key in ("owner", "author"):
                row[key] = self.person_name(v)
            elif key in ("kind", "category", "source", "severity", "audit", "grade", "channel", "party_kind"):
                row[key] = self.w.value(key, v)
            elif isinstance(v, dt.date):
                row[key] = v.isoformat()
            else:
                row[key] = "" if v is None else str(v)
        return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _days_after(day, limit) -> int:
    """Days `day` lies after `limit` (dates), 0 when not after or either is missing."""
    if not isinstance(day, dt.date) or not isinstance(limit, dt.date):
        return 0
    return max(0, (day - limit).days)


def late_reason(record: Record, today: dt.date) -> str:
    """Why an overdue CAPA is overdue: "own" (its own due date passed) or "action" (only an action is late);
    "" for other types (their one due date says it)."""
    if record.type != "capa" or not state.capa_days_late(record, today):
        return ""
    return "own" if _days_after(today, record.get("due")) else "action"


def closed_late(record: Record) -> int:
    """Days a closed record (a CAPA) was closed after its `due` date; 0 when on time or without one."""
    if record.get("status") != "closed":
        return 0
    return _days_after(record.get("closed_on"), record.get("due"))


def done_late(record: Record, n: int) -> int:
    """Days action n (from 1) was done after its own due date; 0 when on time or not done."""
    items = record.get("actions") or []
    a = items[n - 1] if 0 < n <= len(items) and isinstance(items[n - 1], dict) else {}
    return _days_after(a.get("done_on"), a.get("due"))


def done_on(record: Record, n: int):
    items = record.get("actions") or []
    a = items[n - 1] if 0 < n <= len(items) and isinstance(items[n - 1], dict) else {}
    return a.get("done_on") or ""


def _md_escape(text: str) -> str:
    """A title as a Markdown heading: HTML escaped, Markdown punctuation neutralised."""
    text = str(escape(text)).replace("\n", " ")
    return re.sub(r"([\\`*_\[\]{}<>#|!])", r"\\\1", text)
