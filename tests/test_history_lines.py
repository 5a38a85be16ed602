"""History lines: written and read by deals/history.py; shown as sentences in Chinese."""

from __future__ import annotations

from dealcoach.deals import history as h


def test_every_clause_reads_back_as_written():
    line = h.join_clauses([
        h.activity_logged("visit", "held"), h.contact_raised("张总 (副总)", "none", "brief"),
        h.activity_corrected("call", "no-answer", "2026-11-20T10:00:00+08:00",
                             [("outcome", "no-answer", "connected"), ("note", "a, b", "c")]),
        h.activity_removed("email", "sent", "2026-11-21T09:00:00+08:00", "李工"),
        *h.call_recorded("meeting-booked", "王总", 2, "下周二上午10点", ["met-initiator"]),
        h.grade_computed("C", "cell:within-6-months/medium"),
        "close_reason: null -> 价格合适; 服务好",
    ]) + h.MERGED
    kinds = [(c.kind, c.values) for c in h.read_line(line)]
    assert kinds == [
        ("activity", {"kind": "visit", "outcome": "held"}),
        ("contact", {"name": "张总 (副总)", "before": "none", "after": "brief"}),
        ("activity_corrected", {"kind": "call", "outcome": "no-answer", "date": "2026-11-20T10:00:00+08:00",
                                "changes": [("outcome", "no-answer", "connected"), ("note", "a, b", "c")]}),
        ("activity_removed", {"kind": "email", "outcome": "sent", "date": "2026-11-21T09:00:00+08:00", "contact": "李工"}),
        ("call", {"outcome": "meeting-booked", "contact": "王总"}),
        ("pains", {"count": 2}),
        ("meeting", {"when": "下周二上午10点"}),
        ("items", {"field": "done", "added": ["met-initiator"], "removed": []}),
        ("grade", {"grade": "C", "rule": "cell:within-6-months/medium"}),
        ("field", {"field": "close_reason", "before": None, "after": "价格合适; 服务好"}),
        ("merged", {}),
    ]
    assert h.parse_change(line) == {"done": ([], ["met-initiator"]), "close_reason": (None, "价格合适; 服务好")}
    assert h.read_line("imported deal.yaml: amount: 1 -> 2")[0] == h.Clause("imported", {"source": "deal.yaml"})
    assert [c.kind for c in h.read_line("created")] == ["created"]
    assert h.read_line("something else") == [h.Clause("text", {"text": "something else"})]


def test_history_in_chinese_names_fields_values_and_rules(run):
    assert run("deal", "new", "--name", "华东钢厂润滑油", "--amount", "120万", "--close", "2027/3/15").exit_code == 0
    steps = [("people", "add", "1", "--name", "张总", "--role", "核心决策者"),
             ("log", "add", "1", "--kind", "电话", "--outcome", "已接通", "--contact", "张总"),
             ("log", "add", "1", "--kind", "visit", "--outcome", "held", "--contact", "张总"),
             ("log", "edit", "1", "1", "--outcome", "refused"), ("log", "rm", "1", "2", "--yes"),
             ("grade", "--deals", "--today", "2026-12-01"), ("deal", "close", "1", "--won", "--reason", "价格合适"),
             ("deal", "vip", "1")]
    for args in steps:
        assert run(*args).exit_code == 0, args
    english = [entry["what"] for entry in __import__("json").loads(run("deal", "show", "1", "--json").stdout)["history"]]
    assert english[2].startswith("activity: call connected;")  # the ids, not what was typed (电话, 已接通)
    shown = run("deal", "show", "1", env={"DEALCOACH_LANG": "zh", "COLUMNS": "200"}).stdout
    for sentence in ("记录跟进：电话，已接通；张总的接触程度：未接触 → 见过", "记录跟进：拜访，已进行",
                     "更正跟进记录（电话，已接通，", "）：结果 已接通 → 被拒绝", "删除跟进记录：拜访，已进行（", "，张总）",
                     "计算等级：六个月内 × ", "状态：进行中 → 已赢单；赢单或丢单的原因：（空） → 价格合适；结束日期：（空） → ",
                     "VIP 客户：否 → 是"):
        assert sentence in shown, sentence
    for english_word in ("activity", "contact", "computed", "close_reason", "vip", "won", "open"):
        assert english_word not in shown, english_word
