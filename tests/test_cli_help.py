"""`bulletin --help` and `bulletin COMMAND --help` speak the site's language: --lang anywhere in the command line,
else site_config/site.yml's language, else Chinese; a broken site.yml never stops help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import bulletin
from generator.cli import build_parser
from generator.cli_help import HELP_TEXTS
from test_cli import COMMANDS

WIDE = {"COLUMNS": "400"}   # no wrapping, so each text is found whole
CJK = re.compile(r"[\u4e00-\u9fff]")


def repo_with(tmp_path: Path, site_yml: str | bytes) -> Path:
    (tmp_path / "site_config").mkdir(parents=True)
    path = tmp_path / "site_config" / "site.yml"
    path.write_bytes(site_yml if isinstance(site_yml, bytes) else site_yml.encode("utf-8"))
    (tmp_path / "records").mkdir()
    return tmp_path


def summaries(lang: str) -> list[str]:
    return [HELP_TEXTS[command][0 if lang == "zh" else 1] for command in COMMANDS]


def help_of(*args: str, cwd: Path) -> str:
    result = bulletin(*args, cwd=cwd, env=WIDE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def assert_speaks(text: str, lang: str) -> None:
    other = "en" if lang == "zh" else "zh"
    for mine, theirs in zip(summaries(lang), summaries(other)):
        assert mine in text, (mine, text)
        assert theirs not in text, (theirs, text)


def test_top_help_of_a_chinese_repository_is_chinese(tmp_path):
    repo = repo_with(tmp_path, "site_name: 公告栏\nlanguage: zh\n")
    assert_speaks(help_of("--help", cwd=repo), "zh")
    assert_speaks(help_of("--help", cwd=repo / "records"), "zh")   # the repository is found from a subfolder


@pytest.mark.parametrize("args", [("--lang", "en", "--help"), ("--help", "--lang", "en"), ("--lang=en", "--help")])
def test_lang_en_anywhere_makes_help_english(tmp_path, args):
    repo = repo_with(tmp_path, "language: zh\n")
    assert_speaks(help_of(*args, cwd=repo), "en")


def test_english_repository_gets_english_help_and_lang_zh_wins(tmp_path):
    repo = repo_with(tmp_path, "site_name: Board\nlanguage: en\n")
    assert_speaks(help_of("--help", cwd=repo), "en")
    assert_speaks(help_of("--help", "--lang", "zh", cwd=repo), "zh")


def test_root_names_the_repository_whose_language_is_used(tmp_path):
    english = repo_with(tmp_path / "en", "language: en\n")
    chinese = repo_with(tmp_path / "zh", "language: zh\n")
    text = help_of("validate", "--root", str(english), "--help", cwd=chinese)
    assert HELP_TEXTS["validate:long"][1].splitlines()[0] in text
    text = help_of("validate", f"--root={chinese}", "--help", cwd=english)
    assert HELP_TEXTS["validate:long"][0].splitlines()[0] in text


def test_no_repository_means_chinese(tmp_path):
    assert_speaks(help_of("--help", cwd=tmp_path), "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_help_in_both_languages(tmp_path, lang):
    repo = repo_with(tmp_path, f"language: {lang}\n")
    text = help_of("validate", "--help", cwd=repo)
    i = 0 if lang == "zh" else 1
    for code in ("validate:long", "validate:paths", "any:root", "any:lang", "any:format-problems", "any:today-judge"):
        for line in HELP_TEXTS[code][i].splitlines():
            assert line in text, (code, line)
    assert "示例" in text if lang == "zh" else "Example:" in text
    # option names, metavars and argparse's own words stay as they are
    for word in ("usage: bulletin validate", "--root ROOT", "--lang {zh,en}", "--format {text,json,github}",
                 "--today TODAY", "PATH", "options:", "-h, --help"):
        assert word in text


@pytest.mark.parametrize("site_yml", [
    "language: [zh\n",               # not YAML
    "- language\n- en\n",            # not key: value settings
    "language: fr\n",                # a language Bulletin does not speak
    "language: en\nlanguage: en\n",  # a duplicate key
    b"language: \xff\xfe en\n",      # not UTF-8
], ids=["bad-yaml", "a-list", "unknown-language", "duplicate-key", "not-utf8"])
def test_broken_site_yml_still_gives_chinese_help(tmp_path, site_yml):
    repo = repo_with(tmp_path, site_yml)
    assert_speaks(help_of("--help", cwd=repo), "zh")
    text = help_of("status", "--help", cwd=repo)
    assert HELP_TEXTS["status:long"][0].splitlines()[0] in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_every_text_in_both_languages(tmp_path, command, lang):
    i = 0 if lang == "zh" else 1
    text = help_of(command, "--help", "--lang", lang, cwd=tmp_path)
    assert HELP_TEXTS[f"{command}:long"][i].splitlines()[0] in text
    subparser = build_parser(lang)._subparsers._group_actions[0].choices[command]
    other = build_parser("en" if lang == "zh" else "zh")._subparsers._group_actions[0].choices[command]
    assert subparser.description.strip() and subparser.description != other.description
    for action, theirs in zip(subparser._actions, other._actions):
        if action.dest == "help":
            continue   # argparse's own words
        assert action.help and action.help.strip(), (command, action.option_strings)
        assert action.help != theirs.help, (command, action.option_strings)
        assert bool(CJK.search(action.help)) == (lang == "zh"), (command, action.help)
        assert action.help in text, (command, action.help)


def test_every_help_text_has_both_languages():
    for code, (zh, en) in HELP_TEXTS.items():
        assert zh.strip() and en.strip(), code
        assert CJK.search(zh), code
        assert not CJK.search(en) or "苏州恒锐" in en or "卡钳" in en, code
