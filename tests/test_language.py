"""The user's language everywhere a person reads: Traditional Chinese as Taiwan and Hong Kong write it,
`--help` in Chinese, `--version`, and Chinese typesetting (kinsoku, punctuation per language)."""

from __future__ import annotations

import re

import pytest

from dealcoach.i18n import pick
from dealcoach.typeset import CLOSING, OPENING, cjk_spaces, colon, join, width, wrap

# mainland term -> how a Taiwan reader writes it (OpenCC s2twp, not character by character)
TAIWAN = {
    "信息": "資訊", "项目": "專案", "数据库": "資料庫", "用户": "使用者", "加载": "載入", "内置": "內建",
    "软件": "軟體", "打印": "列印", "默认": "預設", "网络": "網路", "文件": "檔案", "程序": "程式",
    "服务器": "伺服器", "支持": "支援", "登录": "登入", "设置": "設定", "菜单": "選單", "视频": "影片",
    "组织里": "組織裡", "接着": "接著",
}


def test_taiwan_phrases_not_character_by_character():
    for mainland, taiwan in TAIWAN.items():
        assert pick(mainland, "", "zh-Hant") == taiwan, mainland
    assert len(TAIWAN) == 20
    # 里 as a measure and in 里程碑 stays 里
    assert pick("一公里的里程碑", "", "zh-Hant") == "一公里的里程碑"


def test_hong_kong_variant():
    assert pick("组织里的信息，接着加载", "", "zh-HK") == "組織裏的信息，接着加載"
    assert pick("数据库", "database", "en") == "database"


def test_language_from_arguments_environment_and_locale(monkeypatch):
    from dealcoach.language import language_from_args, language_from_locale, resolve_language

    assert language_from_args(["deal", "new", "--lang", "zh-tw", "--help"]) == "zh-Hant"
    assert language_from_args(["deal", "--lang=zh-HK"]) == "zh-HK"
    assert language_from_args(["deal", "--lang", "klingon"]) == "en"  # the command reports it
    assert language_from_args(["deal", "--", "--lang", "zh"]) == "en"
    monkeypatch.setenv("DEALCOACH_LANG", "zh")
    assert language_from_args(["deal", "--help"]) == "zh"
    monkeypatch.delenv("DEALCOACH_LANG")
    monkeypatch.setenv("LC_ALL", "zh_HK.UTF-8")
    assert resolve_language() == "zh-HK"
    assert language_from_locale("zh_TW.UTF-8") == "zh-Hant"


def _all_help(lang_args=()):
    from typer.core import TyperGroup

    from dealcoach.cli import COMMANDS, load_command

    paths = []

    def walk(command, path):
        paths.append(path)
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    for name in COMMANDS:
        walk(load_command(name), [name])
    return paths


def test_every_help_paragraph_and_option_has_chinese():
    """A new option or a changed help text fails here until its Chinese is in cli/help_text.py."""
    from typer.core import TyperGroup

    from dealcoach.cli import COMMANDS, load_command
    from dealcoach.cli.help_text import HELP_ZH, help_key

    used, missing = set(), []

    def need(text, where):
        for paragraph in text.split("\n\n"):
            key = help_key(paragraph)
            if key and not key.startswith("Example"):
                used.add(key)
                if key not in HELP_ZH:
                    missing.append(f"{where}: {key!r}")

    def walk(command, path):
        need(command.help or "", path)
        for param in command.params:
            need(getattr(param, "help", None) or "", f"{path} {param.opts[0]}")
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")

    for name, (_, _, summary) in COMMANDS.items():
        need(summary, name)
        walk(load_command(name), name)
    assert not missing, "add the Chinese to HELP_ZH in cli/help_text.py:\n" + "\n".join(missing)
    builtin = {"Show this message and exit.", "Show the version and exit.",
               help_key(__import__("dealcoach.cli", fromlist=["_root"])._root.__doc__)}
    assert not set(HELP_ZH) - used - builtin, "help texts no command uses any more"


# English a Chinese help page may show: what the user types (options, metavars, ids, keys, values),
# file formats and products
_TYPED = re.compile(r"示例：.*(\n[^\n]+)*|\w*\.[a-z]+\b|<[^>]*>|\[[^\]]*\]|--?[\w-]+|\b[A-Z][A-Z_0-9=]+\b|[\w.]+[_=/-][\w./=-]*|dealcoach.*|示例：.*(\n[^\n]+)*")
_ALLOWED = {"B2B", "CRM", "HubSpot", "Salesforce", "SQLite", "PostgreSQL", "iCalendar", "Markdown", "JSON", "YAML",
            "CSV", "TSV", "XLSX", "VIP", "KPI", "ISO", "CNY", "unknown", "none", "terminal", "mermaid", "markdown",
            "dot", "svg", "png", "senior", "middle", "staff", "inner", "edge", "outer", "dealcoach", "zh", "en", "paths", "words", "ids"}


_COMMAND_NAMES = {name for path in _all_help() for name in path}


@pytest.mark.parametrize("lang", ["zh", "zh-Hant"])
def test_help_of_every_command_reads_in_chinese(run, lang):
    for path in [[]] + _all_help():
        result = run(*path, "--help", env={"DEALCOACH_LANG": lang})
        assert result.exit_code == 0, (path, result.stderr)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", _TYPED.sub(" ", result.stdout)))
        english = sorted(w for w in words - _ALLOWED - _COMMAND_NAMES if len(w) > 1)
        assert not english, (path, english)
        assert "用法：" in result.stdout and "选项：" in result.stdout.replace("選項", "选项")
        assert all(width(line) <= 80 for line in result.stdout.splitlines()), path


@pytest.mark.parametrize(("args", "zh_line"), [
    (["log", "add", "宁夏", "--meeting", "x"], "错误：没有 --meeting 这个选项"),
    (["log", "add"], "错误：缺少参数 商机。"),
    (["deal", "new", "--amount"], "错误：选项 --amount 后面要跟一个值。"),
    (["stagee"], "错误：没有 stagee 这个命令。"),
])
def test_usage_errors_in_chinese_and_english(run, args, zh_line):
    zh = run(*args, env={"DEALCOACH_LANG": "zh"})
    assert zh.exit_code == 2 and zh_line in zh.stderr.splitlines()
    assert "Error:" not in zh.stderr and "Try '" not in zh.stderr
    en = run(*args, env={"DEALCOACH_LANG": "en"})  # the same process after a Chinese run: English again
    assert en.exit_code == 2 and "Error: " in en.stderr and "错误" not in en.stderr


def test_english_help_unchanged(run):
    result = run("deal", "new", "--help")
    assert "Usage: " in result.stdout and "Options" in result.stdout and "Deal name." in result.stdout


def test_version(run):
    from dealcoach import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"dealcoach {__version__}\n"
    assert "--version" in run("--help").stdout


# --- typesetting ------------------------------------------------------------------------------------

TEXT = ("对前台、助理、各部门中层都要客气、守信，包括采购和商务部门——他们决定你能不能进入下一步。"
        "金额 1,200,000 CNY，日期 2015-11-30（见《工业油液大客户销售的标准流程》）。")


@pytest.mark.parametrize("limit", range(12, 41))
def test_kinsoku_and_unbroken_numbers(limit):
    lines = wrap(TEXT, limit)
    assert "".join(lines).replace(" ", "") == TEXT.replace(" ", "")
    for number, line in enumerate(lines):
        assert width(line) <= limit
        if number:
            assert line[0] not in CLOSING, (limit, lines)
        if number < len(lines) - 1:
            assert line[-1] not in OPENING, (limit, lines)
    for token in ("1,200,000", "2015-11-30"):
        assert any(token in line for line in lines), (limit, lines)


def test_bullet_stays_with_its_text():
    assert wrap("• 做法：先核实", 4)[0] != "•"
    assert wrap("1. 第一步", 4)[0].startswith("1. ")


def test_punctuation_per_language():
    assert join(["项目规模", "资金"], "zh") == "项目规模、资金"
    assert join(["Project size", "Funding"], "en") == "Project size, Funding"
    assert colon("做法", "zh") == "做法：" and colon("how", "en") == "how: "
    assert cjk_spaces("对前台、助理、 各部门") == [7] and cjk_spaces("A 级客户") == []


def test_rich_tables_break_cjk_by_kinsoku():
    import io

    from rich.console import Console
    from rich.table import Table

    from dealcoach.render.console import use_cjk_line_breaking

    use_cjk_line_breaking()
    table = Table()
    table.add_column("做法")
    table.add_row("对前台、助理、各部门中层都要客气、守信，包括采购和商务部门。")
    for cols in range(10, 30):
        out = Console(width=cols, file=io.StringIO(), record=True)
        out.print(table)
        for line in out.export_text().splitlines():
            inner = line.strip("│┃ ")
            assert not inner or inner[0] not in CLOSING, (cols, line)


def test_playbook_validate_finds_a_space_left_by_a_line_fold(run, tmp_path):
    from conftest import ROOT

    text = (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")
    folded = text.replace("固定的六个步骤。本流程", "固定的六个步骤。\n    本流程", 1)
    assert folded != text
    bad = tmp_path / "six-step.yaml"
    bad.write_text(folded, encoding="utf-8")
    result = run("playbook", "validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:12:3: description.zh: a space between Chinese characters at '的六个步骤。 本流程把销售'" in result.stderr
    assert run("playbook", "validate").exit_code == 0


def test_sources_are_named_by_their_titles(run):
    from dealcoach.sources import source_title

    assert source_title("seed 001 (小张的宁夏案例)", "zh") == "《工业油液大客户销售的标准流程》（小张的宁夏案例）"
    assert source_title("seeds 001, 003", "en") == ("The standard process of industrial-oil big-account sales, "
                                                    "Big-account sales course: the roles inside the customer")
    assert source_title("eight-step-model.md §4", "zh-Hant") == "《八步流程的重建說明》 §4"
    for lang in ("zh", "en"):
        for command in (("playbook", "list"), ("stage", "--example", "ningxia-industrial-oil")):
            output = run(*command, "--lang", lang).stdout
            assert "seed" not in output and ".md" not in output, (command, lang)


# --- errors in the user's language -----------------------------------------------------------------


def test_errors_read_in_chinese(run):
    assert run("deal", "new", "--name", "宁夏新工程项目工业油", "--amount", "80万").exit_code == 0
    cases = [
        (("deal", "show", "宁厦"), "错误：没有与 “宁厦” 匹配的商机（是不是 宁夏新工程项目工业油？）；用 dealcoach deal list 查看"),
        (("deal", "new", "--name", "x", "--amount", "abc"), "错误：金额：“abc” 不是金额（如 800000、800,000、80万"),
        (("deal", "new", "--name", "x", "--close", "32/13/2027"), "错误：预计成交日期：“32/13/2027” 不是日历上存在的日期\n"),
        (("people", "add", "1", "--name", "李", "--reports-to", "项目经理"),
         "错误：客户方的人（第 1 项） › 上级：“项目经理” 不是这个商机中的人"),
        (("deal", "new", "--name", "y", "--customer-step", "zz"), "错误：客户采购步骤：剧本 six-step 中没有客户采购步骤 “zz”（已有："),
        (("grade", "nofile.csv"), "错误：nofile.csv：文件不存在"),
    ]
    for args, expected in cases:
        result = run(*args, env={"DEALCOACH_LANG": "zh"})
        assert result.exit_code == 1 and result.stderr.startswith(expected), (args, result.stderr)
        assert re.search(r"\b(error|is not|unknown|matches|known|did you mean)\b", result.stderr) is None, result.stderr
    traditional = run("deal", "show", "宁厦", env={"DEALCOACH_LANG": "zh-Hant"}).stderr
    assert traditional.startswith("錯誤：沒有與 “寧廈” 匹配的商機")
    english = run("deal", "show", "宁厦").stderr
    assert english.startswith("error: no deal matches '宁厦'")


def test_validation_errors_name_the_field_in_chinese():
    from dealcoach.error_text import localize_error

    assert localize_error("deal.yaml:3:1: people.0.name: Field required", "zh") == "deal.yaml:3:1：客户方的人（第 1 项） › 名称：必填"
    assert localize_error("roles.0: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$'", "zh") == \
        "采购角色（第 1 项）：格式不对：应是小写字母、数字和连字符组成的编号"
    assert localize_error("attitude: Input should be 'supporter', 'neutral' or 'opponent'", "zh") == \
        "态度：应是 “supporter”、“neutral” 或 “opponent”"
    assert localize_error("kind: unknown key", "zh") == "方式：未知的键"


# --- 80 columns ------------------------------------------------------------------------------------

_BOX = "│┃║ ╭╮╰╯─━┏┓┗┛┡┩┣┫╇╈┳┻╋├┤┼┬┴└┘┌┐"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_eighty_columns_never_split_a_number_and_keep_kinsoku(run, lang):
    from conftest import EXAMPLES

    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    assert run("deal", "new", "--name", "宁夏新工程项目工业油第二期扩建", "--amount", "1200万", "--close", "2027/3/15",
               "--probability", "三成", "--account", "宁夏某新工程项目（二期）").exit_code == 0
    narrow = {"COLUMNS": "80", "DEALCOACH_LANG": lang}
    outputs = {args: run(*args, env=narrow).stdout for args in
               [("deal", "list"), ("deal", "show", "1"), ("stage", "1"), ("people", "list", "1"), ("grade", "--deals")]}
    listing = outputs[("deal", "list")]
    for token in ("12,000,000 CNY", "800,000 CNY", "2027-03-15", "2015-11-30"):
        assert token in listing, (token, listing)
    assert ("未显示" if lang == "zh" else "too narrow to show") in listing  # the columns left out are named
    for args, output in outputs.items():
        assert output.strip(), args
        for line in output.splitlines():
            assert width(line) <= 80, (args, line)
            for cell in re.split(r"[│┃]", line):
                text = cell.strip(_BOX)
                assert not text or text[0] not in CLOSING - set("-—…"), (args, line)
                assert not text or text[-1] not in OPENING, (args, line)


def test_no_text_a_person_reads_in_a_playbook_calls_its_source_a_seed():
    """`source:` fields are turned into titles; the texts themselves must name a source by its title."""
    import re
    from pathlib import Path

    import yaml

    found = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, child in node.items():
                if key in ("zh", "en", "zh-Hant") and isinstance(child, str) and re.search(r"seed|种子|種子", child, re.I):
                    found.append(f"{where}.{key}")
                walk(child, f"{where}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{where}[{index}]")

    playbooks = Path(__file__).resolve().parents[1] / "playbooks"
    for path in sorted(playbooks.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    assert found == []


def test_every_field_of_a_deal_has_a_chinese_name_for_errors():
    """An error names the field in Chinese (错误：采购标准 › 确定程度：…): a field added to a deal, a person
    or anything they hold needs its name in error_text.FIELD_NAMES_ZH."""
    import typing

    from pydantic import BaseModel

    from dealcoach.deals.models import Deal
    from dealcoach.error_text import FIELD_NAMES_ZH

    seen: set[type] = set()
    missing: dict[str, str] = {}

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            if name not in FIELD_NAMES_ZH:
                missing[name] = model.__name__
            for outer in typing.get_args(field.annotation) or (field.annotation,):
                for inner in typing.get_args(outer) or (outer,):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    walk(Deal)
    assert missing == {}
