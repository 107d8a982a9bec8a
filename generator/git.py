"""Git as a read-only source: the history of every record file in one `git log`, files at a revision.

Nothing here writes to the repository. When the folder is not a Git repository (or Git is
missing), `history` returns an empty mapping and `is_repository` says False; the functions that
need a revision raise GitError, which the CLI turns into exit 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

RECORDS_DIR = "records"
_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_RS, _US = "\x1e", "\x1f"        # record and unit separators in the `git log` format
_LOG_FORMAT = f"{_RS}%H{_US}%aI{_US}%an{_US}%ae{_US}%B{_US}"


class GitError(Exception):
    """Git cannot answer: not a repository, an unknown revision, Git not installed."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime          # author date, with its time zone offset
    author: str
    message: str               # the whole message, trailing blank lines removed
    email: str = ""

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def short(self) -> str:
        return self.sha[:7]


def _git(root: Path, *args: str, input: bytes | None = None, check: bool = True,
         env: dict | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=false", *args], cwd=root, input=input,
            capture_output=True, env={**os.environ, **_GIT_ENV, **(env or {})},
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise GitError(f"git: {exc}") from None
    if check and proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def is_repository(root: Path) -> bool:
    """True when root is inside a Git work tree."""
    try:
        return _git(Path(root), "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except GitError:
        return False


def is_shallow(root: Path) -> bool:
    """True in a shallow clone, where dates and history taken from Git are incomplete."""
    try:
        return _git(Path(root), "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


def resolve(root: Path, ref: str) -> str:
    """The commit a revision names; GitError when it names none."""
    if not ref or ref.startswith("-"):
        raise GitError(f"not a revision: {ref!r}")
    out = _git(Path(root), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
               check=False).strip()
    if not out:
        raise GitError(f"unknown revision: {ref}")
    return out.decode()


def merge_base(root: Path, a: str, b: str = "HEAD") -> str | None:
    """The best common ancestor of two revisions, or None when they share no history
    (unrelated histories, or a shallow clone cut above it). GitError when a revision is unknown."""
    sha_a, sha_b = resolve(root, a), resolve(root, b)
    out = _git(Path(root), "merge-base", sha_a, sha_b, check=False).strip()
    return out.decode() or None


def files_at(root: Path, ref: str, folder: str = RECORDS_DIR) -> dict[str, bytes]:
    """{path: content} of every file under folder/ at a revision: one `git ls-tree`, one `git cat-file --batch`.
    Paths are relative to root, with /, as in the working tree."""
    root = Path(root)
    sha = resolve(root, ref)
    listing = _git(root, "ls-tree", "-r", "-z", sha, "--", f"{folder}/")
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, obj = meta.split()
        if kind != b"blob" or mode == b"120000":       # skip submodules and symbolic links
            continue
        blobs.append((path.decode("utf-8", "surrogateescape"), obj.decode()))
    if not blobs:
        return {}
    return {path: data for (path, _), data in zip(blobs, _cat_file(root, [obj for _, obj in blobs]))}


def _cat_file(root: Path, names: list[str]) -> list[bytes | None]:
    """The content of each named object (a blob's id, or "commit:path") from one `git cat-file --batch`;
    None for a name that names no file."""
    asked = [n for n in names if "\n" not in n]
    out = _git(root, "cat-file", "--batch", input="".join(f"{n}\n" for n in asked).encode("utf-8", "surrogateescape")) \
        if asked else b""
    found: dict[str, bytes | None] = {}
    pos = 0
    for name in asked:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) != 3 or header[1] != b"blob":   # "<name> missing", or not a file
            found[name] = None
            if len(header) == 3:
                pos += int(header[2]) + 1
            continue
        size = int(header[2])
        found[name] = out[pos:pos + size]
        pos += size + 1                               # the content is followed by a newline
    return [found.get(n) for n in names]


def blobs(root: Path, wanted: list[tuple[str, str]]) -> list[bytes | None]:
    """The file at each (commit, path), None where there is none: one `git cat-file --batch`."""
    return _cat_file(Path(root), [f"{sha}:{path}" for sha, path in wanted]) if wanted else []


class History(dict):
    """{current path: [Commit, newest first]}, which also knows the path each file had at each commit."""

    def __init__(self, *args):
        super().__init__(*args)
        self.paths: dict[tuple[str, str], str] = {}     # (current path, commit) -> the path then
        self.digest: str | None = None     # of the log it was read from (history()): None when not known

    def path_at(self, path: str, sha: str) -> str:
        return self.paths.get((path, sha), path)


def history(root: Path, folder: str = RECORDS_DIR, revs: str | None = None) -> History:
    """Every commit that touched each file under folder/, newest first, keyed by the file's current path.

    One `git log --name-status -M` over the whole history (or over revs, e.g. "BASE..HEAD"), parsed
    in one linear pass. A file that was moved or renamed keeps the commits made under its older
    names (History.path_at says which). Commits that only merge (no change of their own) are not
    listed. Files deleted since appear under their last path. Empty when root is not a Git
    repository or has no commits yet.
    """
    root = Path(root)
    if not is_repository(root):
        return History()
    try:
        raw = _git(root, "log", "-z", "--date-order", "--name-status", "-M", "--relative",
                   f"--format={_LOG_FORMAT}", *([revs] if revs else []), "--", f"{folder}/")
    except GitError:                                   # e.g. no commits yet
        return History()
    out = _parse_log(raw.decode("utf-8", "surrogateescape"))
    out.digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    return out


_DEAD = object()       # an older file that lived at the same path and was deleted: not the current file


def _parse_log(text: str) -> History:
    result = History()
    alias: dict[str, object] = {}       # path in older history -> current path it became (or _DEAD)
    for chunk in text.split(_RS):
        if not chunk:
            continue
        head, _, rest = chunk.rpartition(_US)
        fields = head.split(_US, 4)
        if len(fields) < 5:
            continue
        sha, date, author, email, message = fields
        commit = Commit(sha, dt.datetime.fromisoformat(date), author, message.rstrip("\n"), email)
        tokens = [t.strip("\n") for t in rest.split("\0")]
        tokens = [t for t in tokens if t]
        dead: list[str] = []
        moved: list[tuple[str, object]] = []
        i = 0
        while i < len(tokens):
            status = tokens[i]
            if status[:1] in ("R", "C") and i + 2 < len(tokens):
                old, new = tokens[i + 1], tokens[i + 2]
                i += 3
                key = alias.get(new, new)
                if key is not _DEAD:
                    result.setdefault(key, []).append(commit)
                    if key != new:
                        result.paths[(key, sha)] = new
                if status[0] == "R":
                    dead.append(new)                  # older commits at `new` belong to another file
                    moved.append((old, key))          # older commits at `old` belong to this one
            else:
                path = tokens[i + 1] if i + 1 < len(tokens) else ""
                i += 2
                if not path:
                    continue
                key = alias.get(path, path)
                if key is not _DEAD:
                    result.setdefault(key, []).append(commit)
                    if key != path:
                        result.paths[(key, sha)] = path
                if status[:1] == "A":
                    dead.append(path)                 # the file was created here
        for path in dead:
            alias[path] = _DEAD
        for path, key in moved:
            alias[path] = key
    return result


def created(commits: list[Commit]) -> dt.datetime | None:
    """When the file was first committed (the oldest commit), None without history."""
    return commits[-1].date if commits else None


def last_changed(commits: list[Commit]) -> dt.datetime | None:
    """When the file was last committed (the newest commit), None without history."""
    return commits[0].date if commits else None


@dataclass(frozen=True)
class Signature:
    """What Git says of a commit's signature (`git log` %G? and friends)."""
    status: str        # G good, U good but of unknown validity, N none, B bad, E cannot check, X/Y expired, R revoked
    key: str = ""      # the signing key's fingerprint (SSH: SHA256:…, GPG: hex; its ID when GPG lacks the key)
    primary: str = ""  # GPG: the primary key's fingerprint


def signatures(root: Path, shas: list[str], allowed_signers: Path, gnupghome: Path | None = None) \
        -> dict[str, Signature]:
    """The signature of each commit, checked in one `git log --no-walk`: SSH signatures against the
    allowed-signers file, GPG signatures against the keys in gnupghome."""
    if not shas:
        return {}
    fmt = f"%H{_US}%G?{_US}%GF{_US}%GP{_US}%GK{_RS}"
    env = {"GNUPGHOME": str(gnupghome)} if gnupghome else None
    raw = _git(Path(root), "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "log", "--no-walk=unsorted",
               "--stdin", f"--format={fmt}", input="".join(f"{s}\n" for s in dict.fromkeys(shas)).encode(),
               env=env)
    out = {}
    for chunk in raw.decode("utf-8", "replace").split(_RS):
        fields = chunk.strip("\n").split(_US)
        if len(fields) == 5:
            sha, status, key, primary, key_id = fields
            out[sha] = Signature(status or "N", key or key_id, primary)
    return out
