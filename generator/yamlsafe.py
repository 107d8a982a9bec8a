"""Safe YAML: plain data only, duplicate keys caught, alias bombs refused, lines kept for problems."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from . import typos
from .messages import kind_of

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader

MAX_EXPANDED_NODES = 20_000
MAX_DEPTH = 100          # nesting levels; real records use fewer than 5
SCAN_ABOVE = 2_000       # indicator characters above which the depth is checked before composing


class YamlProblem(Exception):
    """A YAML document that cannot become record data: code, line (1-based, relative), args."""

    def __init__(self, code: str, line: int | None = None, **args):
        super().__init__(code)
        self.code, self.line, self.params = code, line, args  # not .args: Exception makes that a tuple


class _Loader(_Base):
    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []  # key, line, first line (0-based)

    def construct_object(self, node, deep=False):
        """A value its tag cannot read (`!!int abc`, `!!float ""`) is a problem at its line, not a crash."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, LookupError, OverflowError, AttributeError):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            value = node.value if isinstance(node, yaml.ScalarNode) else "…"
            raise YamlProblem("yaml-bad-value", node.start_mark.line, value=value[:80], tag=tag) from None


def _construct_mapping(loader: _Loader, node, deep=False):
    written = {id(k) for k, _ in node.value}  # keys written here; a merge (<<: *x) adds others
    loader.flatten_mapping(node)
    mapping: dict = {}
    first_line: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool) and not key_node.style:
            key = key_node.value  # a key is a name: `on:` (a receipt's date) is the key on, not true
        if not isinstance(key, (str, int, float, bool, dt.date)):
            raise YamlProblem("yaml-key-not-text", key_node.start_mark.line, key=kind_of(key))
        if id(key_node) in written:  # a key written here overrides a merged one silently
            if key in first_line:
                loader.duplicates.append((str(key), key_node.start_mark.line, first_line[key]))
            else:
                first_line[key] = key_node.start_mark.line
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_timestamp(loader: _Loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)  # kept as text: the date check says what is wrong


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
# Not plain data: bytes, sets, ordered pairs. Their tags are refused like any unknown tag.
for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.yaml_constructors.pop(f"tag:yaml.org,2002:{_tag}", None)


def _expanded_size(root) -> int:
    """Nodes after alias expansion, memoized; raises on cycles or past the limit."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YamlProblem("yaml-alias-bomb", node.start_mark.line)
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(n) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem("yaml-alias-bomb", node.start_mark.line)
        sizes[key] = total
        return total

    return size(root)


def _indicators(text: str) -> int:
    """An upper bound of the nesting depth: every collection opens with one of these characters."""
    return sum(text.count(c) for c in "[{-?:")


def _scan_depth(text: str) -> None:
    """Refuse deep nesting before libyaml's composer sees it: that composer recurses in C and
    crashes the process (a segmentation fault, no exception) somewhere past 10,000 levels.
    The event parser keeps its own stack, so it is safe at any depth."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem("yaml-too-deep", _line(event.start_mark, text), limit=MAX_DEPTH)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _check_height(root) -> None:
    """Nesting depth of the node tree, aliases followed (memoized, no recursion); cycles refused."""
    heights: dict[int, int] = {}
    active: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            heights[key] = 1
            continue
        if done:
            active.discard(key)
            heights[key] = 1 + max((heights[id(c)] for c in children), default=0)
        elif key not in heights:
            if key in active:
                raise YamlProblem("yaml-alias-bomb", node.start_mark.line)
            active.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in heights)
    if heights[id(root)] > MAX_DEPTH:  # name the line where the nesting passes the limit
        node = root
        for _ in range(MAX_DEPTH):
            kids = node.value if isinstance(node, yaml.SequenceNode) else [n for p in node.value for n in p]
            node = max(kids, key=lambda c: heights[id(c)])
        raise YamlProblem("yaml-too-deep", node.start_mark.line, limit=MAX_DEPTH)


_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def _line(mark, text: str) -> int | None:
    """YAML also breaks lines at NEL, LS and PS; a file's lines are counted at \n only."""
    if mark is None:
        return None
    return text.count("\n", 0, mark.index) if _ODD_BREAKS.search(text) else mark.line


def _fix_lines(root, text: str) -> None:
    if root is None or not _ODD_BREAKS.search(text):
        return
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        m = node.start_mark  # libyaml's marks are read-only: put a plain one in its place
        node.start_mark = yaml.error.Mark(m.name, m.index, text.count("\n", 0, m.index), m.column, None, None)
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)


def _at(mark, text: str) -> tuple[int, int] | None:
    return None if mark is None else (_line(mark, text), mark.column)


def _syntax(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """The line to fix: where the construct that never ended began (an unclosed quote or
    bracket runs to the end of the text; a key without its colon is noticed a line later),
    else where the parser stopped."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "?"
    if "nesting depth" in problem:  # libyaml >= 0.2.6 stops deep nesting itself, at its own limit
        return YamlProblem("yaml-too-deep", _line(mark, text), limit=MAX_DEPTH)
    found = typos.diagnose(text, exc.context or "", problem, _at(exc.context_mark, text), _at(exc.problem_mark, text))
    if found:  # a typing mistake: say which character, and how to write the line
        code, line, args = found
        return YamlProblem(code, line, **args)
    if exc.context_mark and exc.problem_mark and (
            "end of stream" in problem or exc.problem_mark.index >= len(text.rstrip())
            or (exc.context or "").endswith("simple key")):
        mark = exc.context_mark
        problem = f"{exc.context}, {problem}" if exc.context else problem
    return YamlProblem("yaml-syntax", _line(mark, text), problem=problem)


def load(text: str):
    """Parse one YAML document into plain data. Returns (data, duplicates)."""
    indicators = _indicators(text)
    if indicators > SCAN_ABOVE:
        try:
            _scan_depth(text)
        except yaml.MarkedYAMLError as exc:
            raise _syntax(exc, text) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        _fix_lines(node, text)
        if indicators > MAX_DEPTH or "*" in text:  # fewer indicators cannot nest deeper; aliases can
            _check_height(node)
        if "*" in text:
            _expanded_size(node)
        return loader.construct_document(node), loader.duplicates
    except YamlProblem:
        raise
    except yaml.constructor.ConstructorError as exc:
        found = re.search(r"constructor for the tag '([^']*)'", exc.problem or "")
        if not found:  # e.g. a merge key `<<` on something that is not a mapping
            raise _syntax(exc, text) from None
        tag = found.group(1).replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem("yaml-tag", _line(exc.problem_mark or exc.context_mark, text), tag=tag) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml-syntax", None, problem=str(exc).splitlines()[0]) from None
    except RecursionError:
        raise YamlProblem("yaml-alias-bomb", None) from None
    finally:
        loader.dispose()


def compose(text: str):
    """The node tree, for finding the line of a key or list item (None when load() refuses it)."""
    if _indicators(text) > SCAN_ABOVE:
        try:
            _scan_depth(text)
        except (YamlProblem, yaml.YAMLError):
            return None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        _fix_lines(root, text)
        return root
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def line_of(root, path: tuple) -> int | None:
    """0-based line of the deepest node on path (keys and list indexes) that exists."""
    node, line = root, (root.start_mark.line if root is not None else None)
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for k, v in reversed(node.value):
                if isinstance(k, yaml.ScalarNode) and k.value == step:
                    node, line = v, k.start_mark.line
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line
        else:
            return line
    return line
