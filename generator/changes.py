"""`bulletin check-changes`: change control for a pull request.

Compares the working tree with the merge base of REF and HEAD (what a pull request's diff shows)
and with REF's tip (what the target branch holds now). Records are controlled documents:

- a record file is never deleted (it is marked `withdrawn`), and its ID never changes, unless the
  renumbered record lists the old ID in `former_ids`; a move to another folder keeping the ID is fine;
- a CAPA that was `closed`, or a meeting that was `approved`, at the base is edited only together
  with a new entry appended to its `amendments` list;
- a record added by the pull request does not take an ID that REF already uses (two branches that
  both ran `bulletin new`): the message names the next free ID.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import git, yamlsafe
from .config import Config, load_config
from .problems import Problem, error, sort_key
from .records import ID_IN_NAME, RECORDS_DIR, decode, scan, split
from .schema import ID_RE

# The status from which a record is frozen: later edits need an `amendments` entry.
LOCKED = {"capa": "closed", "meeting": "approved"}
# Changes that carry their own sign-off and so need no amendment.
SELF_SIGNED = ("withdrawn",)
_FORMER = re.compile(rb"\b([A-Z][A-Z0-9]*-\d{4}-\d{3,})\b")
_PAIR_LIMIT = 10_000            # beyond this many (deleted x added) pairs, pair by title only
_SIMILAR = 0.6


class ChangesError(Exception):
    """check-changes cannot run (exit 2); code and args name a message in messages.py."""

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code, self.args_ = code, args


@dataclass
class Entry:
    """One record file at one revision: the ID from its name, and its parsed front matter and body."""
    path: str
    type: str
    id: str
    data: bytes
    fields: dict | None = None         # None: the file cannot be read (validate says why)
    body: str | None = None
    front_matter: str = ""

    @property
    def former_ids(self) -> list[str]:
        value = (self.fields or {}).get("former_ids")
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    @property
    def title(self) -> str:
        return str((self.fields or {}).get("title") or "")

    def line_of(self, *ypath) -> int | None:
        root = yamlsafe.compose(self.front_matter) if self.front_matter else None
        line = yamlsafe.line_of(root, tuple(ypath)) if root is not None else None
        return line + 2 if line is not None else None


@dataclass
class Changes:
    base: str                          # the merge base's commit
    ref: str                           # REF's commit
    problems: list[Problem] = field(default_factory=list)
    compared: int = 0                  # record files at the base and in the working tree

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def entries(files: dict[str, bytes], cfg: Config, parse: bool = True) -> dict[str, Entry]:
    """The record files among files (paths under records/); parsed when parse is true."""
    folders = {t.folder: t.name for t in cfg.types.values()}
    out: dict[str, Entry] = {}
    for path, data in files.items():
        parts = path.split("/")
        if (len(parts) < 3 or parts[0] != RECORDS_DIR or parts[1] not in folders
                or not parts[-1].lower().endswith(".md") or any(p.startswith(".") for p in parts)):
            continue
        m = ID_IN_NAME.match(parts[-1])
        if not m:
            continue
        entry = Entry(path, folders[parts[1]], m.group(1), data)
        if parse or b"former_ids" in data:
            _parse(entry)
        out[path] = entry
    return out


def _parse(entry: Entry) -> None:
    text, problem = decode(entry.path, entry.data)
    if problem:
        return
    parts = split(entry.path, text)
    if isinstance(parts, Problem):
        return
    fm_text, body, _ = parts
    try:
        fm, _ = yamlsafe.load(fm_text)
    except (yamlsafe.YamlProblem, RecursionError, ValueError):    # validate reports the file
        return
    if isinstance(fm, dict):
        entry.fields, entry.body, entry.front_matter = fm, body, fm_text


def working_files(root: Path, cfg: Config) -> dict[str, bytes]:
    """{path: content} of the record files in the working tree (committed or not)."""
    files = {}
    for rel in scan(root, cfg).record_files:
        try:
            files[rel] = (root / rel).read_bytes()
        except OSError:
            continue
    return files


def check_changes(root: Path, base_ref: str, cfg: Config | None = None) -> Changes:
    """Run every rule for the working tree at root against REF = base_ref. ChangesError: cannot run."""
    root = Path(root)
    cfg = cfg or load_config(root)
    if not git.is_repository(root):
        raise ChangesError("git-not-repository", root=str(root))
    try:
        ref = git.resolve(root, base_ref)
    except git.GitError:
        raise ChangesError("git-unknown-ref", ref=base_ref) from None
    try:
        base = git.merge_base(root, ref, "HEAD")
    except git.GitError:
        raise ChangesError("git-no-head") from None
    if base is None:
        code = "git-shallow-no-merge-base" if git.is_shallow(root) else "git-no-merge-base"
        raise ChangesError(code, ref=base_ref)
    base_files = git.files_at(root, base)
    ref_files = base_files if ref == base else git.files_at(root, ref)
    work_files = working_files(root, cfg)
    problems = compare(base_files, ref_files, work_files, cfg, base_ref)
    compared = len(set(entries(base_files, cfg, parse=False)) | set(entries(work_files, cfg, parse=False)))
    return Changes(base, ref, sorted(problems, key=sort_key), compared)


def compare(base_files: dict[str, bytes], ref_files: dict[str, bytes], work_files: dict[str, bytes],
            cfg: Config, ref_name: str) -> list[Problem]:
    """The rules, on plain {path: bytes} snapshots: the merge base, REF's tip, the working tree."""
    base = entries(base_files, cfg)
    work = entries(work_files, cfg)
    ref = base if ref_files is base_files else entries(ref_files, cfg, parse=False)
    problems: list[Problem] = []
    problems += _lost_records(base, work, ref_name)
    problems += _locked_edits(base, work)
    problems += _locked_upstream(base, ref, work, ref_name)
    problems += _taken_ids(base, ref, work, ref_name)
    return problems


def _by_id(snapshot: dict[str, Entry]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for e in snapshot.values():
        out.setdefault(e.id, []).append(e)
    return out


def _lost_records(base: dict[str, Entry], work: dict[str, Entry], ref_name: str) -> list[Problem]:
    """Deleted records, and records whose ID changed without `former_ids`."""
    work_ids = _by_id(work)
    former = {fid for e in work.values() for fid in e.former_ids}
    base_ids = _by_id(base)
    gone = [es[0] for rid, es in sorted(base_ids.items()) if rid not in work_ids and rid not in former]
    added = [e for e in work.values() if e.id not in base_ids]
    pairs = _pair(gone, added)
    problems = []
    for old in gone:
        new = pairs.get(old.path)
        if new is None:
            problems.append(error(old.path, "change-deleted", id=old.id, file=old.path, ref=ref_name))
        else:
            problems.append(error(new.path, "change-id-changed", field="id", line=new.line_of("id"),
                                  old=old.id, new=new.id, old_path=old.path))
    return problems


def _comparable(e: Entry) -> str:
    text = e.data[:20_000].decode("utf-8", "replace")
    return text.replace(e.id, "\0")


def _pair(gone: list[Entry], added: list[Entry]) -> dict[str, Entry]:
    """old path -> the added record that looks like the same record under a new ID."""
    if not gone or not added:
        return {}
    scored = []
    by_title = len(gone) * len(added) > _PAIR_LIMIT
    texts = {} if by_title else {e.path: _comparable(e) for e in (*gone, *added)}
    for old in gone:
        for new in added:
            if old.type != new.type:
                continue
            if old.title and old.title == new.title:
                scored.append((2.0, old.path, new.path))
                continue
            if by_title:
                continue
            matcher = difflib.SequenceMatcher(None, texts[old.path], texts[new.path], autojunk=False)
            if matcher.real_quick_ratio() >= _SIMILAR and matcher.quick_ratio() >= _SIMILAR:
                ratio = matcher.ratio()
                if ratio >= _SIMILAR:
                    scored.append((ratio, old.path, new.path))
    pairs: dict[str, Entry] = {}
    used: set[str] = set()
    added_by_path = {e.path: e for e in added}
    for _, old_path, new_path in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if old_path in pairs or new_path in used:
            continue
        pairs[old_path] = added_by_path[new_path]
        used.add(new_path)
    return pairs


def _successor(old: Entry, work: dict[str, Entry], work_ids: dict[str, list[Entry]],
               former: dict[str, Entry]) -> Entry | None:
    """The working tree's version of a base record: same path, else moved, else renumbered."""
    same = work.get(old.path)
    if same is not None and same.id == old.id:
        return same
    if old.id in work_ids:
        return work_ids[old.id][0]
    return former.get(old.id)


def _locked_edits(base: dict[str, Entry], work: dict[str, Entry]) -> list[Problem]:
    """A closed CAPA or an approved meeting edited without a new `amendments` entry."""
    work_ids = _by_id(work)
    former = {fid: e for e in work.values() for fid in e.former_ids}
    problems = []
    for old in base.values():
        frozen = LOCKED.get(old.type)
        if old.fields is None or frozen is None or old.fields.get("status") != frozen:
            continue
        new = _successor(old, work, work_ids, former)
        if new is None or new.fields is None:
            continue
        if _content(old) == _content(new):
            continue
        if _content(old, SELF_SIGNED) == _content(new, SELF_SIGNED) and new.fields.get("withdrawn"):
            continue
        old_list = _amendments(old.fields)
        new_list = _amendments(new.fields)
        line = new.line_of("amendments" if "amendments" in new.fields else "status")
        args = dict(id=new.id, status=frozen, type=new.type, count=len(old_list))
        if new_list[:len(old_list)] != old_list:
            problems.append(error(new.path, "change-amendments-rewritten", field="amendments", line=line, **args))
        elif len(new_list) <= len(old_list):
            problems.append(error(new.path, "change-locked-edited", field="amendments", line=line, **args))
    return problems


def _locked_upstream(base: dict[str, Entry], ref: dict[str, Entry], work: dict[str, Entry],
                     ref_name: str) -> list[Problem]:
    """A record this branch changes that was approved or closed on REF after the branch was made."""
    if ref is base:
        return []
    base_ids, ref_ids = _by_id(base), _by_id(ref)
    problems = []
    for new in work.values():
        if new.fields is None or new.id not in base_ids or len(ref_ids.get(new.id, ())) != 1:
            continue
        old, upstream = base_ids[new.id][0], ref_ids[new.id][0]
        if old.fields is None or old.fields.get("status") == LOCKED.get(old.type):
            continue                                   # locked at the base: _locked_edits' case
        if upstream.data == old.data:
            continue                                   # REF did not touch it
        if upstream.fields is None:
            _parse(upstream)
        frozen = LOCKED.get(upstream.type)
        if upstream.fields is None or frozen is None or upstream.fields.get("status") != frozen:
            continue
        if _content(new, SELF_SIGNED) in (_content(old, SELF_SIGNED), _content(upstream, SELF_SIGNED)):
            continue                                   # this branch did not change it, or holds REF's version
        problems.append(error(new.path, "change-locked-upstream", field="status", line=new.line_of("status"),
                              id=new.id, status=frozen, ref=ref_name))
    return problems


def _content(e: Entry, ignore: tuple = ()) -> tuple:
    fields = {k: v for k, v in e.fields.items() if k not in ignore and k not in ("id", "former_ids")}
    return fields, e.body


def _amendments(fields: dict) -> list:
    value = fields.get("amendments")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _taken_ids(base: dict[str, Entry], ref: dict[str, Entry], work: dict[str, Entry],
               ref_name: str) -> list[Problem]:
    """A record added by the pull request whose ID REF's tip already gives to another record."""
    ref_ids = _by_id(ref)
    ref_former: dict[str, Entry] = {}
    for e in ref.values():
        for fid in e.former_ids:
            if fid != e.id:
                ref_former.setdefault(fid, e)
    taken = _numbers(ref, work)
    problems = []
    for new in sorted(work.values(), key=lambda e: e.path):
        if new.path in base:
            continue
        clash, code = None, "change-id-taken"
        for other in ref_ids.get(new.id, []):
            if other.path == new.path and other.data == new.data:
                continue                       # the very same file is on both sides
            if other.path == new.path or other.path in work or other.path not in base:
                clash = other
                break
            # otherwise REF's file was at the base and is gone from the working tree: a move, fine
        if clash is None and new.id in ref_former and ref_former[new.id].path != new.path:
            clash, code = ref_former[new.id], "change-id-former"
        if clash is None:
            continue
        free = _next_free(new.id, taken)
        name = new.path.rsplit("/", 1)[-1].replace(new.id, free, 1)
        problems.append(error(new.path, code, field="id", line=new.line_of("id"),
                              id=new.id, ref=ref_name, other=clash.path, new=free, name=name))
    return problems


def _numbers(*snapshots: dict[str, Entry]) -> set[str]:
    """Every ID in use or reserved (as a former ID) in the snapshots."""
    ids: set[str] = set()
    for snap in snapshots:
        for e in snap.values():
            ids.add(e.id)
            if e.fields is not None:
                ids.update(e.former_ids)
            elif b"former_ids" in e.data:
                ids.update(m.decode() for m in _FORMER.findall(e.data))
    return ids


def _next_free(rid: str, taken: set[str]) -> str:
    """The next number after the highest taken for the same prefix and year; reserved once given."""
    m = ID_RE.match(rid)
    prefix, year = m.group(1), m.group(2)
    highest = 0
    for other in taken:
        o = ID_RE.match(other)
        if o and o.group(1) == prefix and o.group(2) == year:
            highest = max(highest, int(o.group(3)))
    free = f"{prefix}-{year}-{highest + 1:03d}"
    taken.add(free)
    return free
