"""Search that scales: a chunked static index that the browser reads piece by piece.

The site gets, under search/:

    manifest.json  {"alone": [...], "chunk": C, "docs": n, "heavy": [...], "lang": "zh", "m": [v, ...], "mg": G,
                    "s": [v, ...], "sg": H, "shards": N, "version": 1} -- the only file every query reads
    s/<i>.json     postings, {token: code}: for i < N the tokens whose key hashes (FNV-1a) to shard i, for
                   i = N + a the tokens of the key alone[a]
    m/<j>.json     [[url, title, text(, 1 when cut short)], ...] for documents j*C .. j*C+C-1 (sorted by URL)

`v` are content hashes, one per group of files (m[j // G] for chunk j, s[i // H] for shard i; a group is as
many files as keep each list within VERSIONS entries, so the manifest stays a few KB at 100,000 pages); the
browser asks for `s/<i>.json?v=<v>`, so a rebuilt shard is never read from a stale cache and an unchanged
group can be.

Tokens (`tokens`, and the same code in assets/bulletin-search.js; a test runs both): text is NFKC-normalised
and lower-cased. Chinese, Japanese and Korean runs give overlapping character bigrams plus the last
character of the run (so a run of one character is that character); other letters and digits give
words; words joined by - _ . / : (CAPA-2026-007, 2026-11-24, poka-yoke) give the whole and its parts.

A token's key is its first character (CJK) or its first three characters; all tokens with one key sit in
one shard, so the browser can complete a prefix ("pfm" -> pfmea, "首" -> 首件, 首次 ...) from the one
shard it already fetched. A key whose tokens would make a shard too big is "heavy": its tokens are keyed
by one more character (the manifest lists heavy keys), and the index gets its union token, key + "*",
whose postings are every document with a token that starts with the key (with the highest weight among
them): a prefix that is a heavy key ("的", "capa-20") reads that one list. A key whose postings take more
than ALONE_BYTES (a common word, a union token) is "alone": a shard of its own, listed in the manifest, so
that a query reads one big list a term at most, never two that happened to hash to one shard.

A posting list is a string: per document v = doc * 32 + min(tf, 15) * 2 + (token in title), written as
VLQ(v - previous v) (the first as VLQ(v + 32)) in the alphabet A-Z a-z 0-9 - _ (5 bits a character,
bit 6 = more follows): one or two characters a posting.

A query is the AND of its terms: a CJK run of one character is a prefix term, a longer run is all its
bigrams (and the run itself must appear in the document's text, checked when the text is whole); the last
word, when the query does not end in a space, is a prefix term (see `lookup`). Results rank by the number
of terms in the title, then terms matched exactly, then the sum of term frequencies, then newest URL
first. `Index` below answers as the browser does and counts the files it read.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
import unicodedata
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, chain
from pathlib import Path

VERSION = 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
JOINERS = frozenset("-_./:")
UNION = "*"               # key + UNION: the union token of a heavy key (no token has this character)
MAX_TOKEN = 64            # longer whole words (hashes, long paths) are left out; their parts stay
MIN_SHARDS = 16
POSTINGS_PER_SHARD = 20_000
HEAVY_BYTES = 48_000      # a key whose postings take more is split by one more character
ALONE_BYTES = 16_000      # a key whose postings take more gets a shard of its own
VERSIONS = 256            # at most this many versions per list in the manifest (files share one by groups)
TEXT_CAP = 1_500          # characters of a page's text kept for excerpts and phrase checks
CHUNK_BYTES = 24_000      # target size of a metadata chunk (a query reads one per result shown)
TF_CAP = 15


class SearchDoc:
    """A page for the index. `doc()` also weighs its tokens (in MkDocs' page events, which `bulletin build`
    runs in worker processes, and kept with the page by the incremental build): `terms` is its tokens
    joined by NUL, `weights` one byte a token, min(tf, 15) * 2 + (in title). Built by hand (tests), a
    SearchDoc without them is weighed when the index is written.

    The text and the tokens are kept deflated (a third of their size: the build holds one a page, 100,000
    of them) and inflated when read; equal pages are equal SearchDocs."""
    __slots__ = ("url", "title", "_packed", "weights")

    def __init__(self, url: str, title: str, text: str, terms: str | None = None, weights: bytes | None = None):
        self.url, self.title, self.weights = url, title, weights
        self._packed = _deflate(f"{len(text)}\1{text}{terms or ''}")

    @property
    def text(self) -> str:
        return self.parts()[0]

    @property
    def terms(self) -> str | None:
        """The tokens joined by NUL (None when not weighed)."""
        return self.parts()[1]

    def parts(self) -> tuple[str, str | None]:
        """(text, terms), inflated once."""
        head, _, rest = _inflate(self._packed).partition("\1")
        n = int(head)
        return rest[:n], (rest[n:] if self.weights is not None else None)

    def __eq__(self, other) -> bool:
        return isinstance(other, SearchDoc) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return self.url, self.title, self._packed, self.weights

    def __repr__(self) -> str:
        return f"SearchDoc({self.url!r}, {self.title!r}, {self.text[:40]!r}...)"

    def __getstate__(self):
        return self._key()

    def __setstate__(self, state) -> None:
        self.url, self.title, self._packed, self.weights = state


def _deflate(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def _inflate(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8")


# ------------------------------------------------------------------ text out of a rendered page

_DROP = re.compile(r"<(script|style|template|noscript|svg)\b.*?</\1\s*>|<!--.*?-->"
                   r"|<a\b[^>]*\bclass=\"[^\"]*\bheaderlink\b[^\"]*\"[^>]*>.*?</a\s*>", re.S | re.I)
_CARD_ID = re.compile(r"<div class=\"bl-card\"[^>]*\bdata-id=\"([^\"]+)\"")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S | re.I)
_INLINE = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|"
                     r"sub|sup|time|u|var|wbr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_EXCLUDE = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\bdata-search-exclude\b[^>]*>", re.I)


def _drop_excluded(html: str) -> str:
    """The page without its elements marked data-search-exclude (history, backlinks), nested tags counted."""
    out, pos = [], 0
    for m in _EXCLUDE.finditer(html):
        if m.start() < pos:
            continue
        out.append(html[pos:m.start()])
        name = re.escape(m.group(1))
        depth, end = 1, m.end()          # a void element: the tag alone
        for t in re.finditer(rf"<(/?){name}\b[^>]*>", html[m.end():], re.I):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                end = m.end() + t.end()
                break
        out.append(" ")
        pos = end
    out.append(html[pos:])
    return "".join(out) if pos else html


def _plain(html: str) -> str:
    """Text of an HTML fragment: inline tags vanish (首<b>件</b> stays one word), others part words."""
    return " ".join(html_lib.unescape(_TAG.sub(" ", _INLINE.sub("", html))).split())


def doc(url: str, title: str, html: str) -> SearchDoc:
    """A page as search sees it: its title (entities decoded; a record's ID in front, from its card) and
    its article text without markup, header-link marks, scripts or styles, nor what is marked
    data-search-exclude (a record's history and backlinks), and without the first heading when that is the title."""
    title = heading = " ".join(html_lib.unescape(title).split())
    card = _CARD_ID.search(html)
    if card:
        rid = html_lib.unescape(card.group(1)).strip()
        if rid and rid not in title:
            title = f"{rid} {title}"
    html = _DROP.sub(" ", _drop_excluded(html) if "data-search-exclude" in html else html)
    h1 = _H1.search(html)
    if h1 and _plain(h1.group(1)) == heading:
        html = html[:h1.start()] + " " + html[h1.end():]
    text = _plain(html)
    return SearchDoc(url, title, text[:TEXT_CAP + 1], *weigh(title, text))   # more text is never shown


# ------------------------------------------------------------------ tokens (mirrored in bulletin-search.js)

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_W = rf"[^\W_{_CJK}]"                                   # a letter or digit (not CJK)
_RUN = re.compile(rf"([{_CJK}]+)|{_W}+(?:[-_./:]{_W}+)*")  # a CJK run, or a word with joiners inside
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_PART = re.compile(rf"{_W}++")
_COMPOUND = re.compile(rf"(?<!{_W}){_W}++(?:[-_./:]{_W}++)+")
_SPLIT = re.compile(r"[-_./:]")


def _is_cjk(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", ch))


_FULL_WIDTH = [(c, unicodedata.normalize("NFKC", c)) for c in "，：（）；！？\u3000"]


def normalize(text: str) -> str:
    """NFKC, lower case. The common full-width punctuation first by str.replace: faster, same result."""
    if not unicodedata.is_normalized("NFKC", text):
        for wide, narrow in _FULL_WIDTH:
            text = text.replace(wide, narrow)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _parts(word: str) -> list[str]:
    return [p for p in _SPLIT.split(word) if p]


def tokens(text: str) -> list[str]:
    """Every token of a text, in order, repeated as often as it occurs."""
    out: list[str] = []
    for m in _RUN.finditer(normalize(text)):
        run = m.group()
        if m.group(1):
            out.extend(run[k:k + 2] for k in range(len(run) - 1))
            out.append(run[-1])
        else:
            parts = _parts(run)
            if len(parts) > 1 and len(run) <= MAX_TOKEN:
                out.append(run)
            out.extend(p for p in parts if len(p) <= MAX_TOKEN)
    return out


def counts(text: str) -> Counter:
    """Counter(tokens(text)), faster: whole regular expressions instead of a loop over runs."""
    norm = normalize(text)
    runs = _CJK_RUN.findall(norm)
    found = [r[k:k + 2] for r in runs for k in range(len(r) - 1)]
    found += [r[-1] for r in runs]
    words = _PART.findall(norm)
    words += _COMPOUND.findall(norm)
    if words and max(map(len, words)) > MAX_TOKEN:
        words = [w for w in words if len(w) <= MAX_TOKEN]
    found += words
    return Counter(found)


def weigh(title: str, text: str) -> tuple[str, bytes]:
    """(tokens joined by NUL, a byte a token: min(tf, 15) * 2 + (in title)) of a page, tokens in the order
    first seen."""
    tf = counts(title + "\n" + text)
    weights = {t: (f if f < TF_CAP else TF_CAP) * 2 for t, f in tf.items()}
    for t in counts(title):
        weights[t] += 1
    return "\0".join(weights), bytes(weights.values())


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool      # also every token that starts with it (when it is as long as a key)


def query_terms(query: str) -> tuple[list[Term], list[str]]:
    """(terms, phrases) of a query: the AND of the terms; phrases (CJK runs of 3+ characters) must appear
    in a document's text when the text is whole."""
    norm = normalize(query)
    runs = list(_RUN.finditer(norm))
    terms: list[Term] = []
    phrases: list[str] = []
    for n, m in enumerate(runs):
        run, j = m.group(), m.end()
        if m.group(1):
            if len(run) == 1:
                terms.append(Term(run, True))
            else:
                terms.extend(Term(run[k:k + 2], False) for k in range(len(run) - 1))
                if len(run) > 2:
                    phrases.append(run)
            continue
        # the last word is being typed unless a space (or anything but one joiner) follows it
        last = n == len(runs) - 1 and (j == len(norm) or (j == len(norm) - 1 and norm[j] in JOINERS))
        if last and j < len(norm):
            run += norm[j]            # "capa-" -> every token starting with "capa-"
        parts = _parts(run)
        if len(run) <= MAX_TOKEN and (len(parts) > 1 or last):
            terms.append(Term(run, last))
        else:
            terms.extend(Term(p, False) for p in parts if len(p) <= MAX_TOKEN)
    seen: set[Term] = set()
    return [t for t in terms if not (t in seen or seen.add(t))], phrases


# ------------------------------------------------------------------ keys and shards

def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def _base_len(token: str) -> int:
    return 1 if _is_cjk(token[0]) else 3


def key_of(token: str, heavy) -> str:
    n = _base_len(token)
    k = token[:n]
    while k in heavy and len(k) < len(token):
        n += 1
        k = token[:n]
    return k


def lookup(term: Term, heavy) -> tuple[str, bool]:
    """(token to read, whether every token starting with it counts) for one query term. A prefix shorter
    than a key matches exactly; a prefix that is a heavy key reads the key's union token (key + "*":
    every document with a token that starts with the key), since its tokens lie in many shards."""
    if term.prefix and len(term.token) >= _base_len(term.token):
        if term.token in heavy:
            return term.token + UNION, False
        return term.token, True
    return term.token, False


def shard_of(key: str, shards: int, alone: dict[str, int] | None = None) -> int:
    """The shard of a key: its own when it is alone (alone: key -> its shard), else by its hash."""
    if alone:
        i = alone.get(key)
        if i is not None:
            return i
    return fnv1a(key) % shards


def _alone_at(alone, shards: int) -> dict[str, int]:
    return {k: shards + a for a, k in enumerate(alone)}


def _group(n: int) -> int:
    """Files per version: the smallest power of two that keeps n files within VERSIONS versions."""
    g = 1
    while -(-n // g) > VERSIONS:
        g *= 2
    return g


def _grouped(versions: list[str]) -> tuple[int, list[str]]:
    """(files per version, the versions of the groups): one file's version is its own when g is 1."""
    g = _group(len(versions))
    if g == 1:
        return 1, list(versions)
    return g, [_version(",".join(versions[k:k + g]).encode()) for k in range(0, len(versions), g)]


# ------------------------------------------------------------------ posting lists

def _vlq(value: int) -> str:
    out = []
    while True:
        digit = value & 31
        value >>= 5
        if not value:
            out.append(ALPHABET[digit])
            return "".join(out)
        out.append(ALPHABET[digit | 32])


_VLQ: list[str] = []          # VLQ of 0 .. 32767 (one to three characters), made on first use


def _encode_values(values: list[int]) -> str:
    if not _VLQ:
        _VLQ.extend(_vlq(v) for v in range(32768))
    prev = [-32]
    prev.extend(values[:-1])
    diffs = list(map(int.__sub__, values, prev))
    if max(diffs) < 32768:
        return "".join(map(_VLQ.__getitem__, diffs))
    return "".join([_VLQ[x] if x < 32768 else _vlq(x) for x in diffs])


def encode(postings: list[tuple[int, int]]) -> str:
    """[(doc, weight), ...] sorted by doc -> code. Each posting is v = doc * 32 + weight, written as
    VLQ(v - previous v), the first as VLQ(v + 32); weight = min(tf, 15) * 2 + (token in title)."""
    return _encode_values([d * 32 + w for d, w in postings])


_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_GROUP = re.compile(f"[{re.escape(ALPHABET[32:])}]*[{re.escape(ALPHABET[:32])}]")   # one VLQ number
_NUMBER: dict[str, int] = {}      # VLQ text -> number, for every text of one to three characters


def _decode_values(code: str) -> list[int]:
    """encode's values (doc * 32 + weight, ascending) back from its code: the loops in C."""
    if not _NUMBER:
        if not _VLQ:
            _VLQ.extend(_vlq(v) for v in range(32768))
        _NUMBER.update((text, v) for v, text in enumerate(_VLQ))
    groups = _GROUP.findall(code)
    diffs = [_NUMBER[g] if len(g) <= 3 else _number(g) for g in groups]
    return list(accumulate(diffs, initial=-32))[1:]


def _number(text: str) -> int:
    return sum((_VALUE[c] & 31) << (5 * k) for k, c in enumerate(text))


def decode(code: str) -> list[tuple[int, int]]:
    out = []
    v, value, shift = -32, 0, 0
    for c in code:
        digit = _VALUE[c]
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        v += value
        out.append((v >> 5, v & 31))
        value, shift = 0, 0
    return out


# ------------------------------------------------------------------ writing the index

def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _version(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:10]


def _power_of_two(n: int) -> int:
    p = MIN_SHARDS
    while p < n:
        p *= 2
    return p


@dataclass
class Built:
    """An index as written, kept by the incremental build: the next build patches it (`patch`) instead of
    starting over. Whatever the path, the files are the bytes `build_index` makes of the same pages."""
    lang: str
    docs: list[SearchDoc]             # sorted by URL: a document's number is its place here
    heavy: frozenset[str]
    tokens: list[str]                 # the tokens of the pages (no union tokens), sorted
    count: int                        # postings of those tokens: it sets the number of hashed shards
    hashed: int                       # shards by hash; then one for each alone key
    alone: tuple[str, ...]            # keys with a shard of their own, sorted
    shards: list[dict[str, str]]      # token (union tokens too) -> code, per shard (hashed, then alone)
    row_bytes: list[int]              # size of each document's metadata row
    chunk: int
    svers: list[str]                  # per shard file
    mvers: list[str]                  # per chunk file
    urls: list[str]                   # the documents' URLs, sorted (docs and shards may be stored lazily: they
                                      # are only indexed, or sliced, and replaced through _replaced)

    def doc(self, url: str) -> SearchDoc:
        """The document at `url` (one of urls)."""
        return self.docs[bisect_left(self.urls, url)]

    def paths(self) -> list[str]:
        """Every file of the index, under search/."""
        return (["manifest.json"] + [f"s/{i}.json" for i in range(len(self.shards))]
                + [f"m/{j}.json" for j in range(len(self.mvers))])


def _sorted_docs(docs: list[SearchDoc]) -> list[SearchDoc]:
    return sorted({d.url: d for d in docs}.values(), key=lambda d: d.url)


def _weighed(d: SearchDoc) -> tuple[str, bytes]:
    """(tokens joined by NUL, weights) of a page, weighed here when it was made without them."""
    text, terms = d.parts()
    return (terms, d.weights) if d.weights is not None else weigh(d.title, text)


def _weights(d: SearchDoc) -> dict[str, int]:
    terms, weights = _weighed(d)
    return dict(zip(terms.split("\0"), weights)) if weights else {}


def _size(token: str, code: str) -> int:
    return len(token.encode("utf-8")) + len(code) + 6


def _row(d: SearchDoc, text: str | None = None) -> list:
    """A document's metadata row (text: its text, when inflated already)."""
    text = d.text if text is None else text
    return [d.url, d.title, text] if len(text) <= TEXT_CAP else [d.url, d.title, text[:TEXT_CAP], 1]


def _chunk_size(row_bytes: list[int]) -> int:
    """Rows per metadata chunk: about CHUNK_BYTES, rounded down to a power of two so that an edit seldom
    changes it (which would rewrite every chunk)."""
    avg = sum(row_bytes) / max(1, len(row_bytes))
    rows = max(1, min(512, int(CHUNK_BYTES // max(avg, 1))))
    return 1 << (rows.bit_length() - 1)


def _add(files: dict[str, bytes], name: str, data: bytes) -> str:
    """Put one file of the index; its version (content hash) for the manifest."""
    files[name] = data
    return _version(data)


def _manifest(built: Built) -> bytes:
    mg, m = _grouped(built.mvers)
    sg, sv = _grouped(built.svers)
    return _dump({"alone": list(built.alone), "chunk": built.chunk, "docs": len(built.docs),
                  "heavy": sorted(built.heavy), "lang": built.lang, "m": m, "mg": mg, "s": sv, "sg": sg,
                  "shards": built.hashed, "version": VERSION})


def _key_bytes(codes: dict[str, str], heavy) -> dict[str, int]:
    """key -> bytes of its tokens' postings."""
    out: dict[str, int] = defaultdict(int)
    for t, c in codes.items():
        out[key_of(t, heavy)] += _size(t, c)
    return out


def build_index(docs: list[SearchDoc], lang: str) -> dict[str, bytes]:
    """Site path (under search/) -> bytes, for the whole index. Same docs (in any order) -> same bytes."""
    return _build(docs, lang)[0]


def _build(docs: list[SearchDoc], lang: str) -> tuple[dict[str, bytes], Built]:
    files: dict[str, bytes] = {}
    return files, _make(docs, lang, partial(_add, files))


def _make(docs: list[SearchDoc], lang: str, put) -> Built:
    """The index of docs; put(name, bytes) -> version takes each file as soon as it is made, so that the
    files (as big as the index) are never all held at once."""
    docs = _sorted_docs(docs)
    # token -> [doc * 32 + weight, ...]: 4 bytes a posting in an array, not an int object in a list (100,000
    # pages hold some 30 million postings)
    post: dict[str, array] = defaultdict(partial(array, "I"))
    count = 0
    row_bytes = []        # the rows themselves are made again chunk by chunk
    for n, d in enumerate(docs):
        text, terms = d.parts()
        row_bytes.append(len(_dump(_row(d, text))))
        terms, weights = (terms, d.weights) if d.weights is not None else weigh(d.title, text)
        if weights:
            count += len(weights)
            base = n * 32
            # post[t].append(base + w) for every token and weight, looped in C
            deque(map(array.append, map(post.__getitem__, terms.split("\0")), map(base.__add__, weights)),
                  maxlen=0)
    codes = {t: _encode_values(v.tolist()) for t, v in post.items()}

    # heavy keys: split a key's tokens by one more character while the key holds too many bytes
    heavy: set[str] = set()
    size = {t: _size(t, c) for t, c in codes.items()}
    pending = sorted(codes)
    while True:
        groups: dict[str, int] = {}
        members: dict[str, list[str]] = {}
        for t in pending:
            k = key_of(t, heavy)
            groups[k] = groups.get(k, 0) + size[t]
            members.setdefault(k, []).append(t)
        split = sorted(k for k, b in groups.items()
                       if b > HEAVY_BYTES and any(len(t) > len(k) for t in members[k]))
        if not split:
            break
        heavy.update(split)
        pending = [t for k in split for t in members[k]]
    del size, groups, members, pending      # a dict or list over every token: not held while the files are made

    # a heavy key's union token: per document the highest weight among the key's tokens
    ordered = sorted(post)
    for k in sorted(heavy):
        values = sorted(chain.from_iterable(
            post[t] for t in ordered[bisect_left(ordered, k):bisect_left(ordered, k + "\U0010ffff")]))
        best = {v >> 5: v for v in values}          # ascending: the last value of a document is its highest
        codes[k + UNION] = _encode_values(list(best.values()))
    del post

    shards = _power_of_two(-(-count // POSTINGS_PER_SHARD))
    alone = tuple(sorted(k for k, b in _key_bytes(codes, heavy).items() if b > ALONE_BYTES))
    alone_at = _alone_at(alone, shards)
    shard_tokens: list[dict[str, str]] = [{} for _ in range(shards + len(alone))]
    shard_by_key: dict[str, int] = {}
    for t, c in codes.items():
        k = key_of(t, heavy)
        i = shard_by_key.get(k)
        if i is None:
            i = shard_by_key[k] = shard_of(k, shards, alone_at)
        shard_tokens[i][t] = c
    del codes, shard_by_key

    svers = [put(f"s/{i}.json", _dump(s)) for i, s in enumerate(shard_tokens)]
    chunk = _chunk_size(row_bytes)
    mvers = [put(f"m/{j // chunk}.json", _chunk(docs, j // chunk, chunk)) for j in range(0, max(1, len(docs)), chunk)]
    built = Built(lang, docs, frozenset(heavy), ordered, count, shards, alone, shard_tokens, row_bytes, chunk,
                  svers, mvers, [d.url for d in docs])
    put("manifest.json", _manifest(built))
    return built


def _chunk(docs: list[SearchDoc], j: int, chunk: int) -> bytes:
    """Metadata chunk j: the rows of documents j*chunk .. j*chunk+chunk-1."""
    return _dump([_row(d) for d in docs[j * chunk:(j + 1) * chunk]])


def _unions(weights: dict[str, int], heavy) -> dict[str, int]:
    """A document's union tokens: for each heavy key, the highest weight among its tokens under the key."""
    out: dict[str, int] = {}
    for t, w in weights.items():
        for n in range(_base_len(t), len(t) + 1):
            k = t[:n]
            if k not in heavy:
                break                                   # a longer key is heavy only under a heavy one
            u = k + UNION
            if out.get(u, -1) < w:
                out[u] = w
    return out


def _is_heavy(k: str, code, ordered: list[str]) -> bool:
    """Whether key k (its shorter keys heavy) would be split: its tokens are all that start with it."""
    lo, hi = bisect_left(ordered, k), bisect_left(ordered, k + "\U0010ffff")
    if hi - lo - (lo < hi and ordered[lo] == k) <= 0:
        return False                                    # no longer token to split by
    total = 0
    for t in ordered[lo:hi]:
        total += _size(t, code(t))
        if total > HEAVY_BYTES:
            return True
    return False


def _replaced(seq, changes: dict[int, object]):
    """seq with the items at the keys of `changes` replaced; seq is left as it was (a stored sequence,
    incremental.Parts, replaces without loading the rest)."""
    if hasattr(seq, "replaced"):
        return seq.replaced(changes)
    out = list(seq)
    for i, v in changes.items():
        out[i] = v
    return out


def patch(prev: Built, docs: list[SearchDoc], lang: str, kept=None) -> tuple[dict[str, bytes], Built] | None:
    """(the files that differ from prev's, the new index) when the pages are the same URLs as before and
    only their text changed; None when a full build is needed (pages added or removed, or the edit moves
    a heavy key, the number of shards or the chunk size). The files are those `build_index` would make.
    `kept`: the URLs of pages whose documents are prev's as they are (docs: the others); None when docs are
    every page. Only the changed documents' chunks and the shards they touch are read from prev, which is
    left as it was."""
    fresh = {d.url: d for d in docs}
    urls = sorted(fresh.keys() | set(kept)) if kept is not None else sorted(fresh)
    if lang != prev.lang or urls != prev.urls:
        return None
    edits = {}
    for url, d in fresh.items():
        n = bisect_left(prev.urls, url)
        if prev.docs[n] != d:
            edits[n] = d
    if not edits:
        return {}, Built(**vars(prev))
    changed = sorted(edits)
    docs = _replaced(prev.docs, edits)
    heavy, count, row_bytes = prev.heavy, prev.count, list(prev.row_bytes)
    own: dict[str, dict[int, int | None]] = defaultdict(dict)     # token -> {doc: new weight or None}
    union: dict[str, dict[int, int | None]] = defaultdict(dict)
    for n in changed:
        old, new = _weights(prev.docs[n]), _weights(docs[n])
        count += len(new) - len(old)
        for t in old.keys() | new.keys():
            if old.get(t) != new.get(t):
                own[t][n] = new.get(t)
        old_u, new_u = _unions(old, heavy), _unions(new, heavy)
        for t in old_u.keys() | new_u.keys():
            if old_u.get(t) != new_u.get(t):
                union[t][n] = new_u.get(t)
        row_bytes[n] = len(_dump(_row(docs[n])))
    shards, chunk = prev.hashed, prev.chunk
    if _power_of_two(-(-count // POSTINGS_PER_SHARD)) != shards or _chunk_size(row_bytes) != chunk:
        return None

    dirty: dict[int, dict[str, str]] = {}         # shard -> its tokens, changed
    ordered = list(prev.tokens)
    alone_at = _alone_at(prev.alone, shards)

    def at(i: int) -> dict[str, str]:
        return dirty[i] if i in dirty else prev.shards[i]

    def shard(t: str, write: bool = False) -> dict[str, str]:
        """Token t's shard (under the heavy and alone keys as they were); a copy of prev's the first time it
        is written."""
        i = shard_of(key_of(t, heavy), shards, alone_at)
        if write and i not in dirty:
            dirty[i] = dict(prev.shards[i])
        return at(i)

    def apply(t: str, edits: dict[int, int | None]) -> bool:
        """Set the postings of changed documents for token t; whether t is still in the index. Only the
        changed documents' values are touched, in the decoded list (a common token has one a page)."""
        s = shard(t, write=True)
        values = _decode_values(s[t]) if t in s else []
        for n, w in sorted(edits.items()):
            i = bisect_left(values, n * 32)
            here = i < len(values) and values[i] >> 5 == n
            if w is None:
                if here:
                    del values[i]
            elif here:
                values[i] = n * 32 + w
            else:
                values.insert(i, n * 32 + w)
        if values:
            s[t] = _encode_values(values)
        else:
            s.pop(t, None)
        return bool(values)

    for t, edits in own.items():
        was = t in shard(t)
        if apply(t, edits) != was:
            i = bisect_left(ordered, t)
            if was:
                del ordered[i]
            else:
                ordered.insert(i, t)
    # heavy keys stay as they were, or the build starts over
    for k in sorted({t[:n] for t in own for n in range(_base_len(t), len(t) + 1)}, key=len):
        parent_heavy = len(k) == _base_len(k) or k[:-1] in heavy
        if (k in heavy) != (parent_heavy and _is_heavy(k, lambda t: shard(t)[t], ordered)):
            return None
    for t, edits in union.items():
        apply(t, edits)
    # alone keys stay as they were, or the build starts over
    for k in {key_of(t, heavy) for t in chain(own, union)}:
        i = shard_of(k, shards, alone_at)
        size = sum(_size(t, c) for t, c in at(i).items() if i >= shards or key_of(t, heavy) == k)
        if (size > ALONE_BYTES) != (k in alone_at):
            return None

    files: dict[str, bytes] = {}
    svers, mvers = list(prev.svers), list(prev.mvers)
    for i in sorted(dirty):
        svers[i] = _add(files, f"s/{i}.json", _dump(dirty[i]))
    for j in sorted({n // chunk for n in changed}):
        mvers[j] = _add(files, f"m/{j}.json", _chunk(docs, j, chunk))
    built = Built(lang, docs, heavy, ordered, count, shards, prev.alone, _replaced(prev.shards, dirty), row_bytes,
                  chunk, svers, mvers, prev.urls)
    files["manifest.json"] = _manifest(built)
    return files, built


def write_index(docs: list[SearchDoc], out_dir: Path, lang: str) -> Built:
    """Write search/ into the built site (called once, after every page is built). Over an older build,
    files whose bytes are the same are left alone and shards or chunks that no longer exist are removed, so
    the folder ends up as a fresh build would make it."""
    root = Path(out_dir) / "search"
    written: set[str] = set()

    def put(rel: str, data: bytes) -> str:
        _write(root, rel, data)
        written.add(rel)
        return _version(data)

    built = _make(docs, lang, put)
    for folder in ("s", "m"):
        for path in (root / folder).glob("*.json"):
            if f"{folder}/{path.name}" not in written:
                path.unlink()
    return built


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write index files under root (search/), leaving those whose bytes are already there alone."""
    for rel, data in files.items():
        _write(root, rel, data)


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)


# ------------------------------------------------------------------ answering a query (as the browser does)

@dataclass
class Hit:
    doc: int
    url: str
    title: str
    text: str


class Index:
    """A built index read from files, counting what a browser would fetch."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.read: set[str] = set()
        self._cache: dict[str, object] = {}
        self.manifest = self._load("manifest.json")
        self.heavy = set(self.manifest["heavy"])
        self.alone = _alone_at(self.manifest["alone"], self.manifest["shards"])

    def _load(self, rel: str):
        self.read.add(rel)
        if rel not in self._cache:
            self._cache[rel] = json.loads((self.folder / rel).read_text("utf-8"))
        return self._cache[rel]

    def bytes_read(self) -> int:
        return sum((self.folder / rel).stat().st_size for rel in self.read)

    def _term(self, term: Term) -> dict[int, tuple[int, bool, bool]]:
        """doc -> (weight, in title, exact) for one term."""
        token, prefix = lookup(term, self.heavy)
        shard = self._load(f"s/{shard_of(key_of(token, self.heavy), self.manifest['shards'], self.alone)}.json")
        found: dict[int, tuple[int, bool, bool]] = {}
        if prefix:
            matches = sorted(t for t in shard if t.startswith(token))
        else:
            matches = [token] if token in shard else []
        for t in matches:
            exact = t == term.token
            for d, w in decode(shard[t]):
                tf, title = w >> 1, bool(w & 1)
                old = found.get(d)
                if old is None or (exact, tf) > (old[2], old[0]):
                    found[d] = (tf, title or (old[1] if old else False), exact)
                elif title and not old[1]:
                    found[d] = (old[0], True, old[2])
        return found

    def ranked(self, query: str) -> tuple[list[int], list[str]]:
        """(document numbers, best first, before the phrase check; phrases)."""
        terms, phrases = query_terms(query)
        if not terms:
            return [], phrases
        per_term = [self._term(t) for t in terms]
        common = set(per_term[0])
        for p in per_term[1:]:
            common &= set(p)

        def key(d):
            hits = [p[d] for p in per_term]
            return (-sum(h[1] for h in hits), -sum(h[2] for h in hits), -sum(h[0] for h in hits), -d)

        return sorted(common, key=key), phrases

    def meta(self, d: int) -> tuple[str, str, str, bool]:
        """(url, title, text, whether the text is whole)."""
        c = self.manifest["chunk"]
        row = self._load(f"m/{d // c}.json")[d % c]
        return row[0], row[1], row[2], len(row) < 4

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The first `limit` results as the browser shows them: meta chunks read only for these."""
        ranked, phrases = self.ranked(query)
        out: list[Hit] = []
        for d in ranked:
            if len(out) >= limit:
                break
            url, title, text, whole = self.meta(d)
            hay = normalize(title + " " + text)
            if whole and any(p not in hay for p in phrases):
                continue
            out.append(Hit(d, url, title, text))
        return out
