"""Audience filter, then every generated page and file as plain text: the site without MkDocs.

`build_site` is called once per build with the validated records; the MkDocs hook only hands
its output to MkDocs (virtual files) and asks it for each record page's Markdown.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import approvals, audit, deps, prerender, review, state   # charts, clauses, feeds: where a page is made
from .audience import AUDIENCES, Mask, keep_masked, recall_masked, ref_specs, refs_of, text_key, visible_to
from .config import Config
from .labels import Words
from .records import RECORDS_DIR, Record, Records
from .render import Renderer
from .stage2 import Memo
from .urls import relative, review_pack_src, src_of, url_of
from .validate import SCHEME, links_of


@dataclass
class Site:
    """Everything one build adds to MkDocs: generated files, record pages, attachments to publish."""
    audience: str
    today: dt.date
    lang: str
    records: Records                              # visible records only
    files: dict[str, str | bytes] = field(default_factory=dict)
    nav: list = field(default_factory=list)
    record_src: dict[str, Record] = field(default_factory=dict)
    hidden_src: set[str] = field(default_factory=set)
    hidden_ids: set[str] = field(default_factory=set)      # hidden IDs, former IDs, and the HiddenRef that masks them
    mask: Mask | None = None
    hidden_commits: set[str] = field(default_factory=set)   # commits that touched or name a hidden record
    attachments: set[str] = field(default_factory=set)   # docs-relative paths to publish
    backlinks: dict[str, list] = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    shallow: bool = False
    renderer: Renderer | None = None
    inputs: str = ""                                       # digest of what the generated files are made from
    extra_pages: dict = field(default_factory=dict)        # page src -> (title, Markdown) written by hand
    superseders: dict = field(default_factory=dict)        # notice ID -> the active notice that replaces it
    html_pages: dict = field(default_factory=dict)         # generated page src -> (title, HTML): no Markdown needed
    approvals: dict = field(default_factory=dict)          # record path -> approvals.Table: who committed each approval
    next_ids: dict = field(default_factory=dict)           # type -> the next free ID of today's year (new/<type>/)
    packs: object = None                                   # () -> {review ID -> review.ReviewPack} (review_packs)
    clauses: object = None                                 # () -> the auditor's index (audit_index)
    memo: Memo = field(default_factory=Memo)               # the data files (workbooks, CSV, calendar) by their inputs
    refs: dict = field(default_factory=dict)               # visible record ID -> [(field, referenced ID)] (refs_of)
    reads: deps.Reads = field(default_factory=deps.Reads)  # what each generated page reads of the records
    deps: deps.Deps | None = None                          # out: those reads, for the next build
    kept: list = field(default_factory=list)               # generated pages the previous build made as they are
    shape: str = ""                                        # pages._shape
    only: set | None = None                                # generated pages to make again (None: all)
    before: dict = field(default_factory=dict)             # the previous build's reads of each generated page
    read_digests: dict = field(default_factory=dict)       # shared value's name -> digest of what it read (review_key)
    fronts: dict = field(default_factory=dict)             # record path -> digest of its front matter (deps.front_digests)
    keys_made: int = 0                                     # record page keys page_keys made (not kept)
    file_digests: dict = field(default_factory=dict)       # record path -> its file's digest (masked or not)

    def record_page(self, src: str):
        return self.renderer.record(self.record_src[src], self)


def build_site(records: Records, cfg: Config, *, audience: str, today: dt.date, history=None,
               shallow: bool = False, extra_pages: dict | None = None) -> Site:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    words = Words(cfg.language)
    shown = {r.id for r in records if visible_to(audience, r)}
    mask = Mask(records, shown, cfg.types, words("hidden_ref"), cfg.site_url)
    if mask and cfg.root:
        recall_masked(mask, cfg.root, audience)
    reads = deps.Reads()    # not on until generate: the rest of the site model is for record pages (page_keys)
    masked = [mask.record(r) for r in records if r.id in shown]
    visible = Records(deps.tracked(masked, reads))
    site = Site(audience, today, cfg.language, visible, history=history or {}, shallow=shallow, mask=mask,
                reads=reads)
    site.record_src = {src_of(r): r for r in visible}
    reads.on = True         # notices' states are on generated pages too: a site-wide read
    site.superseders = state.superseded_by(visible.of_type("notice"), today)
    reads.on = False
    hidden = [r for r in records if r.id not in shown]
    site.hidden_src = {src_of(r) for r in hidden}
    site.hidden_ids = {r.id for r in hidden} | {f for r in hidden for f in (r.get("former_ids") or [])}
    if mask:
        site.hidden_ids.add(mask.hidden_ref)
    site.hidden_commits = _masked_commits(hidden, visible, site.history, mask)
    if mask and cfg.root:
        keep_masked(mask, cfg.root, audience)
    site.approvals = approvals.tables(cfg, [r for r in records if r.id in shown], site.history)
    site.attachments = _attachments(visible)
    specs = ref_specs(cfg.types)
    site.refs = {r.id: refs_of(r, specs) for r in masked}
    site.backlinks = _backlinks(visible, site.refs)
    site.renderer = Renderer(cfg, words, visible, site)
    reps = cfg.holders("management-rep", today)      # escalations go to them: asked once, not per record
    site.renderer.env.globals["audit_of"] = lambda r: audit.record_audit(r, cfg, today, site.superseders, reps)
    site.renderer.env.globals["review_pack_of"] = \
        lambda r: review_packs(site).get(r.id) if review.is_review(r) else None    # packs only for a review's page
    def audit_lists():     # the CAPA board's and person pages' checks, escalations
        live = [r for r in visible if state.counts(r)]
        return audit.effectiveness_checks(live, cfg, today), audit.escalations(live, cfg, today)
    site.renderer.env.globals["audit_lists"] = reads.shared("audit_lists", audit_lists)
    site.extra_pages = extra_pages or {}
    site.nav = nav_of(cfg, words, site.extra_pages)
    site.next_ids = next_ids(records, cfg, today)
    site.fronts = deps.front_digests(records)
    site.file_digests = {r.path: r.digest for r in records}
    site.inputs = generated_inputs(records, site)
    site.shape = _shape(records, site)
    return site


def generate(site: Site, previous: deps.Deps | None = None) -> None:
    """Every generated page and file (boards, indexes, archives, people, KPIs, feeds) into site.files. With the
    previous build's deps (site.deps), only the pages that read a value changed since: the others go to site.kept
    (the previous build's files are theirs)."""
    changed, site.reads.on = None, True
    made = site.deps = deps.Deps(shape=site.shape)
    if previous is not None and previous.shape == site.shape:
        changed = deps.changed_keys(previous, site.records, made, site.fronts)
        touched = deps.Touched(changed or set(), previous.shared)
        if changed is not None and touched(previous.site_wide):
            changed = None
    if changed is None:
        made.front, made.values = deps.digests(site.records, site.fronts)
        carried = {}
    else:
        site.only = {src for src, reads in previous.pages.items() if touched(reads)}
        site.before = previous.pages
        made.shared.update(previous.shared)
        carried = {name: token for name, token in previous.tokens.items() if not touched.used(name)}
    if site.memo.folder is not None:
        site.reads.keep = deps.Kept(site.memo, made, carried, f"{site.shape}\0{site.inputs}", site.records.by_id)
    try:
        _generate(site, site.renderer.cfg, site.renderer.w, site.extra_pages)
    finally:
        site.reads.keep = None
    made.shared.update(site.reads.shared_reads)
    here = site.reads.site_wide.frozen()
    made.site_wide = here if changed is None else deps.merged(here, previous.site_wide)
    site.reads.on = False      # record pages are not generated pages: their inputs are in page_keys


def _shape(records: Records, site: Site) -> str:
    """What every generated page depends on besides the visible records' fields: the records there are (their
    IDs and paths), hidden records' front matter, the next free IDs, the hand-written pages, audience and date."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{site.audience}\0{site.today.isoformat()}\0{site.lang}\0{site.shallow}\0{site.next_ids!r}".encode())
    for r in records:
        h.update(f"\0\0{r.id}\0{r.path}".encode())
        if r.id not in site.records.by_id:
            h.update(f"\0{r.front_matter}".encode())
    for src, (title, markdown) in sorted(site.extra_pages.items()):
        h.update(f"\0\0{src}\0{title}\0{markdown}".encode())
    return h.hexdigest()


def generated_inputs(records: Records, site: Site) -> str:
    """A digest of everything the generated files are made from: every record's path and front matter
    (hidden ones too: they decide what is hidden), notices' bodies (feed summaries), the hand-written
    pages, audience, date and language. Bodies of other records and Git history are not among them.
    Code and configuration are in the build's fingerprint (incremental.fingerprint)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{site.audience}\0{site.today.isoformat()}\0{site.lang}\0{site.shallow}".encode())
    fronts = site.fronts
    for r in records:
        h.update(f"\0\0{r.path}\0{fronts[r.path]}".encode())      # its front matter's digest
        if r.type == "notice":
            h.update(f"\0{r.body}".encode())
    for src, (title, markdown) in sorted(site.extra_pages.items()):
        h.update(f"\0\0{src}\0{title}\0{markdown}".encode())
    return h.hexdigest()


def _masked_commits(hidden: list[Record], visible: Records, history: dict, mask: Mask) -> set[str]:
    """Commits of a visible record's history whose message it must not show: those that also touched a
    hidden record's file (their message may describe it in any words), and those whose message names a
    hidden record (its ID in any case or with other separators, a former ID, its title)."""
    out = {c.sha for r in hidden for c in history.get(r.path, [])}
    if mask:
        out |= {c.sha for r in visible for c in history.get(r.path, []) if c.sha not in out and
                mask.remembered(text_key(c.sha, c.message), lambda: mask.names(c.message))}
    return out


def _attachments(visible: Records) -> set[str]:
    """Only files that a visible record links to are published."""
    out = set()
    for r in visible:
        found = links_of(r)
        if not found:
            continue
        here = posixpath.dirname(src_of(r))
        for _, raw in found:
            target = raw[1:-1].strip() if raw.startswith("<") else raw.strip()
            if not target or target.startswith("#") or SCHEME.match(target) or "\\" in target:
                continue
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if path and not path.endswith(".md"):
                out.add(posixpath.normpath(posixpath.join(here, path)))
    return out


def _backlinks(visible: Records, refs: dict) -> dict[str, list]:
    """Target ID -> [(source record, [fields that refer])] over visible records, one entry per source: every
    field of kind ref or source_ref, wherever it sits in the record (action items' `capa`, company fields);
    refs: each record's refs_of."""
    out: dict[str, dict] = defaultdict(dict)
    for r in visible:
        for key, target in refs[r.id]:
            if target in visible.by_id and target != r.id:
                hows = out[target].setdefault(r.id, (r, []))[1]
                if key not in hows:
                    hows.append(key)
    return {target: list(sources.values()) for target, sources in out.items()}


def _generate(site: Site, cfg: Config, w: Words, extra_pages: dict) -> None:
    rd, recs, today = site.renderer, site.records, site.today
    shared, put = site.reads.shared, functools.partial(_put, site)
    live = [r for r in recs if state.counts(r)]
    by_type = {t: [r for r in recs if r.type == t] for t in cfg.types}
    notices = by_type.get("notice", [])
    # the data files (feeds, index rows, CSV) in a second process while this one renders the pages
    data = prerender.background(lambda: _data_files(site, cfg, w, live, notices, by_type)) \
        if len(recs) >= BACKGROUND_ABOVE else None
    owed = shared("owed", lambda: state.reports_owed(cfg, [r for r in live if r.type == "report"], today))
    actions = shared("actions", lambda: state.open_actions(live, today))
    kpis = shared("kpis", lambda: state.kpis(live, today))

    put("index.md", lambda: rd.page(
        "board.html", "index.md", w("board"), board=state.board(notices, today),
        meetings=sorted([r for r in live if r.type == "meeting"], key=lambda r: (r.get("date"), r.id), reverse=True)[:5],
        totals=kpis().totals, closed_this_month=_closed_in_month(live, today),
        audit_missing=sum(len(c.missing) for c in audit_index(site))))
    for rtype, rt in cfg.types.items():
        src = f"{rt.folder}/index.md"
        put(src, lambda rtype=rtype, rt=rt, src=src: rd.page(
            "index_table.html", src, rt.title(cfg.language), rtype=rtype, count=len(by_type[rtype]),
            csv=f"exports/{rtype}.csv", xlsx=f"exports/{rtype}.xlsx"))
    put("capa/board.md", lambda: rd.page("capa_board.html", "capa/board.md", w("capa_board"),
                                         capas=[r for r in live if r.type == "capa"]))
    put("actions.md", lambda: rd.page("actions.html", "actions.md", w("actions"), actions=actions()))
    put("reports/matrix.md", lambda: rd.page("matrix.html", "reports/matrix.md", w("report_matrix"),
                                             matrix=_matrix(owed()), meetings=_meeting_matrix(cfg, live, today)))
    years = sorted({int(r.id.split("-")[1]) for r in recs}, reverse=True)
    put("archive/index.md", lambda: rd.page("archive.html", "archive/index.md", w("archive"), years=years,
                                            counts=_year_counts(recs), departments=cfg.departments))
    of_year = defaultdict(list)
    for r in recs:
        of_year[(int(r.id.split("-")[1]), r.type)].append(r)
    for y in years:
        src = f"archive/{y}.md"
        put(src, lambda y=y, src=src: rd.page("archive_year.html", src, f"{w('archive')} · {y}", year=y,
                                              groups=[(cfg.types[t], of_year[(y, t)]) for t in cfg.types]))
    put("departments/index.md", lambda: rd.page("directory.html", "departments/index.md", w("departments"),
                                                kind="departments"))

    def by_department():   # what the department pages list: a department's open actions, its records
        dept_actions, dept_owns = defaultdict(list), defaultdict(list)
        for a in actions():
            dept_actions[_dept_of(cfg, a.owner)].append(a)
        for r in recs:
            dept_owns[r.get("department") if isinstance(r.get("department"), str) else None].append(r)
        return dept_actions, dept_owns
    by_department = shared("by_department", by_department)

    def by_person():       # what the person pages list: a person's open actions, the records they belong to
        actions_of, owned_by = defaultdict(list), defaultdict(list)
        for a in actions():
            actions_of[a.owner].append(a)
        for r in recs:
            for pid in _people_of(r):
                owned_by[pid].append(r)
        return actions_of, owned_by
    by_person = shared("by_person", by_person)
    memos, objectives, comm = _communication(site, cfg, w, live, by_type, kpis)
    owed_of = shared("owed_of", lambda: _owed_lists(cfg, state.owed(live, cfg, today)))
    for code, dept in cfg.departments.items():
        src = f"departments/{code}.md"

        def department(code=code, dept=dept, src=src):
            mine = owed_of()["department"].get(code, [])
            dept_actions, dept_owns = by_department()
            memos_to, memos_from = memos()
            return rd.page("department.html", src, dept.name if cfg.language == "zh" else (dept.name_en or dept.name),
                           department=dept, actions=dept_actions[code], owned=dept_owns[code],
                           owed_groups=owed_groups(cfg, mine, code), owed_count=len(mine), who_id=code,
                           memos_in=memos_to[code], memos_out=memos_from[code],
                           objectives=[o for o in objectives() if o[0].department == code])
        put(src, department)
    put("people/index.md", lambda: rd.page("directory.html", "people/index.md", w("people"), kind="people"))

    def checks_by_person():
        checks, escalated = rd.env.globals["audit_lists"]()
        checks_of, up_of, to_of = (defaultdict(list) for _ in range(3))
        for ch in checks:
            if ch.record.type == "capa":
                checks_of[ch.record.fields.get("owner")].append(ch)
        for e in escalated:
            up_of[e.owner].append(e)
            for p in dict.fromkeys(e.to):
                to_of[p].append(e)
        return checks_of, up_of, to_of
    checks_by_person = shared("checks_by_person", checks_by_person)
    for pid, person in cfg.people.items():
        src = f"people/{pid}.md"

        def person_page(pid=pid, person=person, src=src):
            mine = owed_of()["person"].get(pid, [])
            actions_of, owned_by = by_person()
            checks_of, up_of, to_of = checks_by_person()
            return rd.page("person.html", src, person.name, who=person, actions=actions_of[pid], owned=owned_by[pid],
                           owed_groups=owed_groups(cfg, mine, pid), owed_count=len(mine), who_id=pid,
                           my_checks=checks_of[pid], my_escalations=up_of[pid], escalated_to_me=to_of[pid])
        put(src, person_page)
    put("exports.md", lambda: rd.page("exports.html", "exports.md", w("exports"), types=cfg.types))
    put("kpi.md", lambda: rd.page("kpi.html", "kpi.md", w("kpi"), k=kpis(), c=comm().kpis,
                                  objectives=comm().objectives,
                                  charts=_charts(kpis(), w) + _comm_charts(kpis().months, comm().kpis, w)))
    _forms(site, cfg, w)
    _audit_pages(site, cfg, w, live)
    _review_pages(site, cfg, w)
    for src, (title, markdown) in extra_pages.items():
        site.files[src] = f"# {title}\n\n{markdown}" if not markdown.lstrip().startswith("# ") else markdown
    if data:
        site.files.update(data.result())
    else:
        with site.reads.frame():    # data files are made again every build: their reads keep no page
            site.files.update(_data_files(site, cfg, w, live, notices, by_type))


def _put(site: Site, src: str, make) -> None:
    """site.files[src] = make(), and what it read; or, when none of that changed, the previous build's page."""
    if site.only is not None and src not in site.only and src in site.before:
        site.kept.append(src)
        site.deps.pages[src] = site.before[src]
        return
    with site.reads.frame() as reads:
        site.files[src] = make()
    site.deps.pages[src] = reads.frozen()


def _owed_lists(cfg: Config, owed_today: list) -> dict:
    """"person" / "department" -> id -> the items on its list (state.owes), in owed_today's order: one pass
    over the items instead of one per person and department."""
    out = {"person": defaultdict(list), "department": defaultdict(list)}
    for i in owed_today:
        d, p = cfg.departments.get(i.owner), cfg.people.get(i.owner)
        for kind, extra in (("person", d.head if d is not None else None),
                            ("department", p.department if p is not None else None)):
            out[kind][i.owner].append(i)
            if extra and extra != i.owner:
                out[kind][extra].append(i)
    return out


AUDIT_PAGES = (("register", "register/index.md"), ("retention", "retention/index.md"),
               ("effectiveness", "effectiveness/index.md"), ("escalation", "escalation/index.md"))


def _audit_pages(site: Site, cfg: Config, w: Words, live) -> None:
    """The document register, retention, effectiveness checks and escalations (audit.py)."""
    rd, today = site.renderer, site.today
    lists = rd.env.globals["audit_lists"]     # the lists the CAPA board and person pages use
    capa = cfg.types.get("capa")
    pages = {
        "register": lambda: dict(documents=audit.documents([r for r in live if r.type == "notice"], cfg, today,
                                                           site.superseders)),
        "retention": lambda: dict(zip(("due", "decided"),
                                      audit.past_retention(site.records, cfg, today, site.superseders))),
        "effectiveness": lambda: dict(checks=lists()[0], days=(capa.effectiveness_days if capa else None)
                                      or audit.DEFAULT_EFFECTIVENESS_DAYS),
        "escalation": lambda: dict(items=lists()[1]),
    }
    for key, src in AUDIT_PAGES:
        _put(site, src, lambda key=key, src=src: rd.page(f"{key}.html", src, w(key), **pages[key]()))


# --- review14: the management-review packs (9.3) and the auditor's index -------------------------------------

REVIEW_PAGES = (("audit_index", "audit/index.md"), ("review_packs", "reviews/index.md"))


def review_packs(site: Site) -> dict:
    """Review ID -> review.ReviewPack over the records this audience sees, made once per build."""
    if site.packs is None:
        site.packs = site.reads.shared("packs", lambda: review.packs(site.records, site.renderer.cfg, site.today))
    return site.packs()


def audit_index(site: Site) -> list:
    from . import clauses
    if site.clauses is None:
        site.clauses = site.reads.shared("clauses", lambda: clauses.index(
            site.records, site.renderer.cfg, site.today, site.superseders, customer_key(site.renderer.cfg),
            site.renderer.env.globals["audit_lists"]()))
    return site.clauses()


def _review_pages(site: Site, cfg: Config, w: Words) -> None:
    """audit/index.md (the auditor's index), reviews/index.md and a page per management review's pack."""
    rd, put = site.renderer, functools.partial(_put, site)
    put("audit/index.md", lambda: rd.page("audit_index.html", "audit/index.md", w("audit_index"),
                                          clauses=audit_index(site), packs=list(review_packs(site).values())))
    put("reviews/index.md", lambda: rd.page("review_packs.html", "reviews/index.md", w("review_packs"),
                                            packs=list(review_packs(site).values())))
    for r in site.records:
        if review.is_review(r):
            src = review_pack_src(r.id)
            put(src, lambda rid=r.id, src=src: _review_pack_page(site, w, src, review_packs(site)[rid]))


def review_key(site: Site, rid: str) -> str:
    """A digest of what the pack section of a review's record page is made from: the values its pack page
    (reviews/<ID>.md, the same pack in the same template) read, with the site-wide reads and the shape; before
    generate (no reads known), every record's front matter (site.inputs)."""
    reads = site.deps.pages.get(review_pack_src(rid)) if site.deps is not None else None
    if reads is None:
        return site.inputs
    made, memo = site.deps, site.read_digests
    if SITE_WIDE not in memo:
        memo[SITE_WIDE] = deps.read_digest(made, made.site_wide, memo)
    return f"{site.shape}\0{memo[SITE_WIDE]}\0{deps.read_digest(made, reads, memo)}"


SITE_WIDE = "\0site-wide"    # review_key's memo entry of the site-wide reads (no shared value's name)


def _review_pack_page(site: Site, w: Words, src: str, p) -> str:
    return site.renderer.page("review_pack.html", src, f"{w('review_pack')} · {p.review.id} {p.review.title}",
                              p=p, hx="h2")


BACKGROUND_ABOVE = 2000   # records before a second process for the data files pays for itself


def _data_files(site: Site, cfg: Config, w: Words, live, notices, by_type) -> dict:
    """Each type's index rows (JSON) and CSV export, and the feeds."""
    out: dict = {}
    for rtype, rt in cfg.types.items():
        src = f"{rt.folder}/index.md"
        out[f"{rt.folder}/index.json"] = _rows(
            site, f"{rt.folder}/index.json", sorted(by_type[rtype], key=lambda r: r.id, reverse=True),
            lambda r, rtype=rtype, src=src: site.renderer.index_row(rtype, r, src),
            also=lambda r: r.id in site.superseders,     # a notice's state: another notice supersedes it
            then=lambda rows, rtype=rtype, src=src: site.renderer.index_json(rtype, by_type[rtype], src, rows))
        out.update(_exports(site, cfg, w, rtype, by_type[rtype]))
    out.update(_feeds(site, cfg, w, live, notices))
    return out


EXPORT_SKIP = ("actions", "amendments", "withdrawn", "verification", "due_extensions")
CODED = ("choice", "person", "dept", "audience", "customer", "bool")   # kinds whose values are codes
CHOICE_GROUPS = ("status", "kind", "category", "source", "visibility", "channel", "severity", "audit", "grade",
                 "party_kind")


def _exports(site: Site, cfg: Config, w: Words, rtype: str, records: list[Record]) -> dict:
    """exports/<type>.csv and .xlsx of the records this audience sees (masked copies), oldest ID first.

    The CSV keeps a column per field with its raw value (the key and the codes scripts rely on), then a
    column per coded field (choices, people, departments, customers, yes/no) headed by the field's label
    in the site's language and holding the value's label ("<label>_label" if that heading is already a
    key). The workbook has a column per field, headed by its label, holding the labels, dates and numbers.
    """
    from . import feeds
    fields = cfg.types[rtype].fields
    keys = [k for k in fields if k not in EXPORT_SKIP]
    coded = [k for k in keys if _coded(fields[k])]
    heads = [fields[k].title(cfg.language) for k in coded]
    heads = [f"{h}_label" if h in keys or heads.count(h) > 1 else h for h in heads]
    columns = [fields[k].title(cfg.language) for k in keys]

    def row(r):
        values = public_fields(r, site.hidden_ids)
        labels = {k: _label(site, cfg, w, fields[k], k, values.get(k)) for k in coded}
        return (feeds.csv_line([values.get(k) for k in keys] + [labels[k] for k in coded]),
                feeds.xlsx_row([feeds.Link(r.id, url_of(src_of(r))) if k == "id" else
                                labels[k] if k in labels else values.get(k) for k in keys], cfg.site_url))
    return _rows(site, f"exports/{rtype}", sorted(records, key=lambda r: r.id), row, then=lambda rows: {
        f"exports/{rtype}.csv": feeds.csv_document(keys + heads, [csv for csv, _ in rows]),
        f"exports/{rtype}.xlsx": feeds.xlsx_document(columns, [xlsx for _, xlsx in rows],
                                                     sheet=cfg.types[rtype].title(cfg.language), stamp=site.today)})


def _rows(site: Site, name: str, records: list[Record], make, also=None, then=None):
    """[make(r) for r in records], each kept by its record's front matter (stage2.Memo.rows) for the site's
    shape: make(r) reads only r, the configuration, what _shape holds (the records there are, hidden ones'
    front matter, audience, date) and also(r), so that an edit of one record writes only its rows again.
    then(rows): the file made of them, from them and what make(r) may read besides r only: kept while no
    row changes (an edit of another type's record neither reads nor writes it). Not for a file of every
    record (records.json): any edit that makes the generated files again changes one of its rows."""
    front = site.deps.front if site.deps is not None else {}
    return site.memo.rows(name, site.shape, [
        (r.path, (d, also(r)) if also is not None and (d := front.get(r.id)) is not None else front.get(r.id), r)
        for r in records], make, then)


def _coded(spec) -> bool:
    return spec.kind in CODED or (spec.kind == "list" and spec.of is not None and spec.of.kind in CODED)


def _label(site: Site, cfg: Config, w: Words, spec, name: str, v):
    """A field's value in the site's words: labels for codes, names for people, departments and customers."""
    from .schema import customer_id

    if v is None:
        return None
    if isinstance(v, list):
        return [_label(site, cfg, w, spec.of or spec, name, x) for x in v]
    rd = site.renderer
    if spec.kind == "person":
        return rd.person_name(v)
    if spec.kind == "dept":
        return rd.dept_name(v)
    if spec.kind == "customer":
        cid = customer_id(v, cfg.customers) if cfg.customers else None
        return rd.customer_name(cid) if cid else str(v)
    if spec.kind == "audience":
        return w("all_staff") if v == "all" else rd.dept_name(v)
    if spec.kind == "bool":
        return w.value("bool", "true" if v else "false")
    return w.value(name if name in CHOICE_GROUPS else "", v)


@dataclass
class Communication:
    """What the department pages and the KPI page take from the communication pages."""
    memos_to: dict
    memos_from: dict
    objectives: list          # (Objective, [ObjectiveValue])
    kpis: state.CommKpis


def customer_key(cfg: Config):
    """customer field value -> the customer's id (with customers.yml, when it names one), else the text."""
    from .schema import customer_id

    def key(value):
        return (customer_id(value, cfg.customers) if cfg.customers else None) or str(value if value is not None else "")
    return key


def _communication(site: Site, cfg: Config, w: Words, live, by_type, kpis):
    """The complaint and NC boards, survey trends, memo board, contact log, customer and objective pages; what
    the department pages and the KPI page take from them: shared getters of the memos (to, from), of the
    objectives and of Communication (the KPI page's: its figures cost the whole site's KPIs)."""
    rd, today, shared = site.renderer, site.today, site.reads.shared
    put = functools.partial(_put, site)
    # a company's own type with a v2 type's name keeps its own definition: no v2 board, figures or lists
    of = {t: [r for r in live if r.type == t] if state.builtin(cfg, t) else []
          for t in ("complaint", "nc", "survey", "memo", "contact", "capa")}
    ckey = customer_key(cfg)
    trends = shared("trends", lambda: state.survey_trends(of["survey"], ckey))
    if state.builtin(cfg, "complaint"):
        src = f"{cfg.types['complaint'].folder}/board.md"
        put(src, lambda: rd.page("complaint_board.html", src, w("complaint_board"), complaints=of["complaint"],
                                 c=state.comm_kpis(of["complaint"], today, [])))
    if state.builtin(cfg, "nc"):
        src = f"{cfg.types['nc'].folder}/board.md"
        put(src, lambda: rd.page("nc_board.html", src, w("nc_board"), audits=_audits(of["nc"])))
    if state.builtin(cfg, "survey"):
        src = f"{cfg.types['survey'].folder}/trend.md"
        put(src, lambda: rd.page("survey_trend.html", src, w("survey_trend"), trends=trends(),
                                 charts={t.customer: _trend_chart(t, w) for t in trends() if len(t.rows) > 1}))

    def memos():
        memos_to, memos_from = defaultdict(list), defaultdict(list)
        for m in sorted(of["memo"], key=lambda m: m.id, reverse=True):
            if m.get("status") == "open":
                for d in dict.fromkeys(x for x in (m.get("to") or []) if isinstance(x, str)):
                    memos_to[d].append(m)
            if m.get("status") != "closed" and isinstance(m.get("department"), str):
                memos_from[m.get("department")].append(m)
        return memos_to, memos_from
    memos = shared("memos", memos)
    if state.builtin(cfg, "memo"):
        src = f"{cfg.types['memo'].folder}/board.md"
        put(src, lambda: rd.page("memo_board.html", src, w("memo_board"), memos_to=memos()[0], memos_from=memos()[1]))
    if state.builtin(cfg, "contact"):
        src = f"{cfg.types['contact'].folder}/log.md"
        put(src, lambda: rd.page("contact_log.html", src, w("contact_log"),
                                 groups=_contact_groups(of["contact"], ckey)))
    objectives = shared("objectives", lambda: [(o, state.objective_values(o, by_type.get("report", [])))
                                 for o in cfg.objectives.values()])
    if cfg.objectives:
        put("objectives/index.md", lambda: rd.page("objectives.html", "objectives/index.md", w("objectives"),
                                                   objectives=objectives()))
        for n, o in enumerate(cfg.objectives.values()):
            src = f"objectives/{o.id}.md"
            put(src, lambda n=n, o=o, src=src: rd.page("objective.html", src, o.name, o=o, values=objectives()[n][1],
                                                       chart=_objective_chart(o, objectives()[n][1], w)))
    if cfg.customers:
        put("customers/index.md", lambda: rd.page("customers.html", "customers/index.md", w("customers")))

        def by_customer():
            of_customer = {t: defaultdict(list) for t in ("complaint", "capa", "contact")}
            for t in ("complaint", "capa"):
                for r in of[t]:
                    of_customer[t][ckey(r.get("customer"))].append(r)
            for r in of["contact"]:
                if r.get("party_kind") == "customer":
                    of_customer["contact"][ckey(r.get("party"))].append(r)
            return of_customer
        by_customer = shared("by_customer", by_customer)
        for cid, customer in cfg.customers.items():
            src = f"customers/{cid}.md"
            put(src, lambda cid=cid, customer=customer, src=src: _customer_page(
                site, cfg, w, src, cid, customer, by_customer(), {t.customer: t for t in trends()}))
    return memos, objectives, shared("communication", lambda: Communication(
        *memos(), objectives(), state.comm_kpis(live, today, kpis().months)))


def _customer_page(site: Site, cfg: Config, w: Words, src: str, cid: str, customer, of_customer, trend_of) -> str:
    today = site.today
    mine = {t: of_customer[t][cid] for t in ("complaint", "capa")}
    contacts = of_customer["contact"][cid]
    answered = [n for n in map(state.days_to_respond, mine["complaint"]) if n is not None]
    return site.renderer.page(
        "customer.html", src, customer.name_en if cfg.language == "en" and customer.name_en else customer.name,
        cust=customer, complaints=mine["complaint"], capas=mine["capa"],
        contacts=sorted(contacts, key=lambda r: (r.get("date"), r.id), reverse=True),
        trend=trend_of.get(cid), chart=_trend_chart(trend_of[cid], w) if len(getattr(trend_of.get(cid), "rows", ())) > 1 else "",
        mean_days=round(sum(answered) / len(answered), 1) if answered else None,
        overdue=[c.id for c in mine["complaint"] if state.complaint_days_late(c, today)],
        on_time=sum(1 for c in mine["complaint"] if _responded_in_time(c)),
        with_due=sum(1 for c in mine["complaint"] if state.responded_on(c)
                     and isinstance(c.get("response_due"), dt.date)))


def _responded_in_time(c: Record) -> bool:
    on, due = state.responded_on(c), c.get("response_due")
    return bool(on and isinstance(due, dt.date) and on <= due)


def _audits(ncs: list[Record]) -> list[tuple]:
    """[(audit kind, audit reference or year, [NC])], the latest audit first: one board per audit."""
    grouped: dict = defaultdict(list)
    for nc in ncs:
        ref = nc.get("audit_ref")
        found = nc.get("found_on")
        grouped[(str(nc.get("audit")), str(ref) if ref else str(found.year if isinstance(found, dt.date) else ""))].append(nc)
    latest = {k: max((n.get("found_on") for n in v if isinstance(n.get("found_on"), dt.date)), default=dt.date.min)
              for k, v in grouped.items()}
    return [(kind, ref, sorted(items, key=lambda n: n.id)) for (kind, ref), items
            in sorted(grouped.items(), key=lambda kv: (latest[kv[0]], kv[0]), reverse=True)]


def _contact_groups(contacts: list[Record], ckey) -> list[tuple]:
    """[(party kind, [(party, [contact], newest first)])], parties by name."""
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for r in contacts:
        party = ckey(r.get("party")) if r.get("party_kind") == "customer" else str(r.get("party") or "")
        grouped[str(r.get("party_kind"))][party].append(r)
    return [(kind, [(party, sorted(items, key=lambda r: (r.get("date"), r.id), reverse=True))
                    for party, items in sorted(parties.items())]) for kind, parties in sorted(grouped.items())]


def _trend_chart(trend: state.SurveyTrend, w: Words) -> str:
    from . import charts
    labels = [period for period, *_ in trend.rows]
    series = [(c, [scores.get(c) for _, _, scores, _ in trend.rows]) for c in trend.criteria]
    series.append((w("overall"), [overall for *_, overall in trend.rows]))
    return charts.line_chart(w("survey_trend"), labels, series)


def _objective_chart(o, values, w: Words) -> str:
    from . import charts
    labels = [v.period for v in values]
    return charts.line_chart(o.name, labels, [(o.name, [v.value for v in values]),
                                              (w("target"), [o.target for _ in values])])


def _meeting_matrix(cfg: Config, live, today) -> list:
    """[(every, year, periods, [(entry, {period: MeetingPeriod})])] for the recurring meetings owed, one table
    per length of period and year, newest year first."""
    from .meetings_owed import meetings_owed

    EVERY = ("week", "month", "quarter", "year")
    grouped: dict = defaultdict(list)
    for entry, periods in meetings_owed(cfg, [r for r in live if r.type == "meeting"], today):
        years = defaultdict(dict)
        for p in periods:
            years[p.period[:4]][p.period] = p
        for year, cells in years.items():
            grouped[(entry.every, year)].append((entry, cells))
    out = []
    for (every, year), rows in sorted(grouped.items(), key=lambda kv: (kv[0][1], -EVERY.index(kv[0][0])), reverse=True):
        periods = sorted({p for _, cells in rows for p in cells}, key=state.period_key)
        out.append((every, year, periods, rows))
    return out


def owed_groups(cfg: Config, items: list, owner: str) -> list[tuple[str, str, list]]:
    """The owed list of a page, as (grouped by, key, items): what `owner` owes itself, and what a department
    owes (its own, or one its owner heads), by kind in state.OWED_KINDS order; then what each of a
    department's people owes, by person. Items keep state.owed's order: overdue first."""
    by_kind, by_owner = defaultdict(list), defaultdict(list)    # one pass over the items, not one per person
    for i in items:
        if i.owner == owner or i.owner in cfg.departments:
            by_kind[i.kind].append(i)
        else:
            by_owner[i.owner].append(i)
    out = [("kind", k, by_kind[k]) for k in state.OWED_KINDS]
    out += [("owner", pid, by_owner[pid]) for pid in sorted(by_owner)]
    return [g for g in out if g[2]]


def _closed_in_month(live, today):
    return sum(1 for r in live if r.type == "capa" and r.get("status") == "closed"
               and isinstance(r.get("closed_on"), dt.date)
               and (r.get("closed_on").year, r.get("closed_on").month) == (today.year, today.month))


def _dept_of(cfg: Config, pid: str) -> str | None:
    p = cfg.people.get(pid)
    return p.department if p else None


PEOPLE_FIELDS = ("owner", "chair", "recorder", "author", "received_by", "auditor", "acknowledged_by", "from",
                 "collected_by")


def _people_of(r: Record) -> set[str]:
    """People a record belongs to: its owner, chair, recorder, author, complaint receiver, auditor, memo sender,
    survey collector, the people of an external contact."""
    out = {r.get(k) for k in PEOPLE_FIELDS if isinstance(r.get(k), str)}
    ours = r.get("our_people")
    return out | {p for p in ours if isinstance(p, str)} if isinstance(ours, list) else out


def _year_counts(recs) -> dict:
    out: dict = defaultdict(lambda: defaultdict(int))
    for r in recs:
        out[int(r.id.split("-")[1])][r.type] += 1
    return out


def _matrix(owed: list) -> list:
    """[(kind, year, periods, [(department, {period: Owed})])], newest year first."""
    grouped: dict = defaultdict(lambda: defaultdict(dict))
    for o in owed:
        grouped[(o.kind, o.period[:4])][o.department][o.period] = o
    out = []
    for (kind, year), rows in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1]), reverse=True):
        periods = sorted({p for cells in rows.values() for p in cells})
        out.append((kind, year, periods, sorted(rows.items())))
    return out


def _charts(k, w: Words) -> list[tuple[str, str]]:
    from . import charts
    labels = k.months
    return [
        (w("capa_opened_closed"), charts.bar_chart(w("capa_opened_closed"), labels,
                                                    [(w("opened"), k.capa_opened), (w("closed"), k.capa_closed)])),
        (w("on_time_rate"), charts.line_chart(w("on_time_rate"), labels, [(w("on_time_rate"), k.on_time_rate)],
                                              percent=True)),
        (w("mean_days"), charts.line_chart(w("mean_days"), labels, [(w("mean_days"), k.mean_days_to_close)])),
        (w("overdue_month_end"), charts.bar_chart(w("overdue_month_end"), labels,
                                                   [(w("overdue"), k.overdue_at_month_end)])),
        (w("notices_meetings"), charts.bar_chart(w("notices_meetings"), labels,
                                                  [(w("notice_archive"), k.notices), (w("meetings"), k.meetings)])),
    ]


def _comm_charts(months, c: state.CommKpis, w: Words) -> list[tuple[str, str]]:
    from . import charts
    return [
        (w("complaints_per_month"), charts.bar_chart(w("complaints_per_month"), months,
                                                      [(w("complaints_per_month"), c.complaints)])),
        (w("mean_days_to_respond"), charts.line_chart(w("mean_days_to_respond"), months,
                                                       [(w("mean_days_to_respond"), c.mean_days_to_respond)])),
        (w("nc_found_closed"), charts.bar_chart(w("nc_found_closed"), months,
                                                 [(w("found"), c.nc_found), (w("closed"), c.nc_closed)])),
    ]


def _feeds(site: Site, cfg: Config, w: Words, live, notices) -> dict:
    from . import feeds
    rd, today = site.renderer, site.today
    sup = site.superseders
    shown = sorted([n for n in notices if state.counts(n) and state.notice_state(n, today, sup) != "scheduled"],
                   key=lambda n: (n.get("issued_on"), n.id), reverse=True)[:50]
    entries = [feeds.FeedEntry(id=n.id, title=f"{n.id} {n.title}", url=url_of(src_of(n)),
                               updated=n.get("issued_on"), summary=_summary(site.mask.plain(n.body)),
                               author=rd.dept_name(n.get("department")),
                               categories=(w.value("category", n.get("category")),)) for n in shown]
    base = cfg.site_url.rstrip("/") + "/" if cfg.site_url else "./"
    args = dict(title=f"{cfg.site_name} · {w('notice_archive')}", site_url=base, feed_url="feed.xml",
                updated=today, lang=cfg.language)
    out = {"feed.xml": feeds.atom_feed(entries, **args), "rss.xml": feeds.rss_feed(entries, **{**args, "feed_url": "rss.xml"})}
    out["calendar.ics"] = _calendar(site, cfg, w, live)
    out["records.json"] = feeds.json_list(_rows(site, "records.json", list(site.records),
                                                lambda r: feeds.json_item(_plain(r, site.hidden_ids))))
    return out


CALENDAR_TYPES = {"meeting", "capa", "complaint", "memo", *state.ACTION_TYPES}   # the types with events


def _calendar(site: Site, cfg: Config, w: Words, live) -> str:
    """calendar.ics: meetings, the due dates of CAPAs, complaints and memos, in the records' order, then open
    action items with a due date in state.open_actions' order."""
    from . import feeds
    rd, today = site.renderer, site.today

    def events_of(r):
        events = []
        if r.type == "meeting" and isinstance(r.get("date"), dt.date):
            events.append(feeds.CalEvent(uid=f"{r.id}@bulletin", summary=f"{r.id} {r.title}", start=r.get("date"),
                                         url=url_of(src_of(r)), categories=(w("meetings"),)))
        if r.type == "capa" and r.get("status") not in state.CLOSED_CAPA and isinstance(r.get("due"), dt.date):
            events.append(feeds.CalEvent(uid=f"{r.id}-due@bulletin", summary=f"{w('due')}: {r.id} {r.title}",
                                         start=r.get("due"), url=url_of(src_of(r)), categories=("CAPA",)))
        if r.type == "complaint" and state.counts(r) and r.get("status") not in state.ANSWERED_COMPLAINT \
                and isinstance(r.get("response_due"), dt.date):
            events.append(feeds.CalEvent(uid=f"{r.id}-response@bulletin",
                                         summary=f"{w('response_due')}: {r.id} {r.title}", start=r.get("response_due"),
                                         url=url_of(src_of(r)), categories=(w("complaints"),)))
        if r.type == "memo" and r.get("status") == "open" and isinstance(r.get("reply_due"), dt.date):
            events.append(feeds.CalEvent(uid=f"{r.id}-reply@bulletin", summary=f"{w('reply_due')}: {r.id} {r.title}",
                                         start=r.get("reply_due"), url=url_of(src_of(r)), categories=(w("memos"),)))
        actions = [(state.action_order(a), feeds.CalEvent(
            uid=f"{a.record.id}-A{a.n}@bulletin", summary=f"{w('due')}: {a.ref} {a.text}", start=a.due,
            url=url_of(src_of(a.record)), description=rd.person_name(a.owner)))
            for a in state.open_actions([r], today) if a.due]
        return ([feeds.ics_event(e, stamp=today, base_url=cfg.site_url) for e in events],
                [(order, feeds.ics_event(e, stamp=today, base_url=cfg.site_url)) for order, e in actions])
    made = _rows(site, "calendar.ics", [r for r in live if r.type in CALENDAR_TYPES], events_of)
    actions = sorted((a for _, of_record in made for a in of_record), key=lambda a: a[0])
    return feeds.ics_document([e for of_record, _ in made for e in of_record] + [e for _, e in actions],
                              name=cfg.site_name)


def _summary(body: str, limit: int = 200) -> str:
    lines = [ln.strip() for ln in body.split("\n") if ln.strip() and not ln.lstrip().startswith("#")]
    text = " ".join(lines)
    return text[:limit] + ("…" if len(text) > limit else "")


def _plain(r: Record, hidden_ids: set[str]) -> dict:
    return {"id": r.id, "type": r.type, "path": r.path, "url": url_of(src_of(r)), **{
        k: v for k, v in public_fields(r, hidden_ids).items() if k != "id"}}


def public_fields(r: Record, hidden_ids: set[str]) -> dict:
    """The record's fields as this audience may see them: the site's records are masked copies already
    (audience.Mask), whose references to hidden records are HiddenRef."""
    return r.fields


# --- form13: a new record without YAML: new/<type>/, a form built from the type's definition --------

FORM_SKIP = ("id", "amendments", "withdrawn", "former_ids", "received", "due_extensions")  # written later, by hand
TITLE_MARK = "\ue000"   # where the title goes in the body skeleton (a private-use character)


def next_ids(records, cfg: Config, today: dt.date) -> dict[str, str]:
    """type -> the next free ID of today's year, as `bulletin new` gives it (IDs and former IDs are taken).
    Hidden records count too: the form must not hand out a taken ID; the site says only that a number is taken."""
    from .schema import ID_RE

    top: dict[str, int] = defaultdict(int)
    year = f"-{today.year}-"    # an ID of another year is passed over without the expression
    for r in records:
        for rid in (r.id, *(f for f in (r.get("former_ids") or []) if isinstance(f, str))):
            if year not in rid:
                continue
            m = ID_RE.match(rid)
            if m and int(m.group(2)) == today.year:
                top[m.group(1)] = max(top[m.group(1)], int(m.group(3)))
    return {name: f"{t.prefix}-{today.year}-{top[t.prefix] + 1:03d}" for name, t in cfg.types.items()}


def _forms(site: Site, cfg: Config, w: Words) -> None:
    """new/<type>.md for every type: the form's data as JSON in the page (bulletin-form.js builds the form)."""
    rd, lang = site.renderer, cfg.language

    @functools.cache
    def registries():
        return {
            "people": [{"id": p.id, "name": p.name, "department": p.department} for p in cfg.people.values()],
            "departments": [{"code": c, "name": rd.dept_name(c)} for c in cfg.departments],
            "customers": [{"id": c.id, "name": rd.customer_name(c.id)} for c in cfg.customers.values()],
        }

    def form_of(rtype, rt):     # made only for a form page made again
        rid, year = site.next_ids[rtype], site.today.year
        return {
            "type": rtype, "id": rid, "folder": f"{RECORDS_DIR}/{rt.folder}/{year}", "today": site.today.isoformat(),
            "flow": list(rt.flow), "fields": [_field_form(spec, w) for name, spec in rt.fields.items()
                                              if name not in FORM_SKIP],
            "body": _body_skeleton(cfg, rtype, rid, site.today), "title_mark": TITLE_MARK,
            "host": cfg.repository.new_file(f"{RECORDS_DIR}/{rt.folder}/{year}") if cfg.repository else None,
            "words": {k: w(f"form_{k}") for k in ("required", "missing", "copied", "add_row", "remove_row",
                                                   "choose", "all")},
            **registries(),
        }
    for rtype, rt in cfg.types.items():
        src = f"new/{rtype}.md"
        _put(site, src, lambda src=src, rtype=rtype, rt=rt: rd.page(
            "new_record.html", src, f"{w('new_record')} · {rt.title(lang)}", form=form_of(rtype, rt), rtype=rt))


def _field_form(spec, w: Words) -> dict:
    """A field's definition as the form needs it: kind, label, when it is required, its choices."""
    out = {"name": spec.name, "kind": spec.kind, "label": spec.title(w.lang), "required": spec.required,
           "required_when": [[k, list(v)] for k, v in spec.required_when],
           "required_unless": [[k, list(v)] for k, v in spec.required_unless],
           "not_required_when": [[k, list(v)] for k, v in spec.not_required_when]}
    if spec.values:
        group = "action_status" if spec.name == "status" and "done" in spec.values else spec.name
        out["values"] = [[str(v), w.value(group, v)] for v in spec.values]
    if spec.default is not None:
        out["default"] = spec.default
    for key in ("minimum", "maximum"):
        if getattr(spec, key) is not None:
            out[key] = getattr(spec, key)
    if spec.kind == "period":
        from .schema import PERIOD_EXAMPLE
        out["example"] = " / ".join(PERIOD_EXAMPLE[k] for k in spec.periods)
    if spec.of is not None:
        out["of"] = _field_form(spec.of, w)
    if spec.struct is not None:
        out["fields"] = [_field_form(s, w) for s in spec.struct.fields.values()]
    return out


def _body_skeleton(cfg: Config, rtype: str, rid: str, today: dt.date) -> str:
    """The body `bulletin new` writes (the headings of templates/new/<type>.md.j2), the title marked."""
    from .new import environment

    template = environment(cfg.root).select_template([f"new/{rtype}.md.j2", "new/record.md.j2"])
    text = template.render(id=rid, title=TITLE_MARK, today=today.isoformat(), year=today.year,
                           fields=cfg.types[rtype].fields, department="", person="", kind="", category="",
                           source="", period="")
    parts = text.split("\n---\n", 1)
    return parts[1] if len(parts) == 2 else ""


def nav_of(cfg: Config, w: Words, extra_pages: dict) -> list:
    t = cfg.types
    nav = [
        {w("board"): "index.md"},
        {t["notice"].title(cfg.language): "notices/index.md"} if "notice" in t else None,
        {t["meeting"].title(cfg.language): "meetings/index.md"} if "meeting" in t else None,
        {t["capa"].title(cfg.language): [{w("capa"): "capa/index.md"}, {w("capa_board"): "capa/board.md"}]}
        if "capa" in t else None,
        {w("actions"): "actions.md"},
        {t["report"].title(cfg.language): [{t["report"].title(cfg.language): "reports/index.md"},
                                            {w("report_matrix"): "reports/matrix.md"}]} if "report" in t else None,
        *_comm_nav(cfg, w),
        {w("objectives"): "objectives/index.md"} if cfg.objectives else None,
        {w("customers"): "customers/index.md"} if cfg.customers else None,
        {w("kpi"): "kpi.md"},
        {w("audit_pages"): [{w(key): src} for key, src in REVIEW_PAGES + AUDIT_PAGES]},
        {w("archive"): [{w("by_year"): "archive/index.md"}, {w("departments"): "departments/index.md"},
                        {w("people"): "people/index.md"}]},
        {w("exports"): "exports.md"},
        {w("new_record"): [{t[name].title(cfg.language): f"new/{name}.md"} for name in t]},
    ]
    nav += [{title: src} for src, (title, _) in extra_pages.items()]
    return [item for item in nav if item]


COMM_PAGES = (("complaint", "board.md", "complaint_board"), ("nc", "board.md", "nc_board"),
              ("survey", "trend.md", "survey_trend"), ("memo", "board.md", "memo_board"),
              ("contact", "log.md", "contact_log"))


def _comm_nav(cfg: Config, w: Words) -> list:
    """A section per communication type: its index and its board (or trend, or log)."""
    out = []
    for rtype, page, label in COMM_PAGES:
        if rtype in cfg.types:
            t = cfg.types[rtype]
            index = {t.title(cfg.language): f"{t.folder}/index.md"}
            out.append({t.title(cfg.language): [index, {w(label): f"{t.folder}/{page}"}]}
                       if state.builtin(cfg, rtype) else index)     # a company's own type: no v2 board
    return out


def load_extra_pages(root: Path, lang: str) -> dict:
    """Pages written by hand beside the project (docs/contributing.md → the contributor guide)."""
    from .labels import UI

    guide = root / "docs" / "contributing.md"
    if guide.is_file():
        return {"guide.md": (UI["guide"][1 if lang == "en" else 0], guide.read_text("utf-8"))}
    return {}


__all__ = ["build_site", "generate", "visible_to", "url_of", "relative", "src_of", "Site"]


def page_basis(site: Site) -> str | None:
    """What every record page's key (page_keys) is made from besides its own file: every record's path and
    front matter (site.inputs: titles, references, notices' states, what review packs read) and the Git
    history. None when the history's digest is not known."""
    digest = getattr(site.history, "digest", None)
    return None if digest is None else f"{site.inputs}\0{digest}"


def page_keys(site: Site, before: tuple | None = None) -> dict[str, str]:
    """A digest per record page of everything its HTML is made from, besides what is site-wide
    (configuration, registries, audience, today, navigation: see incremental.fingerprint). before: the
    previous build's (page_basis, file digests (page_digests), keys), with the same fingerprint and site.deps:
    while the basis is the same, a page whose file digest is too keeps its key (made of the same values)
    without making it again. site.keys_made counts the keys made."""
    keys, made = {}, 0
    by_id, backlinks, refs, history = site.records.by_id, site.backlinks, site.refs, site.history
    hidden_ids, hidden_commits = site.hidden_ids, site.hidden_commits
    blake2b = hashlib.blake2b
    basis = page_basis(site)
    old_digests, old_keys = before[1:] if before is not None and basis is not None and before[0] == basis \
        else ({}, {})
    file_digests = site.file_digests
    for src, r in site.record_src.items():
        # a masked record's text is its file's, masked as the basis says
        if (d := file_digests.get(r.path)) and old_digests.get(src) == d and src in old_keys:
            keys[src] = old_keys[src]
            continue
        made += 1
        # one string hashed: as cheap as the parts allow; the file's digest stands for its text (unmasked)
        parts = [r.path, "\0d", r.digest] if r.digest else [r.path, r.front_matter, "\0", r.body]
        for source, hows in backlinks.get(r.id, ()):
            parts.append(f"\0b{source.id}\0{source.path}\0{source.title}\0{','.join(hows)}")
        for _, rid in refs[r.id]:
            t = by_id.get(rid)
            parts.append(f"\0r{rid}\0{t.path if t else ''}\0{t.title if t else ''}\0{rid in hidden_ids}")
        if r.type == "notice":
            parts.append(state.notice_state(r, site.today, site.superseders))
        if review.is_review(r):   # its pack section: the values its pack page read (review_key)
            parts.append(review_key(site, r.id))
        for c in history.get(r.path, ()):
            parts.append(f"\0h{c.sha}\0{c.sha in hidden_commits}")
        keys[src] = blake2b("".join(parts).encode(), digest_size=16).hexdigest()
    site.keys_made = made
    return keys


def page_digests(site: Site) -> dict[str, str]:
    """Record page src -> its file's digest (Record.digest; "" when unknown): page_keys' before."""
    file_digests = site.file_digests
    return {src: file_digests.get(r.path, "") for src, r in site.record_src.items()}
