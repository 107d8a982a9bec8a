"""What an audience's site may say about the records it may not see: that a reference exists, nothing more.

`Mask` is made once per build from every record and the audience. `Mask.record` gives a copy of a visible
record in which every name of a hidden record is replaced by the site's words for "a record you may not see":

- a value of kind `ref` or `source_ref` (read from the type's definition, in lists and objects, company fields
  of site_config/types.yml included) that names a hidden record becomes `HiddenRef`;
- in the body, a link whose target names a hidden record (inline, reference-style with its definition,
  autolink, raw HTML `href`/`src`, with ?query or #fragment, percent-encoded, `./`, `../`, root-relative,
  the page's URL form, the site's absolute URL) becomes a `<span class="bl-hidden-ref">` with those words;
- in every text (body, text fields, titles, tags), a hidden ID in any case and with any separators
  (`capa_2026_007`, `CAPA 2026 007`, `CAPA2026007`) and a hidden title become those words.

Every page, export and feed is made from these copies, so none can name what they do not hold.
`Mask.names` also decides which commit messages a visible record's history must not show.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from . import stage2
from .records import RECORDS_DIR, Record
from .schema import ID_RE, FieldSpec
from .validate import CODE_SPAN, FENCE, LINK, REF_DEF, SCHEME

REF_KINDS = ("ref", "source_ref")
_UNSEEN = object()
FREE_TEXT = ("text", "source_ref", None)   # kinds whose value may mention a record (the others are checked codes)
MIN_TITLE = 4              # shorter titles are ordinary words, not names
PLAIN_TEXTS = 16           # names() reads this many texts by plain checks before it compiles the expressions
SPAN = '<span class="bl-hidden-ref">{}</span>'
_HTML_A = re.compile(r"<a\b[^>]*>.*?</a\s*>", re.S | re.I)
_HTML_TAG = re.compile(r"<[a-zA-Z][\w-]*\s[^<>]*>")
_URL_ATTR = re.compile(r"""\b(?:href|src|srcset|data|poster|action|formaction|cite|background|xlink:href)\s*=\s*"""
                       r"""("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>")
_REF_FULL = re.compile(r"!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\[([^\[\]\n]*)\]")
_REF_SHORT = re.compile(r"!?\[([^\[\]\n]+)\](?![\[(:])")
_FILE_TAIL = r"(?:[-_.][A-Za-z0-9][A-Za-z0-9_.%-]*)?"   # the rest of a file name or URL: CAPA-2026-007-slug.md
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SEP = r"(?:[\W_]|%[0-9a-f]{2}|&#?\w{1,8};){0,3}?"   # also %2D, &#45;, &hyphen;
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}|&#")
_DIGITS = re.compile(r"\d+")
_REF_LABEL = re.compile(r"^ {0,3}\[([^\]\n]+)\]:")


AUDIENCES = ("all-staff", "management", "restricted")


_SEES = {audience: AUDIENCES[:i + 1] for i, audience in enumerate(AUDIENCES)}   # a tuple: any value compares


def visible_to(audience: str, record: Record) -> bool:
    """Audiences nest: management sees all-staff and management; restricted sees everything (an unknown
    visibility counts as restricted)."""
    if audience not in _SEES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    return audience == "restricted" or record.visibility in _SEES[audience]


class HiddenRef(str):
    """A reference to a record the audience may not see; its text is the site's words for that."""


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


class Mask:
    """seen: what an earlier build under this mask (mask.key) and code made of texts (by their text_key): a
    record's masked parts, whether a commit message names a hidden record; those texts are not read again.
    mask.found is what this build made or kept (the next build's seen); mask.read counts the texts read.
    The expressions are compiled only when a text is read."""

    def __init__(self, records, visible_ids: set[str], types: dict, words: str, site_url: str = "",
                 seen: dict | None = None):
        hidden = [r for r in records if r.id not in visible_ids]
        self.words = words
        self.hidden_ref = HiddenRef(words)
        self.span = SPAN.format(html.escape(words))
        self.types = types
        self.hidden_ids = {r.id.upper() for r in hidden} | {
            f.upper() for r in hidden for f in (r.get("former_ids") or []) if isinstance(f, str)}
        self.hidden_src = {r.path[len(RECORDS_DIR) + 1:] for r in hidden}
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self._id_words = sorted(f"{m.group(1).lower()}\0{m.group(2)}\0{m.group(3)}"
                                for m in map(ID_RE.match, self.hidden_ids) if m)
        shown_titles = " \0 ".join(r.title.casefold() for r in records if r.id in visible_ids)
        titles = {r.title.strip() for r in hidden if len(r.title.strip()) >= MIN_TITLE}
        self._title_words = sorted(t for t in titles if t.casefold() not in shown_titles)
        self.key = hashlib.blake2b(repr((words, self.site_url, sorted(self.hidden_ids), sorted(self.hidden_src),
                                         self._id_words, self._title_words)).encode(), digest_size=16).hexdigest()
        self.seen, self.found = seen or {}, {}
        self.read = 0          # texts remembered() had to read
        self.plain_left = PLAIN_TEXTS

    @functools.cached_property
    def _patterns(self):
        # names() reads lower-cased text with one expression for IDs and one for titles (together, or with the
        # look-behind, they would be three times slower); text() replaces with both, on the few texts that name
        ids, titles = self._id_words, self._title_words
        both = ([rf"(?<![A-Za-z0-9])(?:{_trie(ids)})(?!\d){_FILE_TAIL}"] if ids else []) + ([_trie(titles)] if titles else [])
        return (_id_pattern(ids) if ids else None,
                re.compile(_trie(t.lower() for t in titles)) if titles else None,
                re.compile("|".join(both), re.I) if both else None)

    @functools.cached_property
    def _plain_words(self):
        # the plain parts of what names() looks for: every hidden title; each hidden ID word by its number
        by_number: dict[str, list[tuple]] = {}
        for word in self._id_words:
            prefix, year, number = word.split("\0")
            by_number.setdefault(number, []).append((prefix, year, word))
        return [t.lower() for t in self._title_words], by_number

    def __bool__(self) -> bool:
        return bool(self.hidden_ids)

    # --- text ---------------------------------------------------------------------------------------------
    def names(self, text: str) -> bool:
        """True when the text names a hidden record: its ID (any case, any separators) or its title."""
        if not (self._id_words or self._title_words) or not isinstance(text, str):
            return False
        low = text.lower()
        if self.plain_left <= 0 or "_patterns" in self.__dict__:
            ids, titles, _ = self._patterns
            if titles and titles.search(low):
                return True
        else:       # an edit's build reads a text or two: plain checks, and only the IDs they may hold compiled
            self.plain_left -= 1
            titles, by_number = self._plain_words
            if any(t in low for t in titles):
                return True
            # an ID's match holds its prefix and year, and its number ends a run of digits
            words = {word for run in _DIGITS.findall(low) for i in range(len(run))
                     for prefix, year, word in by_number.get(run[i:], ()) if prefix in low and year in low}
            ids = _id_pattern(sorted(words)) if words else None
        return bool(ids) and any(m.start() == 0 or low[m.start() - 1] not in _ALNUM for m in ids.finditer(low))

    def remembered(self, key: bytes, make):
        """make() of the text behind key (a record's masked parts, whether a message names a hidden record),
        as an earlier build under this mask made it when it did (seen); kept in self.found."""
        value = self.seen.get(key, _UNSEEN)
        if value is _UNSEEN:
            self.read += 1
            value = make()
        self.found[key] = value
        return value

    def text(self, text: str) -> str:
        """Plain text with every hidden ID and title replaced by the words."""
        return self._patterns[2].sub(self.words, text) if self.names(text) else text

    # --- links --------------------------------------------------------------------------------------------
    def hidden_target(self, raw: str, src: str) -> bool:
        """True when a link target (as written in the record page `src`, docs-relative) leads to a hidden
        record or names one: relative, `./`, `../`, root-relative (`/capa/...`, `/records/capa/...`), the
        page's URL form (`.../CAPA-2026-007-x/`), the site's absolute URL, ?query, #fragment, %-encoding."""
        if not self:
            return False
        target = raw.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1].strip()
        target = html.unescape(target)
        for _ in range(4):                       # %252D is %2D is -
            decoded = unquote(target)
            if decoded == target:
                break
            target = decoded
        if self.names(target):                   # a record's file name and URL start with its ID
            return True
        path = re.split(r"[?#]", target, maxsplit=1)[0]
        if self.site_url and path.lower().startswith(self.site_url.lower()):
            path = "/" + path[len(self.site_url):]
        elif SCHEME.match(path) or path.startswith("//"):
            return False
        if path.startswith("/"):
            path = path.lstrip("/")
            path = path[len(RECORDS_DIR) + 1:] if path.startswith(RECORDS_DIR + "/") else path
        else:
            path = posixpath.join(posixpath.dirname(src), path)
        path = posixpath.normpath(path or ".").rstrip("/")
        return any(p in self.hidden_src for p in (path, path + ".md", path + "/index.md"))

    def markdown(self, body: str, src: str) -> str:
        """A record's Markdown body with every link to a hidden record, and every mention of one, masked."""
        if not self or not body or not (self.names(body) or _ENCODED.search(body)):
            return body             # a record's path and URL hold its ID: a link to it names it
        lines = body.split("\n")
        hidden_labels = set()
        fence = None
        for i, line in enumerate(lines):
            fence, code = _fence_state(line, fence)
            if code:
                continue
            m = REF_DEF.match(line)
            if m and self.hidden_target(m.group(1), src):
                hidden_labels.add(_label(_REF_LABEL.match(line).group(1)))
                lines[i] = ""
        lines = self._raw_html("\n".join(lines), src).split("\n")
        fence = None
        for i, line in enumerate(lines):
            fence, code = _fence_state(line, fence)
            if not code and ("[" in line):
                line = _outside_code(line, lambda part: self._links(part, src, hidden_labels))
            lines[i] = self.text(line)
        return "\n".join(lines)

    def _links(self, part: str, src: str, hidden_labels: set[str]) -> str:
        if "](" in part:
            part = LINK.sub(lambda m: self.span if self.hidden_target(m.group(1), src) else m.group(), part)
        if hidden_labels:
            part = _REF_FULL.sub(lambda m: self.span if _label(m.group(2) or m.group(1)) in hidden_labels
                                 else m.group(), part)
            part = _REF_SHORT.sub(lambda m: self.span if _label(m.group(1)) in hidden_labels else m.group(), part)
        return part

    def _raw_html(self, body: str, src: str) -> str:
        """Raw HTML elements (an <a> with its text, any tag with a URL attribute) and autolinks."""
        if "<" not in body:
            return body

        def tag(m):
            return self.span if any(self.hidden_target(v.strip("\"'"), src) for v in _URL_ATTR.findall(m.group())) \
                else m.group()

        body = _HTML_A.sub(tag, body)
        body = _HTML_TAG.sub(tag, body)
        return _AUTOLINK.sub(lambda m: self.span if self.hidden_target(m.group(1), src) else m.group(), body)

    # --- fields and records -------------------------------------------------------------------------------
    def value(self, v, spec: FieldSpec | None):
        """A field's value with hidden references (by the field's kind) and mentions (in any text) masked."""
        kind = spec.kind if spec else None
        if isinstance(v, str):
            if kind in REF_KINDS and v.strip().upper() in self.hidden_ids:
                return self.hidden_ref
            return self.text(v) if kind in FREE_TEXT else v
        if isinstance(v, list):
            of = spec.of if kind == "list" else None
            return [self.value(x, of) for x in v]
        if isinstance(v, dict):
            fields = spec.struct.fields if kind == "object" and spec.struct else {}
            return {k: self.value(x, fields.get(k)) for k, x in v.items()}
        return v

    def record(self, r: Record) -> Record:
        """A copy of a visible record that names no hidden record (the record itself when nothing is hidden)."""
        if not self:
            return r
        key = text_key(r.path, "\0d", r.digest) if r.digest else text_key(r.path, r.front_matter, r.body)
        masked = self.remembered(key, lambda: self._masked(r))
        if masked is None:
            return r
        fields, body = masked
        return dataclasses.replace(r, fields=fields, body=body, links=None, digest="")   # not the file's text

    def _masked(self, r: Record) -> tuple | None:
        """(fields, body) of record(r); None when they are the record's own."""
        fields, body = r.fields, self.markdown(r.body, r.path[len(RECORDS_DIR) + 1:])
        fm = r.front_matter
        if not fm or "\\" in fm or self.names(fm):     # every value is in the front matter's text, unless escaped
            specs = rtype.fields if (rtype := self.types.get(r.type)) else {}
            fields = {k: (v if k == "id" else self.value(v, specs.get(k))) for k, v in r.fields.items()}
        return None if fields is r.fields and body is r.body else (fields, body)

    def plain(self, markdown: str) -> str:
        """Masked Markdown as plain text: the marks of hidden links become their words (feed summaries)."""
        return markdown.replace(self.span, self.words) if self else markdown


def recall_masked(mask: Mask, root: Path, name: str) -> None:
    """mask.seen: what a build of this repository (and audience `name`) under the same mask and code made."""
    mask.seen = stage2._load(_masked_file(root, name), _masked_fingerprint(root, mask))


def keep_masked(mask: Mask, root: Path, name: str) -> None:
    """mask.found for the next build (recall_masked), written only when it differs from mask.seen."""
    if mask.found != mask.seen:
        stage2._save(_masked_file(root, name), _masked_fingerprint(root, mask), mask.found)


def _masked_file(root: Path, name: str) -> Path:
    key = hashlib.blake2b(f"{Path(root).resolve()}\0{name}".encode(), digest_size=8).hexdigest()
    return stage2.cache_dir() / f"mask-{key}.pickle"


def _masked_fingerprint(root: Path, mask: Mask) -> str:
    return f"clean-1\0{stage2._fingerprint(Path(root))}\0{mask.key}"


def text_key(*texts: str) -> bytes:
    """The key of texts for Mask.remembered."""
    return hashlib.blake2b("\0".join(texts).encode(), digest_size=16).digest()


def ref_specs(types: dict) -> dict:
    """Type -> ((field, plan), ...) of the fields that can hold a value of kind ref or source_ref (for refs_of);
    a plan is REF, ("list", plan of an item) or ("object", {key: plan} of the keys that can hold one)."""
    return {name: tuple((key, plan) for key, spec in t.fields.items() if (plan := _ref_plan(spec)) is not None)
            for name, t in types.items()}


REF = "ref"


def _ref_plan(spec: FieldSpec | None):
    if spec is None:
        return None
    if spec.kind in REF_KINDS:
        return REF
    if spec.kind == "list":
        of = _ref_plan(spec.of)
        return None if of is None else ("list", of)
    if spec.kind == "object" and spec.struct:
        keys = {k: plan for k, sub in spec.struct.fields.items() if (plan := _ref_plan(sub)) is not None}
        return ("object", keys) if keys else None
    return None


def refs_of(r: Record, specs: dict) -> list:
    """[(top-level field, value)] for every value of kind ref or source_ref in a record, in lists and objects;
    specs: ref_specs of the types. Built by appending (no generators: it runs for every record of each build)."""
    fields, out = r.fields, []
    for key, plan in specs.get(r.type, ()):
        if key in fields:
            v = fields[key]
            if plan is REF:
                if isinstance(v, str):
                    out.append((key, v))
            else:
                _ref_values(v, plan, key, out)
    return out


def _ref_values(v, plan, key: str, out: list) -> None:
    if plan is REF:
        if isinstance(v, str):
            out.append((key, v))
    elif plan[0] == "list":
        if isinstance(v, list):
            for x in v:
                _ref_values(x, plan[1], key, out)
    elif isinstance(v, dict):
        keys = plan[1]
        for k, x in v.items():          # in the record's order, as written
            if k in keys:
                _ref_values(x, keys[k], key, out)


def _id_pattern(id_words) -> re.Pattern:
    """The expression names() finds these hidden IDs with (lower-cased text)."""
    return re.compile(rf"(?:{_trie(id_words)})(?!\d)")


def _trie(words) -> str:
    """One regular expression for many words, as a trie: at each place only the branches that can match are
    tried (an alternation of 1,000 titles is 100 times slower); the longest word wins. NUL in a word stands
    for any separator between the parts of an ID (`-`, `_`, a space, nothing)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        end = "" in node
        branches = [(_SEP if ch == "\0" else re.escape(ch)) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else "(?:" + "|".join(branches) + ")"
        return body + "?" if end and branches else body

    return pattern(root)


def _fence_state(line: str, fence: str | None) -> tuple[str | None, bool]:
    """(fence open after this line, whether this line is code) for a line of Markdown."""
    m = FENCE.match(line)
    if fence:
        if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
            return None, True
        return fence, True
    if m:
        return m.group(1), True
    return None, False


def _outside_code(line: str, change) -> str:
    """`change` applied to the parts of a line outside code spans."""
    if "`" not in line:
        return change(line)
    out, pos = [], 0
    for m in CODE_SPAN.finditer(line):
        out += [change(line[pos:m.start()]), m.group()]
        pos = m.end()
    out.append(change(line[pos:]))
    return "".join(out)
