"""Validate in stages: read each file, check its fields and rules, then the rules across records."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml

from . import guard, stage2, yamlsafe
from .attachments import executable_attachment, runnable_by_name, svg_by_name
from .config import Config, load_config, mkdocs_file
from .problems import Problem, error, sort_key, warning
from .records import RECORDS_DIR, Record, Records, Tree, read_record, scan
from .schema import ID_RE, Check, check_record, customer_id

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
WINDOWS = re.compile(r"^[a-zA-Z]:[\\/]|\\")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(
    r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]"
    r"\(\s*(<[^>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
    r"(?:\s+(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|\((?:[^()\\\n]|\\.)*\)))?\s*\)"
)
REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)")


@dataclass
class Result:
    config: Config
    records: Records
    tree: Tree
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def load_repository(root: Path, cfg: Config | None = None, *, cache: bool = True) -> Result:
    """Read and check everything under root; problems sorted by file and line.

    Stage 2 (one file at a time) runs in parallel on large trees and is remembered in a
    content-addressed cache (see stage2.py); stage 3 (across records) always runs whole.
    """
    root = Path(root)
    cfg = cfg or load_config(root)
    tree = scan(root, cfg)
    problems = list(cfg.problems) + list(tree.problems) + check_mkdocs(root)
    records = []
    refs: dict[str, list] = {}
    digests: dict[str, str | None] = {}
    for rel, (record, found, record_refs) in stage2.run(root, cfg, tree.record_files, check_file, use_cache=cache,
                                                        digests=digests):
        problems += found
        if record is not None:
            record.digest = digests.get(rel) or ""   # page_keys hashes it, not the record's text
            refs[record.path] = record_refs  # by path: two records may share an ID
            records.append(record)
    problems += check_repository(records, refs, tree, cfg, root)
    problems += check_attachments(root, tree)
    return Result(cfg, Records(records), tree, sorted(problems, key=sort_key))


def check_mkdocs(root: Path) -> list[Problem]:
    """mkdocs.yml names Bulletin (its hook, or a plugin named bulletin) and gives MkDocs no records of its
    own (docs_dir outside records/): without Bulletin, MkDocs then publishes no record at all. A file named
    by `INHERIT:` counts as MkDocs reads it: its keys under the file's own, mappings merged."""
    path = mkdocs_file(root)
    if path is None:         # Bulletin's own configuration, with its plugin
        return []
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        top = _mkdocs_keys(path, root)
    except _Unreadable as exc:
        return [error(exc.rel, "mkdocs-unreadable", line=exc.line, problem=exc.problem)]

    def names(key: str) -> list[str]:
        """The names listed under a top-level key: `- name`, `- name: {options}`, or `name: {options}`."""
        value = top.get(key, (None, None, rel))[1]
        if isinstance(value, yaml.MappingNode):
            return [k.value for k, _ in value.value]
        entries = value.value if isinstance(value, yaml.SequenceNode) else []
        return [e.value if isinstance(e, yaml.ScalarNode) else
                next((k.value for k, _ in e.value), "") if isinstance(e, yaml.MappingNode) else "" for e in entries]

    problems = []
    hooks = [str(h).replace("\\", "/") for h in names("hooks")]
    if not any(h == "generator/hooks.py" or h.endswith("/generator/hooks.py") for h in hooks) \
            and "bulletin" not in names("plugins"):
        key = top.get("hooks") or top.get("plugins")
        problems.append(error(key[2] if key else rel, "mkdocs-no-bulletin", line=key[0].start_mark.line + 1 if key else 1))
    docs_key, docs_value, docs_rel = top.get("docs_dir", (None, None, rel))
    docs = path.parent / (docs_value.value if isinstance(docs_value, yaml.ScalarNode) else "docs")
    records = Path(root) / RECORDS_DIR
    if docs.resolve().is_relative_to(records.resolve()) or records.resolve().is_relative_to(docs.resolve()):
        # a warning: a v1 mkdocs.yml (docs_dir: records) stays valid, and the hook still filters what it publishes
        problems.append(warning(docs_rel, "mkdocs-docs-dir-records", line=docs_key.start_mark.line + 1 if docs_key else 1,
                              value=docs_value.value if docs_value is not None else "docs"))
    return problems


class _Unreadable(Exception):
    def __init__(self, rel: str, line: int, problem: str):
        super().__init__(problem)
        self.rel, self.line, self.problem = rel, line, problem


def _mkdocs_keys(path: Path, root: Path, seen: tuple = ()) -> dict:
    """mkdocs.yml's top-level keys -> (key node, value node, the file's path as shown), after `INHERIT:`
    (the inherited file first, this file's keys over it; two mappings under one key are merged)."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    text = ""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)     # nodes only: tags such as !ENV are not run
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)     # at the end of the file: its last line
        raise _Unreadable(rel, min(mark.line + 1, text.count("\n") or 1) if mark else 1,
                          str(getattr(exc, "problem", None) or exc)) from None
    own = {k.value: (k, v, rel) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
    inherit = own.pop("INHERIT", None)
    if inherit is None:
        return own
    named = str(inherit[1].value) if isinstance(inherit[1], yaml.ScalarNode) else ""
    parent, line = path.parent / named, inherit[0].start_mark.line + 1
    if not named or not parent.is_file():
        raise _Unreadable(rel, line, f"INHERIT: {named} is not a file")
    if parent.resolve() in seen or len(seen) > 8:
        raise _Unreadable(rel, line, f"INHERIT: {named} inherits from itself")
    merged = _mkdocs_keys(parent, root, (*seen, path.resolve()))
    for key, (k, v, where) in own.items():
        below = merged.get(key)
        if below and isinstance(below[1], yaml.MappingNode) and isinstance(v, yaml.MappingNode):
            v = yaml.MappingNode(v.tag, below[1].value + v.value, v.start_mark, v.end_mark)
        merged[key] = (k, v, where)
    return merged


def check_file(root: Path, rel: str, cfg: Config, prefixes: frozenset):
    """Stage 2 for one file: (record or None, its problems, its references to other records)."""
    record, found = read_record(root, rel, cfg)
    if record is None:
        return None, found, []
    chk = check_fields(record, cfg, prefixes)
    over = guard.excess(record.body)
    if over is not None:  # the build would show this body as plain text: say what to change
        found.append(error(rel, over.code, line=record.body_line + over.line, size=over.found, found=over.found,
                           limit=over.limit))
        record.links = []
    links_of(record)  # found once here, kept with the record in the stage-2 cache
    return record, found + chk.problems, chk.refs


def check_attachments(root: Path, tree: Tree) -> list[Problem]:
    """Attachments a browser would run as a page or a script (only an SVG's content is read)."""
    problems = []
    for rel in sorted(tree.attachments):
        data, svg = b"", svg_by_name(rel) and not runnable_by_name(rel)
        if svg:
            try:
                data = (root / rel).read_bytes()
            except OSError as exc:
                problems.append(error(rel, "file-unreadable", problem=exc.strerror or str(exc)))
                continue
        if executable_attachment(rel.rsplit("/", 1)[-1], data):
            code = "svg-script" if svg else "executable-attachment"
            problems.append(error(rel, code, ext=runnable_by_name(rel) or posixpath.splitext(rel)[1]))
    return problems


def check_fields(record: Record, cfg: Config, prefixes: frozenset) -> Check:
    """Stage 2: the record's own fields, the type's rules, ID against file name and folder."""
    rtype = cfg.types[record.type]
    chk = Check(record.path, rtype, cfg.people, cfg.departments, prefixes, customers=cfg.customers,
                objectives=cfg.objectives, soft_prefixes=frozenset(t.prefix for t in cfg.types.values() if t.added_in >= 2))
    fm_id = record.fields.get("id")
    m = ID_RE.match(fm_id) if isinstance(fm_id, str) else None
    other = cfg.type_for_prefix(m.group(1)) if m else None
    if other is not None and other.name != rtype.name:
        # written as another type's record: its fields are that type's, and checking them as this type's
        # would only list every difference between the two types; one move (or one id) fixes it
        rest = record.path.rsplit("/", 1)[-1][len(record.id):]
        chk.report("id-other-type", ("id",), id=fm_id, other=other.name, type=rtype.name, filename=record.id,
                   move=f"records/{other.folder}/{m.group(2)}/{fm_id}{rest}")
        _place(chk, record)
        return chk
    check_record(record.fields, rtype, chk)
    if isinstance(fm_id, str) and fm_id != record.id:
        chk.report("id-mismatch", ("id",), id=fm_id, filename=record.id)
    if record.path.split("/")[1] != rtype.folder:
        chk.report("wrong-folder", ("id",), id=record.id, expected=rtype.name, folder=rtype.folder)
    _place(chk, record)
    return chk


def _place(chk: Check, record: Record) -> None:
    """Give each problem found in the front matter the line of its key or list item."""
    if not chk.problems:
        return
    root = yamlsafe.compose(record.front_matter)
    placed = []
    for p in chk.problems:
        ypath = chk.fields_at.get(id(p), ())
        line = yamlsafe.line_of(root, ypath) if root is not None else None
        placed.append(p.at(line + 2 if line is not None else 1))
    chk.problems = placed


def check_repository(records: list[Record], refs: dict, tree: Tree, cfg: Config, root: Path) -> list[Problem]:
    """Stage 3: unique IDs, references, one report per period, links to attachments."""
    problems: list[Problem] = []
    by_id: dict[str, Record] = {}
    for r in records:
        if r.id in by_id:
            problems.append(error(r.path, "duplicate-id", field="id", line=_key_line(r, "id"),
                                  id=r.id, other=by_id[r.id].path))
        else:
            by_id[r.id] = r
    former = {fid: r.id for r in records for fid in _list(r.fields.get("former_ids")) if isinstance(fid, str)}
    for r in records:
        for ref in refs.get(r.path, []):
            target = by_id.get(ref.target)
            if target is not None and (not ref.types or target.type in ref.types):
                continue
            line = _key_line(r, *ref.path)
            if target is None and ref.soft and ref.target not in former:
                problems.append(warning(r.path, "ref-missing-outside", field=ref.field, line=line, found=ref.target))
            elif target is None:
                renamed = former.get(ref.target)
                problems.append(error(r.path, "ref-missing", field=ref.field, line=line, found=ref.target,
                                      hint=_Renumbered(renamed or "")))
            elif ref.types and target.type not in ref.types:
                problems.append(error(r.path, "ref-wrong-type", field=ref.field, line=line, found=ref.target,
                                      expected="/".join(ref.types)))
    seen_reports: dict[tuple, Record] = {}
    for r in records:
        if r.type != "report":
            continue
        dept, kind, period = (r.fields.get(k) for k in ("department", "kind", "period"))
        if not (isinstance(dept, str) and isinstance(kind, str) and isinstance(period, (str, int))):
            continue  # stage 2 has said what is wrong with them
        key = (dept, kind, str(period))
        if key in seen_reports:
            problems.append(error(r.path, "report-duplicate", field="period", line=_key_line(r, "period"),
                                  department=key[0], kind=key[1], period=key[2], other=seen_reports[key].id))
        else:
            seen_reports[key] = r
    problems += check_across(records, by_id, cfg)
    files = tree.attachments | set(tree.record_files)
    for r in records:
        problems += check_links(r, files)
    return problems


# --- v2 record types: rules across records -------------------------------------------------

def check_across(records: list[Record], by_id: dict, cfg: Config) -> list[Problem]:
    """Stage 3 for the rules the types name in `rules_across`, and for their `unique` fields."""
    problems: list[Problem] = []
    seen: dict[tuple, Record] = {}
    for r in records:
        rtype = cfg.types[r.type]
        for rule in rtype.rules_across:
            problems += ACROSS[rule](r, by_id, cfg)
        if rtype.unique and not r.withdrawn:  # a withdrawn record gives way to the one that replaces it
            key = _unique_key(r, rtype, cfg)
            if key is None:
                continue
            if key in seen:
                problems.append(error(r.path, "unique-duplicate", field=rtype.unique[-1],
                                      line=_key_line(r, rtype.unique[-1]), other=seen[key].id,
                                      fields=" + ".join(rtype.unique), values=" + ".join(key[1:]), type=rtype.name))
            else:
                seen[key] = r
    return problems


def _unique_key(r: Record, rtype, cfg: Config) -> tuple | None:
    """The record's values of its type's unique fields (a customer by its id), or None when one is missing."""
    values = []
    for name in rtype.unique:
        value = r.fields.get(name)
        if rtype.fields[name].kind == "customer":
            value = customer_id(value, cfg.customers) or value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None  # stage 2 has said what is wrong
        values.append(str(value))
    return (r.type, *values)


def _target(r: Record, name: str, by_id: dict, cfg: Config, rtype_name: str) -> Record | None:
    """The record a field names, when it is of the given v2 type (not a company's own type of that name)."""
    target = by_id.get(r.fields.get(name)) if isinstance(r.fields.get(name), str) else None
    if target is None or target.type != rtype_name or cfg.types[rtype_name].added_in < 2:
        return None
    return target


def _source_ref_complaint(r: Record, by_id: dict, cfg: Config) -> list[Problem]:
    """A CAPA whose source_ref names a customer complaint has source: customer-complaint."""
    if _target(r, "source_ref", by_id, cfg, "complaint") is None or r.fields.get("source") == "customer-complaint":
        return []
    return [error(r.path, "complaint-capa-source", field="source", line=_key_line(r, "source"),
                  found=r.fields["source_ref"], value=r.fields.get("source"))]


def _capa_settled_to_close(r: Record, by_id: dict, cfg: Config) -> list[Problem]:
    """A closed record's capa is closed or cancelled."""
    capa = by_id.get(r.fields.get("capa")) if isinstance(r.fields.get("capa"), str) else None
    if r.fields.get("status") != "closed" or capa is None or capa.type != "capa":
        return []
    status = capa.fields.get("status")
    if status in ("closed", "cancelled"):
        return []
    return [error(r.path, "capa-not-settled", field="closed_on", line=_key_line(r, "closed_on"),
                  found=capa.id, status=status)]


ACROSS = {
    "source_ref_complaint_is_customer_complaint": _source_ref_complaint,
    "capa_settled_to_close": _capa_settled_to_close,
}


def _list(value) -> list:
    """A field that should be a list, or nothing when it is not one (stage 2 reported that)."""
    return value if isinstance(value, list) else []


class _Renumbered(str):
    def localize(self, lang: str) -> str:
        from .messages import render
        return render("ref-renumbered", lang, new=str(self)) if self else ""


def _key_line(record: Record, *ypath) -> int:
    root = yamlsafe.compose(record.front_matter)
    line = yamlsafe.line_of(root, tuple(ypath)) if root is not None else None
    return line + 2 if line is not None else 1


def links(body: str):
    """(0-based line, target) of every Markdown link and image outside code."""
    in_fence = None
    for i, line in enumerate(body.split("\n")):
        fence = FENCE.match(line)
        if in_fence:
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
            continue
        if line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*", "+")) and not line.strip()[:1].isdigit():
            continue
        if "`" in line:
            line = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        if "](" in line:
            for m in LINK.finditer(line):
                yield i, m.group(1)
        if "]:" in line:
            m = REF_DEF.match(line)
            if m:
                yield i, m.group(1)


def links_of(record: Record) -> list:
    """The record's links, found once."""
    if record.links is None:
        record.links = list(links(record.body))
    return record.links


def link_target(record_path: str, raw: str) -> tuple[str, str]:
    """What a link in a record names: ("path", repository path), or ("outside" | "windows", the target),
    ("email", the address), ("none", "") for anchors, URLs and empty links."""
    target = raw[1:-1].strip() if raw.startswith("<") else raw.strip()
    if not target or target.startswith("#"):
        return "none", ""
    if WINDOWS.search(target):
        return "windows", target
    if SCHEME.match(target) or target.startswith("//"):
        return "none", ""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if "@" in path and "/" not in path:
        return "email", path
    if not path:
        return "none", ""
    resolved = posixpath.normpath(posixpath.join(RECORDS_DIR, path.lstrip("/")) if path.startswith("/")
                                  else posixpath.join(posixpath.dirname(record_path), path))
    if resolved.startswith("../") or resolved == "..":
        return "outside", target
    # a link to x.md or x.pdf names that file, never a folder of that name; x/ or x may name a folder
    return "path", resolved + ("/" if path.endswith("/") else "")


def check_links(record: Record, files: set[str]) -> list[Problem]:
    problems = []
    for i, raw in links_of(record):
        kind, value = link_target(record.path, raw)
        line = record.body_line + i
        if kind in ("windows", "outside"):
            problems.append(error(record.path, f"link-{kind}", line=line, target=value))
        elif kind == "email":
            problems.append(warning(record.path, "link-email", line=line, target=value))
        elif kind == "path" and value not in files and not _folder(value, files):
            target = raw[1:-1].strip() if raw.startswith("<") else raw.strip()
            problems.append(error(record.path, "link-missing", line=line, target=target))
    return problems


def _folder(path: str, files: set[str]) -> bool:
    """True when path names a folder holding files: written with a trailing /, or without an extension."""
    if not path.endswith("/") and posixpath.splitext(path)[1]:
        return False
    prefix = path.rstrip("/") + "/"
    return any(f.startswith(prefix) for f in files)


def select(problems: list[Problem], paths: list[str], root: Path) -> list[Problem]:
    """Only the problems of the given files or folders (the repository is still read whole)."""
    if not paths:
        return problems
    wanted = []
    for p in paths:
        full = Path(p).resolve()
        try:
            wanted.append(full.relative_to(root.resolve()).as_posix())
        except ValueError:
            wanted.append(Path(p).as_posix())
    return [p for p in problems if any(p.path == w or p.path.startswith(w.rstrip("/") + "/") or w in (".", "")
                                       for w in wanted)]
