"""Chinese at every edge: the root's --lang, what --help calls each value, and (below) a walk of every
command's output in zh that fails on English a Chinese reader would meet."""

from __future__ import annotations

import re

import pytest
from test_language import _COMMAND_NAMES, _all_help

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


# --- the walk: every command's output in zh -------------------------------------------------------

# What may stay in Latin letters in a Chinese screen, and why. Everything else in ASCII letters is
# English a Chinese reader should not meet. Masked before the words are read:
_MASKS = [
    re.compile(r"\w+://\S+"),                                       # a database URL (path, db)
    re.compile(r"[^\s，。；：、（）“”|│┃]*/[^\s，。；：、（）“”|│┃]*"),  # a path, or choices typed as a/b/c
    re.compile(r"[\w.-]+\.(?:ya?ml|csv|tsv|xlsx|json|html|pdf|ics|md|db|svg|png)\b"),  # a file name
    re.compile(r"(?<![\w./-])dealcoach(?: [^\s，。；：、（）“”]+)*"),   # a command line the reader types
    re.compile(r"(?<![\w-])--?[a-zA-Z][\w-]*(?:=\S*)?"),          # an option the reader types
    re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),                  # an environment variable (DEALCOACH_HOME)
]
ALLOWED = {
    # currency codes, as amounts are written (800,000 CNY)
    "CNY": "currency", "EUR": "currency", "USD": "currency",
    # the sources' and the trade's own words, written in Latin letters in Chinese too
    "VIP": "VIP 客户 (the sources' term)", "KPI": "考核指标 KPI", "CRM": "CRM exports", "ISO": "ISO currency codes",
    # file formats and products people know by these names
    "CSV": "format", "TSV": "format", "XLSX": "format", "JSON": "format", "YAML": "format", "HTML": "format",
    "PDF": "format", "SVG": "format", "PNG": "format", "Markdown": "format", "iCalendar": "format",
    "HubSpot": "product", "Salesforce": "product", "SQLite": "product", "PostgreSQL": "product",
    "Mermaid": "product", "Graphviz": "product", "Chromium": "product", "B2B": "the trade's word",
    # what the reader types to choose a language
    "zh": "--lang value", "zh-Hant": "--lang value", "zh-HK": "--lang value", "en": "--lang value",
    "none": "typed to clear a value (--set 宁夏=none)",
}


def english_words(text: str, typed: set[str] = frozenset()) -> list[str]:
    """ASCII-only words in `text` that a Chinese reader should not meet: not a name or id the
    reader typed (`typed`), not an id they must type, not a number, unit or product name (ALLOWED)."""
    for mask in _MASKS:
        text = mask.sub(" ", text)
    found = []
    for word in re.findall(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:['-][A-Za-z0-9]+)*", text):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if len(letters) < 2 or word in ALLOWED or word in typed:
            continue  # one letter: a grade (A–D) or a name like A公司
        found.append(word)
    return found


def test_the_check_finds_english_and_lets_typed_ids_through():
    """The walk's check can fail: English words are found, what the reader types is not."""
    assert english_words("已记录：visit held（商机 宁夏）") == ["visit", "held"]
    assert english_words("状态：open → won") == ["open", "won"]
    assert english_words("错误：“张总” is already on deal 宁夏") == ["is", "already", "on", "deal"]
    assert english_words("用 dealcoach deal list 查看；--role 核心决策者；金额 800,000 CNY；A 级；数据库: sqlite:///x/y.db") == []
    assert english_words("没有示例 “nope”", typed={"nope"}) == []
    assert english_words("角色：technical-supporter") == ["technical-supporter"]


def _seed(run, tmp_path) -> dict[str, str]:
    """A small store: the three bundled examples and a deal of our own, with people, a log (added,
    corrected, removed), a call, grades and a close; and a CRM export with one bad row."""
    from conftest import EXAMPLES

    for example in sorted(EXAMPLES.glob("*.yaml")):
        assert run("deal", "import", str(example), env={"DEALCOACH_USER": USER}).exit_code == 0
    steps = [
        ("deal", "new", "--name", "华东钢厂润滑油", "--account", "华东钢厂", "--amount", "120万", "--close", "2027/3/15",
         "--probability", "三成"),
        ("deal", "edit", "4", "--amount", "150万", "--customer-step", "supplier-screening", "--owner", "小李"),
        ("people", "add", "4", "--name", "张总", "--role", "核心决策者", "--influence", "高", "--attitude", "支持"),
        ("people", "add", "4", "--name", "李工", "--role", "内线", "--reports-to", "张总"),
        ("people", "edit", "4", "李工", "--contact", "regular", "--level", "staff"),
        ("log", "add", "4", "--kind", "电话", "--outcome", "已接通", "--contact", "李工", "--note", "聊了预算"),
        ("log", "add", "4", "--kind", "visit", "--outcome", "held", "--contact", "张总", "--form", "need-learnt=要降本"),
        ("log", "edit", "4", "1", "--outcome", "refused"),
        ("log", "rm", "4", "2", "--yes"),
        ("stage", "4", "--done", "prospect-assessed", "--evidence", "评估完了"),
        ("call-script", "4", "--contact", "张总", "--outcome", "meeting-booked", "--meeting-time", "2027-01-05 10:00",
         "--meeting-place", "客户办公室", "--confirmed-pain", "换油太频繁"),
        ("grade", "--deals", "--today", "2026-12-01"),
        ("grade", "--set", "4=B", "--reason", "老客户"),
        ("profile", "set", "--name", "小王", "--company", "某润滑油公司", "--offer", "工业润滑油", "--phone", "138"),
        ("deal", "new", "--name", "已结束的项目", "--amount", "10万"),
        ("deal", "close", "5", "--won", "--reason", "价格合适"),
        ("deal", "vip", "5"),
    ]
    for args in steps:
        result = run(*args, env={"DEALCOACH_LANG": "en", "DEALCOACH_USER": USER})
        assert result.exit_code == 0, (args, result.stderr)
    crm = tmp_path / "客户.csv"
    crm.write_text("客户名称,预计成交日期,成交可能性,金额,负责人\n宁夏某新工程项目,2026年12月20日,35%,80万,小张\n"
                   "华东钢厂,2027/06/01,70%,¥1200000,小李\n坏行,明年某天,x,abc,小李\n", encoding="utf-8")
    return {"crm": str(crm), "tmp": str(tmp_path)}


def _walk(files: dict[str, str]) -> list[tuple[str, ...]]:
    crm, tmp = files["crm"], files["tmp"]
    return [
        # every command and subcommand on the seeded store
        ("stage", "4"), ("stage", "3", "--all"), ("stage", "--example", "ningxia-industrial-oil"),
        ("stage", "--deal-file", f"{tmp}/export.yaml"), ("stage", "4", "--customer-step", "unknown"),
        ("deal", "list"), ("deal", "list", "--status", "all"), ("deal", "show", "4"), ("deal", "show", "5"),
        ("deal", "show", "3"), ("deal", "edit", "4", "--notes", "年底前要定"), ("deal", "export", "4", "-o", f"{tmp}/export.yaml"),
        ("deal", "import", f"{tmp}/export.yaml", "--dry-run"), ("deal", "vip", "5", "--loyal"),
        ("people", "list", "4"), ("people", "show", "4", "李工"), ("people", "edit", "4", "李工", "--attitude", "中立"),
        ("map", "4"), ("map", "3"), ("objections", "4"), ("objections", "3"),
        ("call-script", "4", "--contact", "李工"), ("call-script", "--account", "某钢厂", "--contact", "王主任"),
        ("call-script", "3", "--contact", "项目经理", "--format", "markdown"),
        ("grade", crm, "--today", "2026-12-01"), ("grade", crm, "--explain", "华东", "--today", "2026-12-01"),
        ("grade", "--deals", "--today", "2026-12-01"), ("grade", "--assess", "4", "--score", "profit-room=2"),
        ("log", "4"), ("log", "add", "4", "--kind", "邮件", "--outcome", "已发送", "--note", "发了资料"),
        ("followup", "--today", "2026-12-01"), ("funnel",), ("pipeline", "--today", "2026-12-01"),
        ("pipeline", "--since", "7d"), ("report", "4", "-o", f"{tmp}/brief.html"),
        ("playbook", "list"), ("playbook", "show", "six-step"), ("playbook", "show", "eight-step", "--stage", "entry"),
        ("playbook", "validate"), ("example", "list"), ("profile", "show"), ("db", "migrate"),
        ("db", "backup", f"{tmp}/backup.json"), ("path",),
        ("people", "rm", "4", "李工", "--yes"), ("deal", "rm", "5", "--yes"),
        # errors people make
        ("deal", "show", "宁厦"), ("stage", "宁厦"), ("people", "show", "3", "王"), ("people", "show", "3", "项目"),
        ("deal", "new", "--name", "x", "--amount", "abc"), ("deal", "new", "--name", "x", "--close", "下下下周"),
        ("deal", "new", "--name", "x", "--probability", "很高"),
        ("people", "add", "4", "--name", "张总"), ("people", "add", "3", "--name", "新人", "--role", "拍板的"),
        ("people", "add", "3", "--name", "新人", "--influence", "极高"), ("people", "add", "3", "--name", "新人", "--reports-to", "项目经历"),
        ("log", "add", "4", "--kind", "飞鸽", "--outcome", "已发送"), ("log", "edit", "4", "9", "--outcome", "refused"),
        ("deal", "list", "--status", "closed"), ("deal", "list", "--sort", "price"), ("grade", "nofile.csv"),
        ("playbook", "show", "ten-step"), ("stage", "--example", "nope"), ("stage", "4", "--done", "no-such-item"),
        ("deal", "close", "4"), ("deal", "vip", "4"), ("grade", "--set", "4=E"),
        ("stagee",), ("deal", "new", "--amount"), ("log", "add"),
    ]


def _typed(args: tuple[str, ...]) -> set[str]:
    """Words the reader typed on this command line, or in a file it reads (a CRM export's cells):
    an error may quote them back."""
    from pathlib import Path

    texts = [*args, *(Path(arg).read_text(encoding="utf-8") for arg in args if arg.endswith(".csv") and Path(arg).is_file())]
    return {word for text in texts for word in re.findall(r"[A-Za-z][\w-]*", text)}


USER = "小王"  # the rep (DEALCOACH_USER): a name
# ids the reader must type to choose them, shown where they are listed for that: playbooks, examples,
# and the command names (`dealcoach --help` lists them)
_IDS_TO_TYPE = {"six-step", "eight-step", "auto-parts-supplier", "company-a-information-system", "ningxia-industrial-oil",
                *_COMMAND_NAMES}


def _item_ids() -> set[str]:
    """`stage --all` shows each item's id as the hint for `--done ID`: an id the reader types."""
    from dealcoach.playbook.loader import load_playbook

    ids = set()
    for playbook_id in ("six-step", "eight-step"):
        for stage in load_playbook(playbook_id).stages:
            ids |= {w.id for w in stage.work_items} | set(stage.gate_ids())
    return ids


# --help is a command's output too: read with the same check, plus what help pages show that the
# reader types (an example command, a default, an output format, a value such as `unknown`)
_HELP_MASKS = [re.compile(r"示例：.*(?:\n[ \t]+\S.*)*"), re.compile(r"\[默\s*[认認]\s*：[^\]]*\]"),
               re.compile(r"\.(?:csv|xlsx|html|pdf)\b")]


def _help_words(text: str) -> list[str]:
    from test_language import _ALLOWED as TYPED_IN_HELP  # the one list of values help pages name as typed

    for mask in _HELP_MASKS:
        text = mask.sub(" ", text)
    text = re.sub(r"\s*\n\s+", " ", text)  # a default wrapped onto the next line ([默\n认：open])
    for mask in _HELP_MASKS:
        text = mask.sub(" ", text)
    # an id the reader types, given as an example (--pretext festival-greeting)
    return english_words(text, set(TYPED_IN_HELP) | _IDS_TO_TYPE | {"festival-greeting"})


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "zh-HK"])
def test_every_command_reads_in_chinese(run, tmp_path, lang):
    """Every command and subcommand on the bundled examples and a small store, its errors and its
    --help, read in Chinese: no English word but names, ids the reader types, numbers and units."""
    files = _seed(run, tmp_path)
    env = {"DEALCOACH_LANG": lang, "COLUMNS": "200", "DEALCOACH_USER": USER}
    problems = []
    item_ids = _item_ids()
    for args in _walk(files):
        result = run(*args, env=env)
        typed = _typed(args) | _IDS_TO_TYPE | (item_ids if "--all" in args else set())
        for stream in (result.stdout, result.stderr):
            for line in stream.splitlines():
                words = english_words(line, typed)
                if words:
                    problems.append(f"{' '.join(args)}: {words} in {line.strip()[:160]!r}")
    for path in [[]] + _all_help():
        result = run(*path, "--help", env=env)
        assert result.exit_code == 0, path
        words = _help_words(result.stdout)
        if words:
            problems.append(f"{' '.join(path)} --help: {words}")
    assert not problems, f"{len(problems)} lines with English:\n" + "\n".join(problems[:80])


# --- did you mean: names and labels people know ------------------------------------------------------


def test_an_unknown_name_suggests_the_names_people_know(run):
    from conftest import EXAMPLES

    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    for number in range(9):  # too many deals to list them all: only a suggestion helps
        assert run("deal", "new", "--name", f"华东钢厂第{number}期").exit_code == 0
    zh = run("deal", "show", "宁厦", env={"DEALCOACH_LANG": "zh"})
    assert zh.exit_code == 1
    assert zh.stderr == "错误：没有与 “宁厦” 匹配的商机（是不是 宁夏新工程项目工业油？）；用 dealcoach deal list 查看\n"
    assert run("deal", "show", "宁厦").stderr.startswith("error: no deal matches '宁厦' (did you mean 宁夏新工程项目工业油?)")
    person = run("people", "show", "1", "项目经历", env={"DEALCOACH_LANG": "zh"})
    assert "（是不是 项目经理 或 项目副经理？）" in person.stderr


@pytest.mark.parametrize(("args", "zh", "en"), [
    (("--influence", "极高"), "影响力：无法识别 “极高”；是不是 高？（可用：高、中、低、未知）",
     "influence: unknown value '极高'; did you mean high? (use one of: high, medium, low, unknown)"),
    (("--role", "拍板的"), "采购角色：无法识别 “拍板的”（可用：首倡者、技术支持者、关键使用者、内部支持者（内线/教练）",
     "roles: unknown value '拍板的' (use one of: initiator, technical-supporter, key-user, insider"),
    (("--circle", "核心"), "与上级的圈子：无法识别 “核心”（可用：内圈、边圈、外圈）",
     "circle: unknown value '核心' (use one of: inner, edge, outer)"),
])
def test_enum_values_are_suggested_and_listed_by_their_labels(run, args, zh, en):
    from conftest import EXAMPLES

    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    chinese = run("people", "add", "1", "--name", "新人", *args, env={"DEALCOACH_LANG": "zh"})
    assert chinese.exit_code == 1 and chinese.stderr.startswith("错误：" + zh), chinese.stderr
    english = run("people", "add", "1", "--name", "新人", *args)
    assert english.exit_code == 1 and english.stderr.startswith("error: " + en), english.stderr


def test_enum_flags_take_labels_too(run):
    from conftest import EXAMPLES

    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    assert run("people", "add", "1", "--name", "新人", "--circle", "内圈", "--need", "安全", "--need", "尊重").exit_code == 0
    person = next(p for p in __import__("json").loads(run("deal", "show", "1", "--json").stdout)["people"]
                  if p["name"] == "新人")
    assert person["circle"] == "inner" and person["needs"] == ["safety", "esteem"]
    assert run("deal", "list", "--status", "全部", "--sort", "金额").exit_code == 0
    wrong = run("deal", "list", "--status", "关闭", env={"DEALCOACH_LANG": "zh"})
    assert wrong.exit_code == 2 and "错误：--status：无法识别 “关闭”（可用：进行中、已赢单、已丢单、全部）" in wrong.stderr


# --- errors said from their key -------------------------------------------------------------------


@pytest.mark.parametrize(("args", "zh", "en"), [
    (("people", "add", "1", "--name", "项目经理"), "错误：“项目经理” 已在商机 宁夏新工程项目工业油 中；要修改请用 dealcoach people edit",
     "error: '项目经理' is already on deal 宁夏新工程项目工业油; use `dealcoach people edit`"),
    (("log", "edit", "1", "3", "--outcome", "refused"),
     "错误：商机 宁夏新工程项目工业油 只有 1 条跟进记录，没有第 3 条；请写 1 到 1 之间的序号（见 dealcoach log）",
     "error: activity 3: deal 宁夏新工程项目工业油 has 1 logged activities"),
    (("deal", "vip", "1"), "错误：商机 宁夏新工程项目工业油 还没有赢单；请先结束它：dealcoach deal close 1 --won",
     "error: deal 宁夏新工程项目工业油 is not won; close it first: dealcoach deal close 1 --won"),
    (("deal", "close", "1"), "错误：请说明结果：加 --won（赢单）或 --lost（丢单）", "error: say how it closed: --won or --lost"),
    (("playbook", "show", "six-step", "--stage", "nowhere"),
     "错误：剧本 six-step 中没有销售阶段 “nowhere”（可用：开发阶段、销售进入阶段、提案阶段",
     "error: playbook six-step has no stage 'nowhere' (stages: develop, entry, proposal"),
    (("grade", "--assess", "1", "--score", "profit=2"), "错误：剧本 six-step 中没有评估项 profit（可用：",
     "error: assessment factor profit: unknown assessment factor for playbook six-step (known: "),
    (("log", "add"), "错误：缺少参数 商机。", "Error: Missing argument 'DEAL'."),
])
def test_frequent_errors_read_in_the_readers_language(run, args, zh, en):
    from conftest import EXAMPLES

    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    assert run("log", "add", "1", "--kind", "call", "--outcome", "connected").exit_code == 0
    chinese = run(*args, env={"DEALCOACH_LANG": "zh"})
    assert chinese.exit_code in (1, 2) and zh in chinese.stderr, chinese.stderr
    assert not english_words(chinese.stderr.splitlines()[-1], _typed(args) | _IDS_TO_TYPE)
    english = run(*args)
    assert english.exit_code == chinese.exit_code and en in english.stderr, english.stderr


def test_a_deal_file_names_the_line_the_field_and_the_labels(run, tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text("name: 测试\npeople:\n  - name: 张三\n    influence: 极高\n", encoding="utf-8")
    chinese = run("deal", "import", str(deal), env={"DEALCOACH_LANG": "zh"})
    assert chinese.exit_code == 1
    assert chinese.stderr == f"错误：{deal}:4:5：客户方的人（第 1 项） › 影响力：无法识别 “极高”；是不是 高？（可用：高、中、低、未知）\n"
    english = run("deal", "import", str(deal))
    assert english.stderr == (f"error: {deal}:4:5: people.0.influence: unknown value '极高'; did you mean high? "
                              "(use one of: high, medium, low, unknown)\n")
