"""Find record files, decode them, split front matter from body: Record and Records."""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import typos, yamlsafe
from .config import Config
from .guard import MAX_FILE_BYTES
from .messages import Text, kind_of
from .problems import Problem, error

RECORDS_DIR = "records"
MAX_FRONT_MATTER = 256 * 1024
SHORT = 64          # strings up to this long in front matter are interned
ID_IN_NAME = re.compile(r"^([A-Z][A-Z0-9]*-\d{4}-\d{3,})(?=-|\.md$)")
ID_START = re.compile(r"^([A-Z][A-Z0-9]*)-\d{4}-\d{3,}(?![0-9])")
# endings of a file meant as a record that MkDocs would skip or treat apart: `.MD`, `.markdown`, `.md.txt`
MD_LIKE = (".md.txt", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext", ".md")
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
SPECIAL = ((stat.S_ISFIFO, Text("命名管道 FIFO", "a FIFO")), (stat.S_ISSOCK, Text("套接字", "a socket")),
           (stat.S_ISCHR, Text("字符设备", "a character device")), (stat.S_ISBLK, Text("块设备", "a block device")))


@dataclass
class Record:
    """One record file: its fields as written (checked values normalized) and its Markdown body."""
    path: str                 # relative to the repository root, with /
    type: str
    id: str
    fields: dict
    body: str
    body_line: int            # 1-based line where the body starts
    front_matter: str = field(default="", repr=False)
    links: list | None = field(default=None, repr=False, compare=False)   # (body line, target) of its links: validate.links_of
    digest: str = field(default="", repr=False, compare=False)   # of the file's bytes (stage2.run); "" unknown or masked

    def get(self, key, default=None):
        return self.fields.get(key, default)

    @property
    def title(self) -> str:
        return str(self.fields.get("title") or self.id)

    def __setstate__(self, state: dict) -> None:
        """Unpickled (from a checking process or the cache): its keys and short values shared (interned)."""
        state["type"], state["fields"] = sys.intern(state["type"]), interned(state["fields"])
        self.__dict__.update(state)

    @property
    def visibility(self) -> str:
        return self.fields.get("visibility") or "all-staff"

    @property
    def withdrawn(self) -> bool:
        return bool(self.fields.get("withdrawn"))


def interned(value):
    """value with its dict keys and short strings interned: 100,000 records repeat the same field names,
    people, departments, statuses and dates, one copy each."""
    kind = type(value)        # exactly these: a subclass (one carrying line numbers) is kept as it is
    if kind is str:
        return sys.intern(value) if len(value) <= SHORT else value
    if kind is dict:
        return {(sys.intern(k) if type(k) is str else k): interned(v) for k, v in value.items()}
    if kind is list:
        return [interned(v) for v in value]
    return value


class Records:
    """All records, with look-ups by ID and type."""

    def __init__(self, records: list[Record]):
        self.all = sorted(records, key=lambda r: r.id)
        self.by_id = {r.id: r for r in self.all}

    def __iter__(self):
        return iter(self.all)

    def __len__(self):
        return len(self.all)

    def of_type(self, rtype: str) -> list[Record]:
        return [r for r in self.all if r.type == rtype]

    def get(self, rid: str) -> Record | None:
        return self.by_id.get(rid)


@dataclass
class Tree:
    """What lies under records/: record files, attachments, and problems with the tree itself."""
    record_files: list[str] = field(default_factory=list)
    attachments: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def scan(root: Path, cfg: Config) -> Tree:
    """Walk records/ without following symbolic links; classify every file."""
    tree = Tree()
    base = root / RECORDS_DIR
    folders = {t.folder for t in cfg.types.values()}
    if base.is_symlink():  # os.walk would follow the top folder itself
        tree.problems.append(error(RECORDS_DIR, "symlink", target=os.readlink(base)))
        return tree
    if base.is_dir():
        _walk(str(base), RECORDS_DIR, folders, tree, frozenset(t.prefix for t in cfg.types.values()))
    return tree


def _walk(folder: str, rel_dir: str, folders: set[str], tree: Tree, prefixes: frozenset) -> None:
    """One folder: its files in name order, then its subfolders in name order (as os.walk, sorted)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        tree.problems.append(error(rel_dir, "file-unreadable", problem=exc.strerror or str(exc)))
        return
    subfolders = []
    for e in entries:
        if e.name.startswith("."):
            continue
        rel = f"{rel_dir}/{e.name}"
        if bad_name(e.name):
            tree.problems.append(error(printable(rel), "bad-name", name=printable(e.name), guess=_gbk_guess(e.name)))
        elif e.is_symlink():
            tree.problems.append(error(rel, "symlink", target=printable(os.readlink(e.path))))
        elif e.is_dir(follow_symlinks=False):
            subfolders.append((e.path, rel))
        elif not e.is_file(follow_symlinks=False):
            try:
                mode = e.stat(follow_symlinks=False).st_mode
            except OSError:
                mode = 0
            kind = next((k for test, k in SPECIAL if test(mode)), Text("特殊文件", "a special file"))
            tree.problems.append(error(rel, "special-file", kind=kind))
        elif not e.name.endswith(".md") and (misnamed := _misnamed(e.name, prefixes)):
            tree.problems.append(error(rel, "not-md-extension", **misnamed))
        elif not e.name.lower().endswith(".md"):
            tree.attachments.add(rel)
        else:
            parts = rel.split("/")
            if len(parts) < 3 or parts[1] not in folders:
                tree.problems.append(error(rel, "unknown-folder",
                                           folders=", ".join(f"records/{f}/" for f in sorted(folders))))
            else:
                tree.record_files.append(rel)
    for path, rel in subfolders:
        _walk(path, rel, folders, tree, prefixes)


def bad_name(name: str) -> bool:
    """A name with control characters, line or direction marks, or bytes that are not UTF-8."""
    if name.isascii():                  # the usual name: only control characters can be wrong
        return not name.isprintable()
    return any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI for c in name)


def printable(name: str) -> str:
    """The name with each such character (and each byte that is not UTF-8) written as an escape: \\x1b, \\xb2."""
    if not bad_name(name):
        return name
    out = []
    for c in name:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI:
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def _gbk_guess(name: str) -> Text | str:
    """What a name that is not UTF-8 says when read as GBK (Windows' Chinese encoding), if it reads."""
    if not any("\udc80" <= c <= "\udcff" for c in name):
        return ""
    try:
        text = name.encode("utf-8", "surrogateescape").decode("gb18030")
    except (UnicodeError, ValueError):
        return ""
    if bad_name(text):
        return ""
    return Text(f"；按 GBK 读是“{text}”", f"; read as GBK it says “{text}”")


def _misnamed(name: str, prefixes: frozenset) -> dict | None:
    """A file named as a record (it starts with a record ID) whose name does not end in `.md` exactly."""
    m = ID_START.match(name)
    if m is None or m.group(1) not in prefixes:
        return None
    stem = name.rstrip(" \t.")
    ending = next((e for e in MD_LIKE if stem.lower().endswith(e)), None)
    if ending is None and (stem != name or "." in name[m.end():]):
        return None  # an attachment named after its record, e.g. CAPA-2026-002-8D.pdf
    stem = stem[:-len(ending)] if ending else stem
    ending = name[len(stem):] or Text("无扩展名", "no extension")
    return {"id": m.group(0), "ending": ending, "suggest": stem + ".md"}


def _guess_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    for enc, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5"), ("shift_jis", "Shift-JIS")):
        try:
            data.decode(enc)
            return label
        except UnicodeDecodeError:
            continue
    return "Latin-1/Windows-1252"


def decode(rel: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text (BOM and CRLF accepted) or a problem that says how to re-save the file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, error(rel, "not-utf8", line=1, encoding="UTF-16", at=1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, error(rel, "not-utf8", line=line, encoding=_guess_encoding(data), at=line)
    if "\x00" in text:
        return None, error(rel, "binary-file", line=text.count("\n", 0, text.index("\x00")) + 1)
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


OPENING = re.compile(r"---[ \t]*\n")
DASHES = re.compile("[-\u2014\u2013\u2012\u2015\uff0d\u30fc\u2500]{2,}")   # --- typed with a Chinese keyboard: —— －－


def _no_front_matter(rel: str, text: str) -> Problem:
    """The file does not open with `---`: when its first written line is meant as one, say what is in the way."""
    first = text.lstrip("\n\ufeff \t\u3000").split("\n", 1)[0].strip()
    if not DASHES.fullmatch(first):
        return error(rel, "no-front-matter", line=1)
    if first != "---":
        why = "fence-dashes"
    elif text.lstrip("\ufeff").startswith("\n"):
        why = "fence-blank-lines"
    elif text.startswith("\ufeff"):
        why = "fence-bom"
    else:
        why = "fence-indented"
    line = text.count("\n", 0, text.index(first[0])) + 1
    return error(rel, "front-matter-fence", line=line, found=first, why=typos.Phrase(why))


def split(rel: str, text: str) -> tuple[str, str, int] | Problem:
    """(front matter, body, body's first line) or a problem."""
    if not text.strip():
        return error(rel, "empty-file", line=1)
    opening = OPENING.match(text)   # `---`, spaces after it allowed (as MkDocs allows them)
    if opening is None and text.rstrip(" \t") != "---":
        return _no_front_matter(rel, text)
    start = opening.end() if opening else len(text)
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[start:], re.M)
    if end is None:
        return error(rel, "unterminated-front-matter", line=1)
    fm = text[start:start + end.start()]
    if len(fm) > MAX_FRONT_MATTER // 4 and len(fm.encode("utf-8")) > MAX_FRONT_MATTER:  # bytes, as it says
        return error(rel, "front-matter-too-large", line=1, size=len(fm.encode("utf-8")), limit=MAX_FRONT_MATTER)
    after = start + end.end()
    body = text[after + 1:] if text[after:after + 1] == "\n" else text[after:]
    return fm, body, fm.count("\n") + 3


def read_record(root: Path, rel: str, cfg: Config) -> tuple[Record | None, list[Problem]]:
    """Read, decode, split and parse one record file; type and ID come from its folder and name."""
    full = root / rel
    try:
        with open(full, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)   # bounded even if the file grew since it was found
            size = max(len(data), os.fstat(f.fileno()).st_size)
    except OSError as exc:
        return None, [error(rel, "file-unreadable", problem=exc.strerror or str(exc))]
    if size > MAX_FILE_BYTES:
        return None, [error(rel, "file-too-large", line=1, size=size, limit=MAX_FILE_BYTES)]
    text, problem = decode(rel, data)
    if problem:
        return None, [problem]
    parts = split(rel, text)
    if isinstance(parts, Problem):
        return None, [parts]
    fm_text, body, body_line = parts
    try:
        fm, duplicates = yamlsafe.load(fm_text)
    except yamlsafe.YamlProblem as exc:
        line = None if exc.line is None else exc.line + 2
        return None, [error(rel, exc.code, line=line or 1, **exc.params)]
    problems = [error(rel, "yaml-duplicate-key", field=key, line=line + 2, key=key, first=first + 2)
                for key, line, first in duplicates]
    if not isinstance(fm, dict):
        mistake = typos.first_mistake(fm_text) if isinstance(fm, str) else None
        if mistake:  # `recorder：wuhaitao` alone is one piece of text: say which character made it so
            code, line, args = mistake
            return None, problems + [error(rel, code, line=line + 2, **args)]
        return None, problems + [error(rel, "yaml-not-mapping", line=2, found=kind_of(fm))]
    folder = rel.split("/")[1]
    rtype = cfg.type_for_folder(folder)
    name = rel.rsplit("/", 1)[-1]
    m = ID_IN_NAME.match(name)
    owner = cfg.type_for_prefix(m.group(1).split("-", 1)[0]) if m else None
    if owner is None:
        return None, problems + [error(rel, "bad-filename", line=1, example=f"{rtype.prefix}-2026-001.md",
                                       prefix=rtype.prefix)]
    # A file in another type's folder is checked as the type its ID names (stage 2 says to move it).
    record = Record(rel, owner.name, m.group(1), interned(fm), body, body_line, fm_text)
    return record, problems

