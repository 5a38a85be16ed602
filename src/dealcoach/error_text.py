"""Error messages in the user's language.

The core raises its errors in English, naming the file, field and value (`DealcoachError`); the one
boundary (cli/__init__.py) shows them through `localize_error`. For Chinese each phrase of an error
is matched against the catalogue below (English pattern -> Chinese), as gettext matches a msgid, and
the field a line names is given by its Chinese name ("金额", "客户方的人（第 1 位）› 上级"), so
Pydantic's own wording ("Field required", "Input should be ...") reads as Chinese too. Names,
values, ids the user types and file positions are kept as they are. A phrase without a translation
stays English; tests/test_language.py walks the errors people meet most.
"""

from __future__ import annotations

import re

from dealcoach.language import Lang, localize

# field ids (deal files, flags, prompts, the visit form) -> their Chinese names
FIELD_NAMES_ZH: dict[str, str] = {
    "name": "名称", "account": "客户", "playbook": "剧本", "amount": "金额", "currency": "币种",
    "expected_close": "预计成交日期", "close": "预计成交日期", "probability": "成交可能性",
    "customer_step": "客户采购步骤", "notes": "备注", "note": "备注", "competitors": "竞争对手",
    "people": "客户方的人", "person": "人", "roles": "采购角色", "role": "采购角色", "attitude": "态度",
    "influence": "影响力", "contact": "接触程度", "level": "层级", "reports_to": "上级", "title": "职务",
    "department": "部门", "circle": "与上级的圈子", "needs": "个人需求", "kpi": "考核指标",
    "new_in_role": "新到任", "plan": "计划", "phone": "电话", "kind": "方式", "outcome": "结果",
    "date": "日期", "when": "时间", "form": "拜访总结", "done": "已完成项", "undone": "未完成项",
    "signals": "信号", "evidence": "证据", "status": "状态", "owner": "负责人", "grade": "等级",
    "manual_grade": "手动等级", "activities": "跟进记录", "meeting": "会面", "time": "时间",
    "place": "地点", "attendees": "参加人", "topics": "要谈的问题", "confirmed_pains": "确认的问题",
    "pains": "问题", "company": "公司", "offer": "产品或服务", "id": "编号", "deal": "商机",
    "call": "电话", "assessment": "评估", "scores": "评估分数", "pretext": "跟进理由", "by": "记录人",
    "manual_grade_reason": "手动定级的理由", "close_reason": "赢单或丢单的原因", "closed_on": "结束日期",
    "vip": "VIP 客户", "loyal": "忠诚客户", "industry": "行业", "budget": "预算", "our_cost": "我方成本",
    "overruled": "标为未完成的项", "computed_grade": "计算等级", "opportunity": "机会分析",
    # purchase criteria, the insider, decision culture, politics, needs, follow-up
    "criteria": "采购标准", "state": "确定程度", "favours": "偏向", "items": "标准条目", "culture": "决策文化",
    "motive": "支持我们的原因", "support": "支持的表现", "will": "意愿", "ability": "能力", "style": "领导风格",
    "delegate": "受权决策", "faction": "派系", "boss_trust": "上司的信任", "follows_boss": "是否服从上司",
    "increment": "增量问题", "milestone_on": "关键节点日期", "next_step_at": "下一步的时间",
    "our_side": "我方参加人", "first_said": "首次提到", "last_said": "最近提到", "text": "内容",
    "new": "新到任", "confirmed": "已确认", "since": "从何时起", "tried": "已试过的办法", "at": "时间",
    "we_prepare": "我方准备", "they_prepare": "对方准备", "information": "信息", "comparisons": "对比",
    "competitor": "竞争对手", "score": "分数", "rule": "规则", "on": "日期", "version": "版本",
}

NOUNS_ZH = {"deal": "商机", "person": "人", "people": "人", "prospect": "客户", "prospects": "客户",
            "deals": "商机", "playbook": "剧本", "example": "示例", "row": "行"}

_QUOTED = r"(?:'[^']*'|\"[^\"]*\")"

# English phrase (regex) -> Chinese; applied in order, each to what the previous ones left
PHRASES_ZH: list[tuple[str, str]] = [
    # Click's own usage errors (cli/help_text.py shows them through here)
    (r"^No such option: (\S+)", r"没有 \1 这个选项"),
    (r"\(Possible options: ([^)]*)\)", r"（可用的选项：\1）"),
    (r"^No such command '([^']*)'\.", r"没有 \1 这个命令。"),
    (r"Did you mean ([^?]*)\?", r"你是不是要输入 \1？"),
    (r"^Missing command\.", "缺少命令。"),
    (r"^Missing (?:argument|parameter) '?([^'.]*)'?\.", r"缺少参数 \1。"),
    (r"^Missing option '?([^'.]*)'?\.", r"缺少选项 \1。"),
    (r"^Option '([^']*)' requires an argument\.", r"选项 \1 后面要跟一个值。"),
    (r"^Got unexpected extra arguments? \(([^)]*)\)", r"多出了参数：\1"),
    (r"^Invalid value for '?([^':]*)'?: ", r"\1 的值无效："),
    (r"'([^'\n]*)' is not one of ", r"“\1”不是可选值之一："),
    # finding things (deals/lookup.py)
    (rf"^no (deal|person|prospect|playbook|example) matches ({_QUOTED})", lambda m: f"没有与 {m[2]} 匹配的{NOUNS_ZH[m[1]]}"),
    (rf"^({_QUOTED}) matches (\d+) (deals|people|prospects)", lambda m: f"{m[1]} 匹配到 {m[2]} 个{NOUNS_ZH[m[3]]}"),
    (rf"^no (playbook|example) ({_QUOTED})", lambda m: f"没有{NOUNS_ZH[m[1]]} {m[2]}"),
    # before the general " on deal X" below, which would take their deal's name
    (rf"({_QUOTED}) is not a person on deal (.+?)(?= \(|$)", r"\1 不是商机 \2 中的人"),
    (rf"({_QUOTED}) is already on deal (.+?); use `(.+?)`", r"\1 已在商机 \2 中；请用 \3"),
    (r" on deal (.+?)(?= \(|;|$)", r"（商机 \1）"),
    (r" \(did you mean (.+?)\?\)", lambda m: f"（是不是 {m[1].replace(' or ', ' 或 ')}？）"),
    (r"; did you mean (.+?)\?", lambda m: f"；是不是 {m[1].replace(' or ', ' 或 ')}？"),
    (r" \(known: (.*?)\)(?=;|$)", lambda m: f"（已有：{m[1].replace(', ', '、')}）"),
    (r" \(there are none yet\)", "（还没有任何记录）"),
    (r"; see `(.+?)`", r"；用 \1 查看"),
    (r"; give the full name", "；请写全名"),
    (r"; type more of it or the id", "；请多写几个字，或写编号"),
    # recording a call (call-script)
    (r"^nobody answered \(no-answer\), so nobody confirmed a problem: leave out --confirmed-pain",
     "没人接听（no-answer），也就没有人确认问题：请去掉 --confirmed-pain"),
    (r"^--live asks which problems they confirm; leave out --confirmed-pain",
     "--live 会在通话中问对方确认了哪些问题：请去掉 --confirmed-pain"),
    # values as typed (parse.py)
    (rf"({_QUOTED}) is not an amount", r"\1 不是金额"),
    (rf"({_QUOTED}) is not a probability", r"\1 不是成交可能性"),
    (rf"({_QUOTED}) is not a date and time", r"\1 不是日期和时间"),
    (rf"({_QUOTED}) is not a day and time of the calendar", r"\1 不是日历上存在的日期和时间"),
    (rf"({_QUOTED}) is not a day of the calendar", r"\1 不是日历上存在的日期"),
    (rf"({_QUOTED}) is not a date", r"\1 不是日期"),
    (rf"({_QUOTED}) is not a time", r"\1 不是时间"),
    (rf"({_QUOTED}) is not a currency: use a three-letter code like", r"\1 不是币种：请用三个字母的代码，如"),
    (rf"({_QUOTED}) is out of range", r"\1 超出范围"),
    (rf"({_QUOTED}) could be (\d+) things: ", r"\1 有 \2 种可能："),
    (r"the year (\d+) is outside (\d+)\.\.(\d+)", r"年份 \1 不在 \2 到 \3 之间"),
    (rf"unknown value ({_QUOTED})", r"无法识别 \1"),
    (r"\(use one of: (.*?)\)(?= \(got|;|$)", lambda m: f"（可用：{m[1].replace(', ', '、')}）"),
    (r"; use one of: (.*)$", lambda m: f"；可用：{m[1].replace(', ', '、')}"),
    (r"^empty", "为空"),
    (r"\(e\.g\. (.*?)\)", lambda m: f"（如 {m[1].replace(', ', '、')}）"),
    (r"\(use 0\.\.1, a percentage like 30%, or 三成\)", "（用 0 到 1 之间的数、百分比如 30%，或 三成）"),
    (r"\(at most 10\^15\)", "（最多 10^15）"),
    (r" \(got (.*?)\)$", r"（输入的是 \1）"),
    (r"(\d+) characters is too long for a value", r"\1 个字符，太长了"),
    # a CRM cell that does not read (gradeio/score.py: the reason of a bad row)
    (r"^unparseable date ('.*')$", r"\1 不是日期"),
    (r"^not a probability ('.*')$", r"\1 不是成交可能性"),
    (r"^not an amount ('.*')$", r"\1 不是金额"),
    (r"^not a grade A-D ('.*')$", r"\1 不是 A 到 D 的等级"),
    (r"^missing name$", "缺少名称"),
    (r"^a year outside (\d+)\.\.(\d+): ('.*')$", r"\3 的年份不在 \1 到 \2 之间"),
    (r"^probability out of range \(use 0-1, 0-100 or 35%\): ('.*')$", r"\1 超出范围（用 0 到 1、0 到 100 或 35%）"),
    # the deal and its people (deals/*)
    (rf"({_QUOTED}) is not a person on this deal", r"\1 不是这个商机中的人"),
    (rf"unknown customer step ({_QUOTED}) for playbook ([\w-]+)", r"剧本 \2 中没有客户采购步骤 \1"),
    (rf"unknown work item, exit criterion or key milestone ({_QUOTED}) for playbook ([\w-]+)",
     r"剧本 \2 中没有工作项、完成标准或关键节点 \1"),
    (rf"unknown signal ({_QUOTED})", r"没有信号 \1"),
    (rf"unknown (?:buying )?role ({_QUOTED})", r"没有采购角色 \1"),
    (r" \(people: (.*?)\)$", lambda m: f"（商机中的人：{m[1].replace(', ', '、')}）"),
    (r"nobody yet", "还没有人"),
    # files
    (r"^(\d+) problems$", r"\1 个问题"),
    (r": (\d+) errors$", r"：\1 个错误"),
    (r"no such file", "文件不存在"),
    (r"cannot write \((.*?)\)", r"无法写入（\1）"),
    (r"cannot read \((.*?)\)", r"无法读取（\1）"),
    (r"a deal file must be a mapping of keys \(name:, playbook:, \.\.\.\)", "商机文件必须是“键: 值”的映射（name:、playbook: 等）"),
    (r"is set by the store; remove it from the file", "由数据库设置；请从文件中删除"),
    # Pydantic's own wording
    (r"Field required", "必填"),
    (r"unknown key", "未知的键"),
    (r"Extra inputs are not permitted", "未知的键"),
    (r"String should match pattern '.*?'", "格式不对：应是小写字母、数字和连字符组成的编号"),
    (r"String should have at least (\d+) characters?", r"至少 \1 个字"),
    (r"String should have at most (\d+) characters?", r"最多 \1 个字"),
    (r"Input should be a valid (number|integer)[^;]*", "应是数字"),
    (r"Input should be a valid date[^;]*", "应是日期，如 2027-03-15"),
    (r"Input should be a valid string", "应是文字"),
    (r"Input should be a valid list", "应是列表"),
    (r"Input should be a valid dictionary[^;]*", "应是“键: 值”的映射"),
    (r"Input should be a valid boolean[^;]*", "应是 true 或 false"),
    (r"Input should be (greater|less) than or equal to (\S+)",
     lambda m: f"应{'大于或等于' if m[1] == 'greater' else '小于或等于'} {m[2]}"),
    (r"Input should be (.+)", lambda m: "应是 " + m[1].replace(" or ", " 或 ").replace(", ", "、")),
    (r"List should have at least (\d+) items?[^;]*", r"至少要有 \1 项"),
    # Chinese punctuation: no space before a full-width bracket, a full-width colon after a file name,
    # Chinese quotation marks around what was typed
    (r" +（", "（"),
    (r"^([^\s:：]+(?::\d+:\d+)?): ", r"\1："),
    (r"'([^'\n]*)'", r"“\1”"),
]
_GIVEN = re.compile(r"（输入的是 (“[^”]*”)）$")
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in PHRASES_ZH]
# "file:12:3: people.0.reports_to: message" -> the position, the field path and the message
_LINE = re.compile(r"^(?P<where>(?:[^\s:]+:\d+:\d+|[^\s:]+\.(?:ya?ml|json|csv|tsv|xlsx)): )?"
                   r"(?P<path>[a-z_]+(?:\.(?:[a-z_]+|\d+))*): (?P<rest>.*)$")


def field_name(path: str, lang: Lang) -> str:
    """`people.0.reports_to` as a person reads it: 客户方的人（第 1 位）› 上级 / unchanged in English."""
    if lang == "en":
        return path
    parts: list[str] = []
    for part in path.split("."):
        if part.isdigit() and parts:
            parts[-1] += f"（第 {int(part) + 1} 项）"
        else:
            parts.append(FIELD_NAMES_ZH.get(part, part))
    return localize(" › ".join(parts), lang)


def keyed_error(cls, key: str, **params):
    """An error of class `cls` said from the catalogue: `message` is the English, and the boundary
    says it in the reader's language from the same key and values (`say`). Values by name: `field`
    (a field path, named in the reader's language and put first; `where` before it: a file position), `value` (what was typed, quoted),
    `choices` / `suggestions` (ids with their labels: `Choice`s or (id, labels) pairs, shown by
    label in Chinese and by id in English), lists (joined per language), anything else as text."""
    return cls(say(key, params, "en"), key=key, params=params)


def say(key: str, params: dict, lang: Lang) -> str:
    """The catalogue message `key` in `lang`, its values shown as the reader reads them."""
    from dealcoach.i18n import message

    shown = {name: _shown_value(name, value, lang) for name, value in params.items() if name not in ("field", "where")}
    text = message(key, lang, **shown)
    separator = "：" if lang != "en" else ": "
    field = params.get("field")
    if field:
        text = field_name(field, lang) + separator + text
    if params.get("where"):  # a position in a file (deal.yaml:3:5), before the field
        text = params["where"] + separator + text
    return text


def _shown_value(name: str, value: object, lang: Lang) -> str:
    from dealcoach.typeset import join

    if value is None or value == "":
        return ""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
        return say(value[0], value[1], lang)  # a part said from its own key (a hint, a list)
    if name in _SAID_PARTS and isinstance(value, str):
        return say(value, {}, lang)
    if name in ("noun", "nouns"):
        return localize(NOUNS_ZH.get(str(value), str(value)), lang) if lang != "en" else str(value)
    if name == "matches":
        return ("; " if lang == "en" else "；").join(localize(str(item), lang) for item in value)  # type: ignore[union-attr]
    if name in ("value", "ref"):
        return repr(value) if lang == "en" else f"“{localize(str(value), lang)}”"
    if name == "readings":  # the readings of an ambiguous value: `id (中文/English)` / the labels
        if lang == "en":
            return "; ".join(f"{c.id} ({'/'.join(c.labels[:2]) if c.labels else c.id})" for c in value)  # type: ignore[union-attr]
        return join([choice_label(c, lang) for c in value], lang)  # type: ignore[union-attr]
    if name in ("choices", "suggestions"):
        labels = [choice_label(choice, lang) for choice in value]  # type: ignore[union-attr]
        if name == "suggestions":
            return (" or " if lang == "en" else " 或 ").join(labels)
        return join(labels[:12], lang) + (("、…" if lang != "en" else ", …") if len(labels) > 12 else "")
    if isinstance(value, (list, tuple)):
        return join([localize(str(item), lang) for item in value], lang)
    return localize(str(value), lang) if lang != "en" else str(value)


# values that are themselves messages: a key (or a key and its values)
_SAID_PARTS = frozenset({"listing", "hint", "fix", "what"})


def choice_label(choice, lang: Lang) -> str:
    """An enum value as a reader types it: its Chinese label for Chinese readers, its id in English."""
    choice_id, labels = (choice.id, choice.labels) if hasattr(choice, "id") else choice
    if lang == "en":
        return choice_id
    chinese = next((label for label in labels if not label.isascii()), None)
    return localize(chinese or choice_id, lang)


def localize_error(line, lang: Lang) -> str:
    """One line of an error message in `lang`: a keyed error from the catalogue, else the English
    the core wrote, translated phrase by phrase. `line` is a DealcoachError or its text."""
    from dealcoach.errors import DealcoachError
    from dealcoach.safetext import one_line

    if isinstance(line, DealcoachError):
        if line.key:
            return one_line(say(line.key, line.params, lang))
        line = one_line(line.message)
    if lang == "en" or not line:
        return line
    match = _LINE.match(line)
    if match and (match["path"].split(".")[0] in FIELD_NAMES_ZH):
        where = match["where"] or ""
        where = where[:-2] + "：" if where else ""
        return where + field_name(match["path"], lang) + "：" + _phrases(match["rest"], lang)
    return _phrases(line, lang)


def _phrases(text: str, lang: Lang) -> str:
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    given = _GIVEN.search(text)
    if given and text.count(given[1]) > 1:  # the value is quoted in the message already
        text = text[:given.start()]
    return localize(text, lang)


def error_prefix(lang: Lang) -> str:
    return "error: " if lang == "en" else localize("错误：", lang)
