"""What each generated page read: (record ID, field) pairs, so that an edit remakes only the pages that show it.

During generation every visible record's fields are a `Fields` view that reports each read to the build's
`Reads`. Reads made while a page is made belong to that page; values shared by several pages are `Reads.shared`:
computed once, their reads replayed into every page that uses them. Reads made outside any page (the site
model) are site-wide: a change there remakes every page.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field

from .records import Record

ALL = "*"   # a read of the whole record (its fields iterated)


class Frame:
    """The reads of one page or shared value: (ID, field) keys, and the names of the shared values it used."""
    __slots__ = ("keys", "uses")

    def __init__(self):
        self.keys: set = set()
        self.uses: set = set()

    def frozen(self) -> tuple:
        """(field -> sorted tuple of IDs, names used): kept in the manifest, where the ID strings are stored once."""
        return group(self.keys), frozenset(self.uses)


def group(keys) -> dict:
    """(ID, field) pairs as field -> sorted tuple of IDs: a fifth of a frozenset's memory (its hash table),
    held for every generated page until the manifest is written; `has` looks an ID up."""
    out: dict = {}
    for rid, name in keys:
        out.setdefault(name, set()).add(rid)
    return {name: tuple(sorted(ids)) for name, ids in out.items()}


def has(ids, rid: str) -> bool:
    """Whether group's sorted tuple of IDs holds rid."""
    i = bisect_left(ids, rid)
    return i < len(ids) and ids[i] == rid


def merged(a: tuple, b: tuple) -> tuple:
    """The reads of two frozen frames together."""
    keys = dict(a[0])
    for name, ids in b[0].items():
        keys[name] = tuple(sorted({*keys.get(name, ()), *ids}))
    return keys, a[1] | b[1]


class Reads:
    """One build's record of reads: a stack of frames, the bottom one site-wide; shared values by name."""

    def __init__(self):
        self.stack: list[Frame] = [Frame()]
        self.keys: set = self.stack[-1].keys   # the top frame's: Fields adds to it without a call
        self.shared_reads: dict = {}      # name -> (keys, uses) of each shared value made
        self.on = False
        self.keep: Kept | None = None     # shared values kept between builds

    def add(self, key) -> None:
        if self.on:
            self.keys.add(key)

    @contextmanager
    def frame(self):
        """Reads inside go to a frame of their own (yielded)."""
        frame = Frame()
        self.stack.append(frame)
        self.keys = frame.keys
        try:
            yield frame
        finally:
            self.stack.pop()
            self.keys = self.stack[-1].keys

    def shared(self, name: str, make):
        """make() once; every caller's frame uses it by name (its reads are kept once, in shared_reads)."""
        box: list = []

        def get():
            if not box:
                kept = self.keep.load(name) if self.keep is not None else None
                if kept is not None:    # its reads are the previous build's
                    box.append(kept[0])
                else:
                    with self.frame() as frame:
                        box.append(make())
                    self.shared_reads[name] = frame.frozen()
                    if self.keep is not None:
                        self.keep.save(name, box[0])
            self.stack[-1].uses.add(name)
            return box[0]
        return get

    @property
    def site_wide(self) -> Frame:
        return self.stack[0]


class Fields(dict):
    """A record's fields that tell `reads` which keys are read."""

    __slots__ = ("rid", "reads")

    def __init__(self, data, rid: str, reads: Reads):
        super().__init__(data)
        self.rid, self.reads = rid, reads

    def __reduce__(self):       # to another process: a plain dict
        return dict, (dict(self),)

    def get(self, key, default=None):      # the hot path of generation: no call but dict's
        reads = self.reads
        if reads.on:
            reads.keys.add((self.rid, key))
        return dict.get(self, key, default)

    def __getitem__(self, key):
        reads = self.reads
        if reads.on:
            reads.keys.add((self.rid, key))
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        reads = self.reads
        if reads.on:
            reads.keys.add((self.rid, key))
        return dict.__contains__(self, key)

    def _all(self):
        self.reads.add((self.rid, ALL))

    def __iter__(self):
        self._all()
        return super().__iter__()

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()

    def __len__(self):
        self._all()
        return super().__len__()

    def __eq__(self, other):
        self._all()
        return super().__eq__(other)

    __hash__ = None

    def copy(self):
        self._all()
        return dict(self)


def tracked(records: list, reads: Reads) -> list:
    """Copies of the records whose fields report their reads (each record's attributes copied as they are:
    dataclasses.replace would call the class again, with every field, for each of 10,000 records)."""
    out = []
    for r in records:
        copy = object.__new__(type(r))
        copy.__dict__.update(r.__dict__)
        copy.fields = Fields(r.fields, r.id, reads)
        out.append(copy)
    return out


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def field_digests(r) -> dict:
    """field -> digest of its value (missing fields have none)."""
    return {k: _digest(repr(v)) for k, v in dict.items(r.fields)}


def read_digest(made: "Deps", reads: tuple, memo: dict) -> str:
    """A digest of the values `reads` (keys, uses) read, as `made` holds them (its values and front matter),
    and of the values read by the shared values it used (their digests kept in memo by name)."""
    keys, uses = reads
    h = hashlib.blake2b(digest_size=16)
    values, none = made.values, {}
    for name in sorted(keys):
        # one update per name: the same bytes as one per value read
        if name == ALL:
            front = made.front
            text = "".join([f"\0{rid}\0{front.get(rid)}" for rid in sorted(keys[name])])
        else:
            text = "".join([f"\0{rid}\0{values.get(rid, none).get(name)}" for rid in sorted(keys[name])])
        h.update(f"\0\0{name}{text}".encode())
    for name in sorted(uses):
        if name not in memo:
            memo[name] = ""     # a value that uses itself
            memo[name] = read_digest(made, made.shared.get(name, ({}, frozenset())), memo)
        h.update(f"\0\0u{name}\0{memo[name]}".encode())
    return h.hexdigest()


class Kept:
    """Shared values kept between builds in a stage2.Memo, each under a token: made from the build's inputs
    when the value is made, the previous build's token while no value it read has changed since (Touched).
    The records in a value are kept as their IDs: it holds this build's records, not copies."""

    def __init__(self, memo, made: "Deps", carried: dict, inputs: str, by_id: dict):
        self.memo, self.made, self.inputs, self.by_id = memo, made, inputs, by_id
        made.tokens = dict(carried)

    def load(self, name: str):
        token = self.made.tokens.get(name)
        return self.memo.kept(token, self.by_id.__getitem__) if token is not None else None

    def save(self, name: str, value) -> None:
        token = self.made.tokens[name] = f"shared\0{name}\0{self.inputs}"
        self.memo.keep(token, value, self._reference)

    def _reference(self, obj):
        return obj.id if type(obj) is Record and self.by_id.get(obj.id) is obj else None


@dataclass
class Deps:
    """What the generated pages of a build read, and the values they read, for the next build."""
    shape: str = ""                                    # digest of what every page depends on (ids, paths, ...)
    front: dict = field(default_factory=dict)          # record ID -> digest of its front matter
    values: dict = field(default_factory=dict)         # record ID -> {field: digest}
    site_wide: tuple = ({}, frozenset())               # reads outside any page: (field -> IDs, uses)
    shared: dict = field(default_factory=dict)         # shared value's name -> (field -> IDs, uses)
    pages: dict = field(default_factory=dict)          # generated page src -> (field -> IDs, uses)
    tokens: dict = field(default_factory=dict)         # shared value's name -> its token in the memo (Kept)


def front_digests(records) -> dict:
    """record path -> digest of its front matter: made once per build (pages.generated_inputs, digests and
    changed_keys read it)."""
    return {r.path: _digest(r.front_matter) for r in records}


def digests(records, fronts: dict) -> tuple[dict, dict]:
    """record ID -> digest of its front matter (fronts: front_digests), and record ID -> field_digests."""
    return {r.id: fronts[r.path] for r in records}, {r.id: field_digests(r) for r in records}


def changed_keys(previous: Deps, records, made: Deps, fronts: dict) -> set | None:
    """(ID, field) pairs whose value changed since `previous` (and (ID, ALL) for a record with any change);
    None when a record came or went. Fills made's front and values (fronts: front_digests)."""
    front = made.front = {r.id: fronts[r.path] for r in records}
    if front.keys() != previous.front.keys():
        return None
    values = made.values = dict(previous.values)
    out = set()
    for rid, d in front.items():
        if d != previous.front[rid]:
            old, new = previous.values[rid], field_digests(records.by_id[rid])
            values[rid] = new
            keys = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
            if keys:
                out |= {(rid, k) for k in keys} | {(rid, ALL)}
    return out


class Touched:
    """Which pages and shared values read a changed value: `touched((keys, uses))`."""

    def __init__(self, changed: set, shared: dict):
        self.changed = changed
        self.shared, self.known = shared, {}

    def keys(self, keys: dict) -> bool:
        """keys: field -> IDs read. A change is (ID, field), and (ID, ALL) for each changed record."""
        return any(has(keys.get(name, ()), rid) for rid, name in self.changed)

    def __call__(self, reads) -> bool:
        keys, uses = reads
        return self.keys(keys) or any(self.used(name) for name in uses)

    def used(self, name: str) -> bool:
        if name not in self.known:
            self.known[name] = True    # a value that uses itself: changed (never made so)
            self.known[name] = name not in self.shared or self(self.shared[name])
        return self.known[name]
