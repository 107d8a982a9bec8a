"""Approval evidence from Git: the commit that brought in each approval a record declares, who made
it, and (under `approvals: signed`) whose key signed it.

An approval fact is a place where a record names the person who approved, verified, closed,
acknowledged, received, amended or withdrew it (FACTS, as data). The commit that introduced a fact's
current value is found by walking the file's history newest first (the one `git log` pass of git.py)
and reading each older version from one `git cat-file --batch`: it is the oldest commit of the
unbroken run, back from the newest, in which the fact already had that value.

The record page shows that commit, its author and time, and whether the author is the approver
(people.yml: `email`, `git_user`). `bulletin check-changes` (changes.py) asks, under `authored`, that
every fact a pull request adds or changes was committed by its approver, and under `signed` also
signed by a key people.yml lists for them (or by a Git host's key in site.yml's `trusted_commit_keys`,
for web commits the approver authored). Accounts and keys are read from the target branch's
site_config/, so a pull request cannot vouch for its own approvals.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import git, stage2, yamlsafe
from .config import APPROVAL_MODES, Config, Person, key_kind
from .messages import MESSAGES, Text, render
from .problems import Problem, error
from .records import decode, split


@dataclass(frozen=True)
class FactSpec:
    kind: str            # approval, verification, closure, acknowledgement, receipt, amendment, withdrawal
    by: str              # the approver's field, dotted ("verification.verified_by"); inside `each` when set
    on: str              # the date field that dates it
    each: str = ""       # a list field: one fact per entry
    status: str = ""     # the fact holds only in this status (a closure)


_COMMON = (FactSpec("amendment", "by", "date", each="amendments"),
           FactSpec("withdrawal", "withdrawn.by", "withdrawn.date"))
_RECEIPT = FactSpec("receipt", "by", "on", each="received")
FACTS: dict[str, tuple[FactSpec, ...]] = {
    "meeting": (FactSpec("approval", "approved_by", "approved_on"), _RECEIPT),
    "notice": (FactSpec("approval", "approved_by", "issued_on"), _RECEIPT),
    "capa": (FactSpec("approval", "approved_by", "approved_on"),
             FactSpec("verification", "verification.verified_by", "verification.verified_on"),
             FactSpec("closure", "verification.verified_by", "closed_on", status="closed")),
    "nc": (FactSpec("acknowledgement", "acknowledged_by", "acknowledged_on"),
           FactSpec("closure", "auditor", "closed_on", status="closed")),
    "complaint": (FactSpec("closure", "response.by", "closed_on", status="closed"),),
    "memo": (FactSpec("closure", "from", "closed_on", status="closed"),),
}


_SPECS = {t: tuple((s, tuple(s.by.split(".")), tuple(s.on.split("."))) for s in (*specs, *_COMMON))
          for t, specs in (*FACTS.items(), (None, ()))}


@dataclass(frozen=True)
class Fact:
    kind: str
    field: str           # where the approver is written: "approved_by", "received[2].by"
    ypath: tuple         # the same as a path into the front matter: ("received", 1, "by")
    by: str              # the approver's person id
    on: str              # the date, as written
    value: tuple         # what stays the same while the fact is the same

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.field


def _get(data, path: tuple[str, ...]):
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def facts(rtype: str, fields: dict | None) -> list[Fact]:
    """The approval facts a record of type rtype declares in fields."""
    if not isinstance(fields, dict):
        return []
    out = []
    for spec, by_path, on_path in _SPECS.get(rtype, _SPECS[None]):
        if spec.status and fields.get("status") != spec.status:
            continue
        if spec.each:
            items = fields.get(spec.each)
            places = [(f"{spec.each}[{i + 1}].", (spec.each, i), item)
                      for i, item in enumerate(items)] if isinstance(items, list) else []
        else:
            places = [("", (), fields)]
        for prefix, ypath, data in places:
            by = _get(data, by_path)
            if not isinstance(by, str) or not by:
                continue
            on = _get(data, on_path)
            on = "" if on is None else str(on)
            out.append(Fact(spec.kind, prefix + spec.by, (*ypath, *by_path), by, on, (by, on, spec.status)))
    return out


def _front_matter(data: bytes | None) -> str | None:
    if data is None:
        return None
    text, problem = decode("", data)
    if problem:
        return None
    parts = split("", text)
    return None if isinstance(parts, Problem) else parts[0]


def _values(rtype: str, front_matter: str | None) -> dict[tuple, tuple]:
    if front_matter is None:
        return {}
    try:
        fields, _ = yamlsafe.load(front_matter)
    except (yamlsafe.YamlProblem, RecursionError, ValueError):
        return {}
    return {f.key: f.value for f in facts(rtype, fields)}


def introduced(root: Path, items: list[tuple[str, str, list[Fact], list[tuple[git.Commit, str]]]]) \
        -> list[dict[Fact, git.Commit | None]]:
    """For each (record type, current front matter, facts, versions): the commit that brought in each
    fact's current value (None: not committed yet). versions: the file's history, newest first, as
    (commit, the file's path then). Walks every file back at once, in rounds of one `git cat-file
    --batch` each, reading 1, 2, 4 … older versions per file per round, until each fact's run ends."""
    found = [{f: None for f in wanted} for _, _, wanted, _ in items]
    running = {i: list(wanted) for i, (_, _, wanted, versions) in enumerate(items) if wanted and versions}
    depth, chunk = 0, 1
    while running:
        asked = [(i, k) for i in running for k in range(depth, min(depth + chunk, len(items[i][3])))]
        datas = git.blobs(root, [(items[i][3][k][0].sha, items[i][3][k][1]) for i, k in asked])
        for (i, k), data in zip(asked, datas):
            still = running.get(i)
            if not still:
                continue
            rtype, now, _, versions = items[i]
            fm = _front_matter(data)
            if fm != now:
                then = _values(rtype, fm)
                still = [f for f in still if then.get(f.key) == f.value]
            for f in still:
                found[i][f] = versions[k][0]
            running[i] = still
        running = {i: still for i, still in running.items() if still and depth + chunk < len(items[i][3])}
        depth, chunk = depth + chunk, min(chunk * 2, 64)
    return found


# --- who committed it ----------------------------------------------------------------------------

_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.I)


def is_approver(person: Person | None, name: str, email: str) -> bool | None:
    """True when a commit's author (name, e-mail) is the person: the e-mail is theirs, or the name
    (or a GitHub no-reply address) is their Git host login. None when people.yml names no account."""
    if person is None or not (person.email or person.git_user):
        return None
    if person.email and email.strip().lower() == person.email.lower():
        return True
    login = person.git_user.lower()
    if login:
        m = _NOREPLY.match(email.strip())
        return name.strip().lower() == login or bool(m and m.group(1).lower() == login)
    return False


# --- whose key signed it --------------------------------------------------------------------------

TRUSTED = "\0trusted"        # the owner of the keys in trusted_commit_keys (no person id can be this)
SIG_OK = ("approver", "trusted")


def ssh_fingerprint(key: str) -> str:
    """An OpenSSH public key's SHA256 fingerprint, as `ssh-keygen -l` and Git print it."""
    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


class Keyring:
    """The signing keys of people.yml and site.yml, made ready for `git log`: an allowed-signers file
    for SSH keys and a temporary GNUPGHOME for GPG keys, both removed on exit."""

    def __init__(self, people: dict[str, Person], trusted: tuple[str, ...]):
        self.keys = [(p.id, k) for p in people.values() for k in p.signing_keys] + [(TRUSTED, k) for k in trusted]
        self.owners: dict[str, set[str]] = {}
        self._tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> "Keyring":
        self._tmp = tempfile.TemporaryDirectory(prefix="bulletin-keys-")
        tmp = Path(self._tmp.name)
        self.allowed = tmp / "allowed_signers"
        self.gnupghome: Path | None = None
        lines = []
        for owner, key in self.keys:
            if key_kind(key) == "ssh":
                lines.append(f"{'trusted' if owner == TRUSTED else owner} {' '.join(key.split()[:2])}\n")
                self.owners.setdefault(ssh_fingerprint(key), set()).add(owner)
            else:
                for fp in self._import_gpg(tmp, key):
                    self.owners.setdefault(fp, set()).add(owner)
        self.allowed.write_text("".join(lines))
        return self

    def _import_gpg(self, tmp: Path, key: str) -> list[str]:
        if self.gnupghome is None:
            self.gnupghome = tmp / "gnupg"
            self.gnupghome.mkdir(mode=0o700)
        try:
            out = subprocess.run(["gpg", "--batch", "--no-tty", "--homedir", str(self.gnupghome), "--status-fd", "1",
                                  "--import"], input=key.encode(), capture_output=True).stdout
        except OSError:                       # no gpg: the key cannot vouch for anything
            return []
        return [line.split()[3].decode() for line in out.splitlines() if line.startswith(b"[GNUPG:] IMPORT_OK ")]

    def __exit__(self, *exc) -> None:
        if self.gnupghome is not None:
            subprocess.run(["gpgconf", "--homedir", str(self.gnupghome), "--kill", "all"], capture_output=True)
        self._tmp.cleanup()

    def verdict(self, sig: git.Signature | None, who: str) -> str:
        """Of a commit's signature, for an approval by who: "approver" (one of their keys), "trusted" (a key
        of trusted_commit_keys), "other" (a key not theirs), "none" (unsigned) or "bad" (does not verify)."""
        if sig is None or sig.status == "N":
            return "none"
        if sig.status == "E":                 # a GPG key we were not given: not one of theirs
            return "other"
        if sig.status not in ("G", "U"):
            return "bad"
        owners = self.owners.get(sig.key, set()) | self.owners.get(sig.primary, set())
        return "approver" if who in owners else "trusted" if TRUSTED in owners else "other"


# --- the record page ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    fact: Fact
    commit: git.Commit | None      # None: the fact is not committed yet
    authored: bool | None          # the commit's author is the approver; None: no account in people.yml
    signature: str = ""            # under `signed`: a Keyring verdict


def evidence(cfg: Config, records, history: dict, *, every: bool = True) -> dict[str, list[Evidence]]:
    """{record path: the evidence of each approval fact it declares}, for records with a Git history.
    Empty without history (not a Git repository). What Git answered is remembered in the cache folder
    (commits never change), so a rebuild reads only the records and commits that are new. every: records
    are all the site's (what the cache holds for no other record is dropped); else some of them."""
    if not history:
        return {}
    path_at = getattr(history, "path_at", lambda path, sha: path)
    todo = []
    for r in records:
        wanted = facts(r.type, r.fields)
        if wanted:
            todo.append((r, wanted, [(c, path_at(r.path, c.sha)) for c in history.get(r.path, [])]))
    if not todo:
        return {}
    memo = _Memo(cfg.root, prune=every)
    keys = [_digest(r.type, r.front_matter, [f.key + f.value for f in wanted], [(c.sha, p) for c, p in versions])
            for r, wanted, versions in todo]
    fresh = [i for i, key in enumerate(keys) if key not in memo.old]
    for i, done in zip(fresh, introduced(cfg.root, [(r.type, r.front_matter, wanted, versions)
                                                    for r, wanted, versions in (todo[i] for i in fresh)])):
        memo.old[keys[i]] = tuple(c.sha if c else None for c in done.values())
    out: dict[str, list[Evidence]] = {}
    authored: dict = {}        # (approver, author, e-mail) -> is_approver: few people commit
    for (r, wanted, versions), key in zip(todo, keys):
        commits = {c.sha: c for c, _ in versions}
        shas = memo.use(key)
        found = out[r.path] = []
        for f, sha in zip(wanted, shas):
            if not sha:
                found.append(Evidence(f, commits.get(sha), sha))
                continue
            c = commits[sha]
            who = (f.by, c.author, c.email)
            if who not in authored:
                authored[who] = is_approver(cfg.people.get(f.by), c.author, c.email)
            found.append(Evidence(f, c, authored[who]))
    if cfg.approvals == "signed":
        out = _signed(cfg, out, memo)
    memo.save()
    return out


def _signed(cfg: Config, out: dict[str, list[Evidence]], memo: "_Memo") -> dict[str, list[Evidence]]:
    """out with each commit's signature verdict (remembered per set of keys, commit and approver)."""
    ring = _digest(*sorted(k for p in cfg.people.values() for k in p.signing_keys), "\0", *cfg.trusted_commit_keys)
    keyed = {(e.commit.sha, e.fact.by): _digest(ring, e.commit.sha, e.fact.by)
             for es in out.values() for e in es if e.commit}
    fresh = {pair: key for pair, key in keyed.items() if key not in memo.old}
    if fresh:
        with Keyring(cfg.people, cfg.trusted_commit_keys) as keys:
            sigs = git.signatures(cfg.root, [sha for sha, _ in fresh], keys.allowed, keys.gnupghome)
            for (sha, who), key in fresh.items():
                memo.old[key] = keys.verdict(sigs.get(sha), who)
    return {path: [Evidence(e.fact, e.commit, e.authored, memo.use(keyed[e.commit.sha, e.fact.by]) if e.commit else "")
                   for e in es] for path, es in out.items()}


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class _Memo:
    """Answers Git gave in earlier runs, in the cache folder (as stage2 keeps its results); what this run
    did not use is dropped when it saves."""
    VERSION = "approvals-1"

    def __init__(self, root: Path, prune: bool = True):
        key = hashlib.blake2b(str(Path(root).resolve()).encode(), digest_size=8).hexdigest()
        self.path = stage2.cache_dir() / f"approvals-{key}.pickle"
        self.old: dict = stage2._load(self.path, self.VERSION)
        self.kept, self.prune = len(self.old), prune
        self.used: dict = {}

    def use(self, key: str):
        self.used[key] = self.old[key]
        return self.used[key]

    def save(self) -> None:
        """Unless pruning (a run over some records only), every answer stays: the others' are still good."""
        if len(self.old) != self.kept or (self.prune and self.used.keys() != self.old.keys()):
            stage2._save(self.path, self.VERSION, self.used if self.prune else self.old)


@dataclass(frozen=True)
class Row:
    """One line of the page's table, in the reader's language (the template links the approver)."""
    fact: str
    field: str
    by: str
    on: str
    commit: str            # short hash; "" when not committed
    sha: str
    author: str
    time: str
    match: str             # yes, no, unknown; "" when not committed
    match_text: str
    signature: str         # a Keyring verdict; "" when not shown
    signature_text: str


@dataclass(frozen=True)
class Table:
    """The section "Approval evidence" of a record page."""
    title: str
    intro: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    signed: bool           # the signature column is shown (approvals: signed)


def tables(cfg: Config, records, history: dict) -> "Tables":
    """{record path: its approval evidence as the page shows it}, in the site's language."""
    return Tables(cfg, records, history)


class Tables(Mapping):
    """Record path -> Table, each made when a page asks for it: an edit renders few record pages. The
    evidence (Git's answers) is found when first asked, for every record, or beforehand for the records
    whose pages a build renders (`only`): before worker processes fork, so that it is found once."""

    def __init__(self, cfg: Config, records, history: dict):
        self.cfg, self.records, self.history = cfg, list(records), history
        self._found: dict[str, list[Evidence]] | None = None
        self.looked_up = 0        # records whose evidence was looked for

    def only(self, paths) -> None:
        """Find the evidence of these records' pages now; no other record's page is asked for."""
        paths = set(paths)
        records = [r for r in self.records if r.path in paths]
        self._found = evidence(self.cfg, records, self.history, every=len(records) == len(self.records))
        self.looked_up = len(records)

    @property
    def found(self) -> dict[str, list[Evidence]]:
        if self._found is None:
            self._found = evidence(self.cfg, self.records, self.history)
            self.looked_up = len(self.records)
        return self._found

    def __getitem__(self, path: str) -> Table:
        return _table(self.cfg, self.found[path])    # once per page: kept, every page's would stay in memory

    def __iter__(self):
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)


def _table(cfg: Config, items: list[Evidence]) -> Table:
    lang, signed = cfg.language, cfg.approvals == "signed"
    cols = ("fact", "approver", "commit", "author", "time", "match") + (("signature",) if signed else ())
    headers = tuple(render(f"approvals-col-{c}", lang) for c in cols)
    return Table(render("approvals-title", lang), render("approvals-intro", lang, mode=cfg.approvals),
                 headers, tuple(_row(e, lang) for e in items), signed)


def _row(e: Evidence, lang: str) -> Row:
    c = e.commit
    match = "" if c is None else {True: "yes", False: "no", None: "unknown"}[e.authored]
    return Row(render(f"approval-fact-{e.fact.kind}", lang), e.fact.field, e.fact.by, e.fact.on,
               c.short if c else "", c.sha if c else "",
               f"{c.author} <{c.email}>" if c else render("approvals-uncommitted", lang),
               c.date.strftime("%Y-%m-%d %H:%M %z") if c else "",
               match, render(f"approvals-match-{match}", lang) if match else "",
               e.signature, render(f"approvals-sig-{e.signature}", lang) if e.signature else "")


# --- check-changes ----------------------------------------------------------------------------------

def stricter(*modes: str) -> str:
    """The strictest of the modes (the target branch's and the pull request's site.yml)."""
    return max(modes, key=APPROVAL_MODES.index)


def check(root: Path, base: str, base_cfg: Config, cfg: Config, before: dict, after: dict) -> list[Problem]:
    """Problems with the approvals a pull request adds or changes, under the stricter mode of base and
    working tree. before / after: {path: Entry} at the merge base and in the working tree."""
    mode = stricter(base_cfg.approvals, cfg.approvals)
    if mode == "declared":
        return []
    at_base: dict[str, object] = {}
    for e in before.values():
        at_base.setdefault(e.id, e)
    todo = []
    for e in sorted(after.values(), key=lambda e: e.path):
        old = next((at_base[i] for i in (e.id, *e.former_ids) if i in at_base), None)
        was = {f.key: f.value for f in facts(old.type, old.fields)} if old is not None else {}
        new = [f for f in facts(e.type, e.fields) if was.get(f.key) != f.value]
        if new:
            todo.append((e, new))
    if not todo:
        return []
    history = git.history(root, revs=f"{base}..HEAD")
    found = introduced(root, [(e.type, e.front_matter, new,
                               [(c, history.path_at(e.path, c.sha)) for c in history.get(e.path, [])])
                              for e, new in todo])
    problems, signed = [], []
    for (e, _), done in zip(todo, found):
        for f, c in done.items():
            problem = _authorship(e, f, c, base_cfg, mode)
            if problem is not None:
                problems.append(problem)
            elif mode == "signed":
                signed.append((e, f, c))
    if signed:
        with Keyring(base_cfg.people, base_cfg.trusted_commit_keys) as keys:
            sigs = git.signatures(root, [c.sha for _, _, c in signed], keys.allowed, keys.gnupghome)
            for e, f, c in signed:
                sig = sigs.get(c.sha)
                verdict = keys.verdict(sig, f.by)
                if verdict not in SIG_OK:
                    problems.append(_problem(e, f, c, base_cfg, mode, f"change-approval-sig-{verdict}",
                                             key=(sig.key if sig else "") or "?", status=sig.status if sig else "N"))
    return problems


def _authorship(e, f: Fact, c: git.Commit | None, base_cfg: Config, mode: str) -> Problem | None:
    person = base_cfg.people.get(f.by)
    if person is None:
        return _problem(e, f, c, base_cfg, mode, "change-approval-new-person")
    if c is None:
        return _problem(e, f, c, base_cfg, mode, "change-approval-uncommitted")
    match = is_approver(person, c.author, c.email)
    if match is None:
        return _problem(e, f, c, base_cfg, mode, "change-approval-no-account")
    if not match:
        return _problem(e, f, c, base_cfg, mode, "change-approval-author")
    return None


def _problem(e, f: Fact, c: git.Commit | None, base_cfg: Config, mode: str, code: str, **args) -> Problem:
    person = base_cfg.people.get(f.by)
    accounts = ", ".join(a for a in (person.email, person.git_user) if a) if person else ""
    if person is not None and code in ("change-approval-sig-other", "change-approval-sig-none") \
            and not person.signing_keys:
        code = "change-approval-sig-no-keys"
    return error(e.path, code, field=f.field, line=e.line_of(*f.ypath), id=e.id, fact=Text(*MESSAGES[
        f"approval-fact-{f.kind}"]), approver=f.by, name=person.name if person else f.by, accounts=accounts or "?",
        commit=c.short if c else "", author=f"{c.author} <{c.email}>" if c else "", mode=mode, **args)
