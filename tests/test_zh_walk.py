"""Chinese at every edge: the root's --lang, what --help calls each value, and (below) a walk of every
command's output in zh that fails on English a Chinese reader would meet."""

from __future__ import annotations

import re

import pytest
from test_language import _all_help

# --- the language before the command ------------------------------------------------------------


def test_lang_before_the_command(run):
    root = run("--lang", "zh", "--help")
    assert root.exit_code == 0, root.stderr
    assert root.stdout.startswith("用法：dealcoach [选项] 命令") and "--lang 语言" in root.stdout
    assert "--lang LANG" in run("--help").stdout  # English lists it too
    stage = run("--lang", "zh", "stage", "--help")
    assert stage.exit_code == 0 and "商机在双方流程中的真实位置" in stage.stdout
    assert "簡體" not in stage.stdout and "商機" in run("--lang=zh-Hant", "stage", "--help").stdout
    listing = run("--lang", "zh", "example", "list")
    assert listing.exit_code == 0 and "宁夏新工程项目工业油" in listing.stdout
    missing = run("--lang", "zh", "deal", "show", "宁厦")
    assert missing.exit_code == 1 and missing.stderr.startswith("错误：没有与 “宁厦” 匹配的商机")
    # the command's own --lang wins; without one the environment decides again (same process)
    assert run("--lang", "zh", "deal", "show", "宁厦", "--lang", "en").stderr.startswith("error: no deal")
    assert run("deal", "show", "宁厦").stderr.startswith("error: no deal")
    wrong = run("--lang", "klingon", "deal", "list")
    assert wrong.exit_code == 2 and "klingon" in wrong.stderr and "zh-Hant" in wrong.stderr
    assert run("--lang", "zh", "--version").stdout.startswith("dealcoach ")


# --- what --help calls each value ---------------------------------------------------------------

_TYPE_PLACEHOLDER = re.compile(r"<(?:str|int|float|path|list\[[^\]]*\]|[a-z]+ range)>")
_OPTION_ROW = re.compile(r"^\s+(-[\w-]+(?:, --[\w-]+)?(?: \S+)?)")


@pytest.mark.parametrize("lang", ["en", "zh", "zh-Hant"])
def test_help_names_each_value_in_the_readers_language(run, lang):
    """`--close DATE` / `--close 日期`, never Typer's `<str>` or `<list[str]>`."""
    for path in [[]] + _all_help():
        text = run(*path, "--help", env={"DEALCOACH_LANG": lang, "COLUMNS": "200"}).stdout
        assert not _TYPE_PLACEHOLDER.search(text), (path, _TYPE_PLACEHOLDER.search(text)[0])
        if lang == "en":
            continue
        usage = text.splitlines()[0]
        assert not re.search(r"[A-Z]{2,}|\{", usage), (path, usage)
        for line in text.splitlines():
            row = _OPTION_ROW.match(line)
            if row:
                assert not re.search(r"\b[A-Z]{2,}\b", row[1]), (path, line)


def test_every_placeholder_word_has_chinese():
    from dealcoach.cli.help_text import _METAVAR_WORD, METAVARS, METAVARS_ZH, metavar_for

    words = {word for option in METAVARS for word in _METAVAR_WORD.findall(metavar_for(option))}
    assert words <= set(METAVARS_ZH), words - set(METAVARS_ZH)
    assert metavar_for("--account") == "ACCOUNT" and metavar_for("--close") == "DATE"
