"""Whatever lands in records/, the validator answers with problems, never a crash: arbitrary
bytes, YAML-ish front matter built from YAML's own tokens, and nesting deep enough to break
a recursive parser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import bulletin
from generator import typos, yamlsafe
from generator.config import load_config
from generator.validate import load_repository
from test_cases import BASE

FUZZED = "records/notices/2026/NTC-2026-009-fuzz.md"
# A fuzzed record of each type starts from fields that reach its type's rules.
SKELETONS = {
    FUZZED: "id: NTC-2026-009\ntitle: fuzz\n",
    "records/capa/2026/CAPA-2026-009-fuzz.md": "id: CAPA-2026-009\ntitle: fuzz\ndepartment: QA\nstatus: verification\n",
    "records/reports/2026/RPT-2026-009-fuzz.md": "id: RPT-2026-009\ntitle: fuzz\ndepartment: QA\n",
    "records/meetings/2026/MTG-2026-009-fuzz.md": "id: MTG-2026-009\ntitle: fuzz\nstatus: approved\n",
}
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """Registries and two records to refer to; the fuzzed file is rewritten for each example."""
    root = tmp_path_factory.mktemp("fuzz") / "repo"
    shutil.copytree(BASE / "site_config", root / "site_config")
    for rel in ("records/reports/2026/RPT-2026-001-qa-2026-10.md", "records/capa/2026/CAPA-2026-001-caliper-burr.md", "records/capa/2026/attachments/burr.png",
                "records/capa/2026/CAPA-2026-002-audit-finding.md", "records/meetings/2026/MTG-2026-001-weekly-quality.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BASE / rel, root / rel)
    for rel in SKELETONS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="module")
def config(repo):
    return load_config(repo)


def check(root: Path, config, data: bytes, path: str = FUZZED) -> None:
    """load_repository returns problems; every one names a line inside the file."""
    for rel in SKELETONS:
        (root / rel).unlink(missing_ok=True)
    (root / path).write_bytes(data)
    result = load_repository(root, config)
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")  # as records.decode
    lines = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    for p in result.problems:
        for lang in ("zh", "en"):
            assert p.message(lang)
        if p.path == path and p.line is not None:
            assert 1 <= p.line <= lines, (p, lines)


# --- YAML-ish text, from YAML's own tokens -----------------------------------------------------

KEYS = ["id", "title", "department", "category", "issued_on", "audience", "tags", "related", "supersedes",
        "withdrawn", "amendments", "former_ids", "pinned", "expires_on", "approved_by", "x", "标题", "date", "by",
        "kind", "period", "status", "actions", "due_extensions", "verification", "effective", "source", "source_ref",
        "due", "from", "to", "closed_on", "attendees", "distribution", "owner", "done_on", "capa", "quantity"]
SCALARS = ["NTC-2026-009", "NTC-2026-001", "CAPA-2026-002", "QA", "all", "zhangwei", "张伟", "2026-01-05",
           "2026-02-30", "2026-01-05 10:00:00", "2026-13-45T99:99", "2025", "2026-Q3", "yes", "no", "null", "~",
           "true", "1e400", "0x1F", "0o17", ".inf", ".nan", "-", "12:30:00", "'", '"', "''", '""', "\\", "\\x00",
           "\u2028", "\x85", "\ufeff", "\t", "\r", "#", "a b", "=", "<<"]
TOKENS = st.one_of(
    st.sampled_from(KEYS).map(lambda k: k + ": "),
    st.sampled_from(SCALARS),
    st.sampled_from([":", ": ", "- ", "? ", ", ", "[", "]", "{", "}", "\n", "\n  ", "\n    ", "  ", "\n- ",
                     "&a ", "&b ", "*a", "*b", "!!str ", "!!int ", "!!binary ", "!!set ", "!!omap ", "!!python/object:os.system ",
                     "!!python/object/apply:os.system ", "!local ", "!<tag:yaml.org,2002:str> ", "<<: *a",
                     "|\n  ", ">-\n  ", "---", "...", "%YAML 1.1\n", "%TAG ! tag:x,2026:\n", "# note\n"]),
    st.text(max_size=8),
)
YAMLISH = st.lists(TOKENS, max_size=60).map("".join)


@settings(FUZZ, max_examples=400)
@given(YAMLISH)
def test_yamlsafe_raises_only_its_own_problem(text):
    try:
        data, duplicates = yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        assert exc.code in {"yaml-syntax", "yaml-tag", "yaml-alias-bomb", "yaml-key-not-text", "yaml-too-deep",
                            "yaml-bad-value"} | typos.CODES
        return
    assert isinstance(duplicates, list)
    yamlsafe.compose(text)  # the line finder never raises either


@settings(FUZZ, max_examples=200)
@given(st.sampled_from(sorted(SKELETONS)), YAMLISH,
       st.sampled_from(["", "正文\n", "[link](x.png)\n", "[mail](a@b.com)\n"]))
def test_front_matter_from_yaml_tokens_never_raises(repo, config, path, text, body):
    check(repo, config, f"---\n{SKELETONS[path]}{text}\n---\n{body}".encode("utf-8", "surrogatepass"), path)


@settings(FUZZ, max_examples=100)
@given(YAMLISH)
def test_whole_file_from_yaml_tokens_never_raises(repo, config, text):
    check(repo, config, ("---\n" + text).encode("utf-8", "surrogatepass"))


# --- arbitrary bytes -------------------------------------------------------------------------

PREFIXES = st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\r\n", b"\xff\xfe", b"---\nid: NTC-2026-009\n"])


@settings(FUZZ, max_examples=200)
@given(PREFIXES, st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(repo, config, prefix, data):
    check(repo, config, prefix + data)


@settings(FUZZ, max_examples=15)
@given(st.one_of(YAMLISH.map(lambda t: ("---\n" + t + "\n---\n").encode("utf-8", "surrogatepass")),
                 st.binary(max_size=200)))
def test_cli_never_prints_a_traceback(repo, data):
    (repo / FUZZED).write_bytes(data)
    result = bulletin("validate", "--format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""


# --- deep nesting ----------------------------------------------------------------------------

DEEP = [
    pytest.param("tags: " + "[" * 10_000 + "]" * 10_000, id="flow-sequences-10000"),
    pytest.param("tags: " + "[" * 100_000, id="flow-unclosed-100000"),
    pytest.param("withdrawn: " + "{a: " * 10_000 + "}" * 10_000, id="flow-mappings-10000"),
    pytest.param("tags:\n" + "".join(" " * i + "-\n" for i in range(600)), id="block-sequences-600"),
    pytest.param("x:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 600)), id="block-mappings-600"),
    pytest.param("tags: " + "- " * 20_000 + "x", id="dashes-on-one-line"),
    pytest.param("tags: &a [" + "[" * 60 + "]" * 60 + "]\nrelated: " + "[" * 60 + "*a" + "]" * 60, id="alias-deepens"),
]


@pytest.mark.parametrize("front_matter", DEEP)
def test_deep_nesting_is_refused_not_crashed(repo, front_matter):
    """libyaml's C composer recurses: past some 10,000 levels it kills the process with a
    segmentation fault, which no `except` can catch. The loader refuses deep nesting first."""
    text = f"---\nid: NTC-2026-009\ntitle: deep\n{front_matter}\n---\n"
    (repo / FUZZED).write_text(text, "utf-8")
    result = bulletin("validate", "--format", "json", "--lang", "en", cwd=repo)
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])  # not -11 (SIGSEGV)
    assert result.stderr == ""
    assert '"path": "records/notices/2026/NTC-2026-009-fuzz.md"' in result.stdout
    assert '"code": "yaml-too-deep"' in result.stdout or '"code": "yaml-syntax"' in result.stdout


@pytest.mark.parametrize("n, refused", [(99, False), (100, True)])
def test_nesting_limit(n, refused):
    """The front matter's mapping is level 1: n brackets inside it make n + 1 levels."""
    text = "tags: " + "[" * n + "]" * n
    if refused:
        with pytest.raises(yamlsafe.YamlProblem) as exc:
            yamlsafe.load(text)
        assert exc.value.code == "yaml-too-deep"
    else:
        data, _ = yamlsafe.load(text)
        assert isinstance(data["tags"], list)


def test_deep_nesting_of_a_registry_exits_2(repo, tmp_path):
    root = Path(shutil.copytree(repo, tmp_path / "r"))
    (root / "site_config/people.yml").write_text("- " + "[" * 50_000 + "]" * 50_000 + "\n", "utf-8")
    result = bulletin("validate", "--lang", "en", cwd=root)
    assert result.returncode == 2, result.returncode
    assert result.stderr.startswith("site_config/people.yml:1: error: cannot read the configuration: the YAML nests")


# --- bodies and file names -------------------------------------------------------------------

MARKDOWNISH = st.lists(st.one_of(
    st.sampled_from(["[", "]", "(", ")", "!", "<", ">", "*", "_", "#", "-", "`", "|", "\\", "&", " ", "\n", "\n\n",
                     "    ", "1. ", "- ", "> ", "![", "](", "<div>", "</div>", "<![CDATA[", "<!--", "[x]: /y",
                     "测试", "品质", "\u3000", "\t", "\r\n", "http://x", "records/a.md"]),
    st.text(max_size=6),
), max_size=400).map("".join)


def _markdown():
    """Python-Markdown with the site's own extensions, as mkdocs.yml sets them."""
    import markdown
    from mkdocs.config import load_config as mkdocs_config

    from conftest import PROJECT

    cfg = mkdocs_config(str(PROJECT / "mkdocs.yml"))
    return lambda text: markdown.Markdown(extensions=cfg["markdown_extensions"],
                                          extension_configs=cfg["mdx_configs"]).convert(text)


@pytest.fixture(scope="module")
def md():
    return _markdown()


@settings(FUZZ, max_examples=120)
@given(MARKDOWNISH, st.sampled_from([1, 1, 40, 400]))
def test_bodies_validate_and_render(repo, config, md, body, times):
    """A body of Markdown's own punctuation (repeated, to reach the limits): validate answers with
    problems, and the build's guard hands Markdown only what it renders without crashing."""
    from generator import guard

    body = body * times
    check(repo, config, f"---\n{SKELETONS[FUZZED]}---\n{body}".encode("utf-8", "surrogatepass"))
    for lang in ("zh", "en"):
        md(guard.safe_markdown(body, lang))


NAME_CHARS = st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",))
NAMES = st.one_of(
    st.text(NAME_CHARS, min_size=1, max_size=24),
    st.tuples(st.sampled_from(["NTC-2026-009", "NTC-2026-009-x", "CAPA-2026-001-", "x"]),
              st.text(NAME_CHARS, max_size=6), st.sampled_from(["", ".md", ".MD", ".markdown", ".svg", ".html", " "]))
    .map("".join).map(lambda s: s.encode("utf-8")),
    st.binary(min_size=1, max_size=24).filter(lambda b: b"/" not in b and b"\x00" not in b),
)


@settings(FUZZ, max_examples=120)
@given(NAMES)
def test_file_names_never_raise(repo, config, name):
    """Any name a file can have: validate reports it readably (no raw control character, no byte that
    is not UTF-8 in a path it prints), never a traceback."""
    import os
    import unicodedata

    from generator.problems import format_text

    raw = name if isinstance(name, bytes) else name.encode("utf-8")
    if raw in (b".", b".."):
        return
    folder = os.fsencode(repo / "records/notices/2026")
    path = os.path.join(folder, raw)
    with open(path, "wb") as f:
        f.write(f"---\n{SKELETONS[FUZZED]}---\n".encode())
    try:
        result = load_repository(repo, config)
    finally:
        os.unlink(path)
    for p in result.problems:
        p.path.encode("utf-8")
        assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in p.path), p
        for lang in ("zh", "en"):
            assert p.message(lang)
    format_text(result.problems, "zh", 0).encode("utf-8")
