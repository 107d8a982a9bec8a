"""`bulletin check-changes`: change control for a pull request.

Compares the working tree with the merge base of REF and HEAD (what a pull request's diff shows)
and with REF's tip (what the target branch holds now). Each side is read with its own
site_config/ (a pull request that renames a type's folder does not hide the base's records).
Records are controlled documents:

- a record file is never deleted (it is marked `withdrawn`), and its ID never changes, unless the
  renumbered record lists the old ID in `former_ids`; a move to another folder keeping the ID is fine.
  Only a record the pull request adds or renumbers may claim a former ID: one of its own type that
  the base had and the working tree lost;
- `amendments` is append-only, in every state;
- a record locked at the base (its type's `locked_when`: a meeting `approved`, a capa `closed`) is
  edited only together with a new `amendments` entry; progress is not an edit (appending `received`,
  an action going open -> done or cancelled, adding an action's `evidence`, adding `withdrawn`);
  the attachments it links to are locked with it;
- a CAPA whose verification the pull request turns to `effective: false` goes back to `implementing` with a
  new `amendments` entry whose reason names the failed verification (its date, or the word 验证 /
  verification), never to `closed`;
- a record added by the pull request does not take an ID that REF already uses (two branches that
  both ran `bulletin new`): the message names the next free ID;
- under `approvals: authored` or `signed` (site.yml, the stricter of base and working tree), each
  approval the pull request adds or changes was committed (and signed) by its approver (approvals.py).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import approvals, git, yamlsafe
from .config import CONFIG_DIR, Config, ConfigError, load_config
from .messages import Text, join_text, say
from .problems import Problem, error, sort_key
from .records import ID_IN_NAME, RECORDS_DIR, decode, scan, split
from .schema import ID_RE, display
from .validate import link_target, links

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

    def locked(self, cfg: Config) -> str | None:
        """The status that locks this record under cfg's types (its `locked_when`), or None."""
        rtype = cfg.types.get(self.type)
        if self.fields is None or rtype is None or not rtype.locked(self.fields):
            return None
        return str(self.fields.get("status") or rtype.name)


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


def working_files(root: Path, cfg: Config) -> tuple[dict[str, bytes], dict[str, tuple[bytes, Text]]]:
    """{path: content} of the record files in the working tree (committed or not), and of the files
    that cannot be records as named ({path: (content, what is wrong with the name)})."""
    files, misnamed = {}, {}
    tree = scan(root, cfg)
    for rel in tree.record_files:
        try:
            files[rel] = (root / rel).read_bytes()
        except OSError:
            continue
    for p in tree.problems:
        data = _read_file(root, p.path) if p.path.startswith(f"{RECORDS_DIR}/") else None
        if data is not None:
            misnamed[p.path] = (data, Text(p.message("zh"), p.message("en")))
    return files, misnamed


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
    base_cfg = config_at(root, base, cfg)
    ref_cfg = base_cfg if ref == base else config_at(root, ref, cfg)
    work_files, misnamed = working_files(root, cfg)
    problems = compare(base_files, ref_files, work_files, cfg, base_ref, base_cfg=base_cfg, ref_cfg=ref_cfg,
                       work_file=lambda rel: _read_file(root, rel), misnamed=misnamed)
    if approvals.stricter(base_cfg.approvals, cfg.approvals) != "declared":
        problems += approvals.check(root, base, base_cfg, cfg, entries(base_files, base_cfg), entries(work_files, cfg))
    compared = len(set(entries(base_files, base_cfg, parse=False)) | set(entries(work_files, cfg, parse=False)))
    return Changes(base, ref, sorted(problems, key=sort_key), compared)


def config_at(root: Path, rev: str, fallback: Config) -> Config:
    """site_config/ as it was at a revision; fallback when it cannot be read there."""
    try:
        return load_config(root, git.files_at(root, rev, CONFIG_DIR))
    except (ConfigError, git.GitError):
        return fallback


def _read_file(root: Path, rel: str) -> bytes | None:
    """A regular file's bytes in the working tree; None when there is none (or a folder, or a link)."""
    path = root / rel
    try:
        return None if path.is_symlink() or not path.is_file() else path.read_bytes()
    except OSError:
        return None


def compare(base_files: dict[str, bytes], ref_files: dict[str, bytes], work_files: dict[str, bytes],
            cfg: Config, ref_name: str, *, base_cfg: Config | None = None, ref_cfg: Config | None = None,
            work_file: Callable[[str], bytes | None] | None = None,
            misnamed: dict[str, tuple[bytes, Text]] | None = None) -> list[Problem]:
    """The rules, on plain {path: bytes} snapshots: the merge base, REF's tip, the working tree.
    Each snapshot is read with its own configuration (default: cfg); work_file reads any other
    file of the working tree (an attachment; default: from work_files); misnamed holds the working tree's
    files under records/ whose names cannot be records ({path: (content, what is wrong)})."""
    base_cfg, ref_cfg = base_cfg or cfg, ref_cfg or base_cfg or cfg
    base = entries(base_files, base_cfg)
    work = entries(work_files, cfg)
    ref = base if ref_files is base_files else entries(ref_files, ref_cfg, parse=False)
    claims, problems = _former_claims(base, work)
    problems += _lost_records(base, work, claims, ref_name, misnamed or {})
    problems += _locked_edits(base, work, claims, base_cfg)
    problems += _locked_attachments(base, work, claims, base_files, work_file or work_files.get,
                                    base_cfg, ref_name)
    problems += _locked_upstream(base, ref, work, base_cfg, ref_cfg, ref_name)
    problems += _taken_ids(base, ref, work, ref_name)
    problems += _ineffective_verifications(base, work, claims)
    return problems


def _by_id(snapshot: dict[str, Entry]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for e in snapshot.values():
        out.setdefault(e.id, []).append(e)
    return out


def _former_claims(base: dict[str, Entry], work: dict[str, Entry]) -> tuple[dict[str, Entry], list[Problem]]:
    """{base ID: the record that now holds it as a former ID}, and the claims that may not stand.

    A claim stands when the claiming record is added or renumbered by the pull request (its ID is
    not at the base), and the ID it claims is one the base had, of the same type, that the working
    tree lost. A claim of an ID the base never had only reserves that number; claims a record
    already made at the base are not judged again."""
    base_ids, work_ids = _by_id(base), _by_id(work)
    claims: dict[str, Entry] = {}
    problems = []
    for new in sorted(work.values(), key=lambda e: e.path):
        before = {fid for e in base_ids.get(new.id, ()) for fid in e.former_ids}
        for fid in new.former_ids:
            if fid == new.id or fid not in base_ids or fid in before:
                continue
            old = base_ids[fid][0]
            if new.id in base_ids:
                reason = say("changes-former-kept-id", id=new.id)
            elif old.type != new.type:
                reason = say("changes-former-other-type", former=fid, other=old.type, id=new.id, type=new.type)
            elif fid in work_ids:
                reason = say("changes-former-still-there", former=fid, other=work_ids[fid][0].path)
            else:
                claims.setdefault(fid, new)
                continue
            problems.append(error(new.path, "change-former-claim", field="former_ids",
                                  line=new.line_of("former_ids"), id=new.id, former=fid, reason=reason))
    return claims, problems


def _lost_records(base: dict[str, Entry], work: dict[str, Entry], claims: dict[str, Entry],
                  ref_name: str, misnamed: dict[str, tuple[bytes, Text]]) -> list[Problem]:
    """Deleted records (or renamed to a name a record cannot have), and records whose ID changed
    without `former_ids`."""
    work_ids = _by_id(work)
    base_ids = _by_id(base)
    gone = [es[0] for rid, es in sorted(base_ids.items()) if rid not in work_ids and rid not in claims]
    added = [e for e in work.values() if e.id not in base_ids]
    pairs = _pair(gone, added)
    problems = []
    for old in gone:
        new = pairs.get(old.path)
        renamed = next((path for path, (data, _) in sorted(misnamed.items()) if _same_record(old, data)), None)
        if new is None and renamed:
            problems.append(error(renamed, "change-renamed-badly", id=old.id, file=renamed, old=old.path,
                                  problem=misnamed[renamed][1]))
        elif new is None:
            problems.append(error(old.path, "change-deleted", id=old.id, file=old.path, ref=ref_name))
        else:
            problems.append(error(new.path, "change-id-changed", field="id", line=new.line_of("id"),
                                  old=old.id, new=new.id, old_path=old.path))
    return problems


def _same_record(old: Entry, data: bytes) -> bool:
    """True when data (a misnamed file) is old's content, or a record with old's ID."""
    if data == old.data:
        return True
    text = data[:20_000].decode("utf-8", "replace")
    return re.search(rf"^id:[ \t]*['\"]?{re.escape(old.id)}['\"]?[ \t]*(#.*)?$", text, re.M) is not None


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


def _locked_edits(base: dict[str, Entry], work: dict[str, Entry], claims: dict[str, Entry],
                  base_cfg: Config) -> list[Problem]:
    """Amendments rewritten (in any state); a locked record edited without a new `amendments` entry."""
    work_ids = _by_id(work)
    problems = []
    for old in base.values():
        if old.fields is None:
            continue
        new = _successor(old, work, work_ids, claims)
        if new is None or new.fields is None:
            continue
        old_list = _amendments(old.fields)
        new_list = _amendments(new.fields)
        frozen = old.locked(base_cfg)
        line = new.line_of("amendments" if "amendments" in new.fields else "status")
        args = dict(id=new.id, status=frozen or old.fields.get("status"), type=new.type, count=len(old_list))
        if new_list[:len(old_list)] != old_list:
            problems.append(error(new.path, "change-amendments-rewritten", field="amendments", line=line, **args))
        elif frozen and len(new_list) <= len(old_list) and not _progress_only(old, new):
            problems.append(error(new.path, "change-locked-edited", field="amendments", line=line,
                                  changed=_what_changed(old, new), **args))
    return problems


def _what_changed(old: Entry, new: Entry, limit: int = 6) -> Text:
    """The fields (actions[2].owner) and the body an edit changed, progress left out, in words."""
    ypaths = _differences(_own_fields(old, old.id), _undo_progress(old.fields, _own_fields(new, old.id)), ())
    names = [display(p) for p in ypaths[:limit]] + (["…"] if len(ypaths) > limit else [])
    if old.body != new.body:
        names.append(Text("正文", "the body"))
    return join_text(names or [Text("格式", "the layout")], "、", ", ")


def _differences(a, b, at: tuple) -> list[tuple]:
    """The YAML paths where a and b differ, as deep as both are mappings or lists of one length."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [*b, *(k for k in a if k not in b)]
        return [p for k in keys for p in _differences(a.get(k), b.get(k), (*at, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in _differences(x, y, (*at, i))]
    return [at]


def _locked_attachments(base: dict[str, Entry], work: dict[str, Entry], claims: dict[str, Entry],
                        base_files: dict[str, bytes], work_file: Callable[[str], bytes | None],
                        base_cfg: Config, ref_name: str) -> list[Problem]:
    """An attachment a locked record links to, deleted or replaced without a new amendment on that record."""
    work_ids = _by_id(work)
    problems = []
    for old in sorted(base.values(), key=lambda e: e.path):
        frozen = old.locked(base_cfg)
        if not frozen or old.body is None:
            continue
        new = _successor(old, work, work_ids, claims)
        if new is not None and new.fields is not None and \
                len(_amendments(new.fields)) > len(_amendments(old.fields)):
            continue                                   # amended: the amendment says why
        for path in _attachments(old, base_files, base):
            now = work_file(path)
            if now == base_files[path]:
                continue
            how = say("changes-attachment-deleted" if now is None else "changes-attachment-replaced")
            problems.append(error(path, "change-attachment-locked", id=old.id, status=frozen, file=path,
                                  how=how, ref=ref_name, record=(new or old).path))
    return problems


def _attachments(e: Entry, files: dict[str, bytes], records: dict[str, Entry]) -> list[str]:
    """The files (never folders) other than records that e's body links to."""
    found = []
    for _, raw in links(e.body):
        kind, path = link_target(e.path, raw)
        if kind == "path" and path in files and path not in records and path not in found:
            found.append(path)
    return found


def _progress_only(old: Entry, new: Entry) -> bool:
    """True when new differs from old only by progress, which needs no amendment (contract v2):
    appending to `received`, an action going open -> done (with done_on) or cancelled, adding an
    action's `evidence`, adding `withdrawn`. A renumbering (id, former_ids) is not an edit either."""
    return (old.body == new.body
            and _undo_progress(old.fields, _own_fields(new, old.id)) == _own_fields(old, old.id))


def _own_fields(e: Entry, was: str) -> dict:
    """The fields without `id`, and without `was` (the ID at the base) in `former_ids`."""
    fields = {k: v for k, v in e.fields.items() if k != "id"}
    former = fields.get("former_ids")
    if isinstance(former, list):
        former = [f for f in former if f != was]
        if former:
            fields["former_ids"] = former
        else:
            del fields["former_ids"]
    return fields


def _undo_progress(old: dict, new: dict) -> dict:
    """new, with the progress made since old taken back out."""
    out = dict(new)
    for key in SELF_SIGNED:
        if key not in old:
            out.pop(key, None)
    was, now = old.get("received"), out.get("received")
    if isinstance(now, list) and isinstance(was, (list, type(None))) and now[:len(was or [])] == (was or []):
        if was is None:
            out.pop("received")
        else:
            out["received"] = was
    was, now = old.get("actions"), out.get("actions")
    if isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
        out["actions"] = [_undo_action(a, b) for a, b in zip(was, now)]
    return out


def _undo_action(old, new):
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    out = dict(new)
    if "evidence" not in old:
        out.pop("evidence", None)
    if old.get("status", "open") == "open" and out.get("status") in ("done", "cancelled"):
        if out["status"] == "done" and "done_on" not in old:
            out.pop("done_on", None)
        if "status" in old:
            out["status"] = old["status"]
        else:
            del out["status"]
    return out


def _locked_upstream(base: dict[str, Entry], ref: dict[str, Entry], work: dict[str, Entry],
                     base_cfg: Config, ref_cfg: Config, ref_name: str) -> list[Problem]:
    """A record this branch changes that was approved or closed on REF after the branch was made."""
    if ref is base:
        return []
    base_ids, ref_ids = _by_id(base), _by_id(ref)
    problems = []
    for new in work.values():
        if new.fields is None or new.id not in base_ids or len(ref_ids.get(new.id, ())) != 1:
            continue
        old, upstream = base_ids[new.id][0], ref_ids[new.id][0]
        if old.fields is None or old.locked(base_cfg):
            continue                                   # locked at the base: _locked_edits' case
        if upstream.data == old.data:
            continue                                   # REF did not touch it
        if upstream.fields is None:
            _parse(upstream)
        frozen = upstream.locked(ref_cfg)
        if not frozen:
            continue
        if _content(new, SELF_SIGNED) in (_content(old, SELF_SIGNED), _content(upstream, SELF_SIGNED)):
            continue                                   # this branch did not change it, or holds REF's version
        problems.append(error(new.path, "change-locked-upstream", field="status", line=new.line_of("status"),
                              id=new.id, status=frozen, ref=ref_name))
    return problems


def _ineffective(fields: dict) -> dict | None:
    """A capa's verification when it says `effective: false`."""
    v = fields.get("verification")
    return v if isinstance(v, dict) and v.get("effective") is False else None


def _names_verification(reason, verification: dict) -> bool:
    text = str(reason or "")
    on = verification.get("verified_on")
    return bool(on) and str(on) in text or "验证" in text or "verif" in text.lower()


def _ineffective_verifications(base: dict[str, Entry], work: dict[str, Entry],
                               claims: dict[str, Entry]) -> list[Problem]:
    """A CAPA the pull request finds ineffective (its verification turns to `effective: false`) goes back to
    `implementing` and appends an `amendments` entry that records the failed verification."""
    work_ids = _by_id(work)
    problems = []
    for old in base.values():
        if old.type != "capa" or old.fields is None or _ineffective(old.fields):
            continue
        new = _successor(old, work, work_ids, claims)
        failed = _ineffective(new.fields) if new is not None and new.fields is not None else None
        if failed is None:
            continue
        status = new.fields.get("status")
        if status != "implementing":
            problems.append(error(new.path, "change-ineffective-status", field="status",
                                  line=new.line_of("status"), id=new.id, status=status))
        added = _amendments(new.fields)[len(_amendments(old.fields)):]
        if not any(isinstance(a, dict) and _names_verification(a.get("reason"), failed) for a in added):
            problems.append(error(new.path, "change-ineffective-amendment", field="amendments",
                                  line=new.line_of("amendments" if "amendments" in new.fields else "verification"),
                                  id=new.id, verified_on=failed.get("verified_on") or ""))
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
