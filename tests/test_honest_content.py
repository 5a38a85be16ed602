"""Honest content (issue 13, point 7): items the source does not state are marked and said so where
they are coached; the six-step playbook is industry-neutral, its industrial-oil details a variant."""

from __future__ import annotations

import json

from conftest import write

NEGOTIATION_DEAL = """\
name: 某钢厂配件项目
playbook: six-step
customer_step: purchase-commitment
done: [find-leads, assess-opportunity, grade-customer, prospect-assessed, key-elements-collected,
       assessment-passed, grade-assigned, insider-and-key-people, org-chart-mapped, purchasing-contact-made,
       shortlisted-supplier, criteria-influenced, alternatives-examined, advantage-acknowledged,
       decision-makers-briefed, bid-submitted, bid-decision-made, price-position-set, bid-fully-compliant,
       award-recommended, arrange-executive-visit, negotiate-terms, sign-contract, commercial-terms-agreed,
       payment-terms-safe]
people:
  - {name: 王总, roles: [decision-maker], attitude: supporter, influence: high, contact: regular, level: senior, kpi: true}
  - {name: 李工, roles: [insider, key-user], attitude: supporter, influence: medium, contact: regular, level: middle,
     reports_to: 王总}
  - {name: 赵经理, roles: [purchases], attitude: neutral, influence: medium, contact: regular, level: middle,
     reports_to: 王总}
"""


def test_every_six_step_item_the_source_does_not_state_is_marked():
    from dealcoach.playbook.loader import load_playbook

    playbook = load_playbook("six-step")
    marks = {item_id: playbook.item_confidence(item_id) for item_id in playbook.checkable_ids()}
    for item_id in ("key-users-trained", "account-plan-agreed", "executives-met", "bid-fully-compliant",
                    "award-recommended", "decision-makers-briefed", "commercial-terms-agreed"):
        assert marks[item_id] == "inferred", item_id
    for item_id in ("payment-terms-safe", "purchasing-contact-made", "regular-purchase-started"):
        assert marks[item_id] == "supported", item_id
    # what the source states stays confirmed
    for item_id in ("find-leads", "prospect-assessed", "find-insider", "insider-and-key-people", "contract-signed",
                    "arrange-executive-visit", "trial-evaluated"):
        assert marks[item_id] == "confirmed", item_id


def test_an_item_is_never_surer_than_its_stage():
    from dealcoach.playbook.loader import load_playbook

    playbook = load_playbook("eight-step")
    for item_id, stage_id in playbook.checkable_ids().items():
        if playbook.pair_confidence(playbook.stage(stage_id)) == "inferred":
            assert playbook.item_confidence(item_id) == "inferred"


def test_stage_marks_an_inferred_item_where_it_is_coached(run, tmp_path):
    deal = write(tmp_path / "deal.yaml", NEGOTIATION_DEAL)
    data = json.loads(run("stage", "--deal-file", str(deal), "--json").stdout)
    assert data["sales_stage"]["id"] == "negotiation"
    by_source = {a["source"]: a for a in data["next_actions"]}
    assert by_source["exit_criterion:executives-met"]["confidence"] == "inferred"
    assert by_source["key_milestone:contract-signed"]["confidence"] == "confirmed"
    assert {m["id"]: m["confidence"] for m in data["missing"]}["executives-met"] == "inferred"
    for lang, mark, legend in (("en", "(inferred)", "not stated in the source"), ("zh", "（推断）", "原文没有明说"),
                               ("zh-Hant", "（推斷）", "原文沒有明說")):
        out = run("stage", "--deal-file", str(deal), "--lang", lang, env={"COLUMNS": "100"}).stdout
        line = next(line for line in out.splitlines() if mark in line)
        assert legend in out, lang
        assert out.count(legend) == 1
        assert "executives-met" not in line  # the text, in the user's language, carries the mark
    confirmed_only = run("stage", "--example", "company-a-information-system", env={"COLUMNS": "100"}).stdout
    assert "(inferred)" not in confirmed_only and "not stated in the source" not in confirmed_only


def test_call_script_carries_the_caveat_at_an_inferred_stage_or_item(run, tmp_path):
    deal = write(tmp_path / "deal.yaml", NEGOTIATION_DEAL)
    en = run("call-script", "--deal-file", str(deal), env={"COLUMNS": "100"}).stdout
    assert "Negotiation" in en and "inferred, not stated in the source" in " ".join(en.split())
    zh = run("call-script", "--deal-file", str(deal), "--lang", "zh", "--format", "markdown").stdout
    assert "> 注意：本阶段的这些要求是推断的" in zh and "我方高层已拜访客户对口高层" in zh
    hant = run("call-script", "--deal-file", str(deal), "--lang", "zh-Hant", "--format", "markdown").stdout
    assert "推斷" in hant
    # eight-step: a stage reconstructed as a whole says so, as `stage` does
    from dealcoach.playbook.loader import load_playbook

    gates = [item for stage in load_playbook("eight-step").stages[:2] for item in stage.gate_ids()]
    eight = write(tmp_path / "eight.yaml", f"name: 乙项目\nplaybook: eight-step\ndone: [{', '.join(gates)}]\n")
    stage = json.loads(run("stage", "--deal-file", str(eight), "--json").stdout)
    assert stage["reconstructed"], stage["sales_stage"]
    script = run("call-script", "--deal-file", str(eight), "--format", "markdown").stdout
    assert "reconstructed from similar methods" in script
    # a stage the source states carries none
    first = run("call-script", "--example", "company-a-information-system", "--format", "markdown").stdout
    assert "inferred" not in first and "reconstructed" not in first


# --- the six-step playbook is industry-neutral; industrial oil is a variant ------------------------

OIL = ("油", "oil", "lubric")


def _oily(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(word in line.casefold() for word in OIL)]


def test_the_general_six_step_playbook_says_nothing_of_oil():
    from dealcoach.playbook.loader import load_playbook

    general = load_playbook("six-step").model_dump(exclude={"industries", "cases"})
    general["stages"] = [{**stage, "cases": []} for stage in general["stages"]]  # the source's own story
    # the words a likely-pain row looks for in an industry are not advice
    general["phone_invitation"]["likely_pains"]["industries"] = [
        {**row, "match": []} for row in general["phone_invitation"]["likely_pains"]["industries"]]

    def texts(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("id", "source"):
                    yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)
        elif isinstance(node, str):
            yield node

    assert _oily("\n".join(texts(general))) == []


def test_auto_parts_gets_no_lubricant_advice(run):
    run("deal", "import", "playbooks/examples/auto-parts-supplier.yaml")
    for lang in ("zh", "zh-Hant", "en"):
        outputs = [run("stage", "--example", "auto-parts-supplier", "--lang", lang, "--all").stdout,
                   run("stage", "--example", "auto-parts-supplier", "--lang", lang, "--json").stdout,
                   run("call-script", "--example", "auto-parts-supplier", "--lang", lang).stdout,
                   run("call-script", "--example", "auto-parts-supplier", "--lang", lang, "-f", "markdown").stdout,
                   run("followup", "--days", "400", "--lang", lang).stdout,
                   run("followup", "--days", "400", "--lang", lang, "--json").stdout]
        for output in outputs:
            assert output.strip() and _oily(output) == [], (lang, _oily(output))


def test_ningxia_still_gets_its_oil_pretext_and_items(run):
    run("deal", "import", "playbooks/examples/ningxia-industrial-oil.yaml")
    plan = json.loads(run("followup", "--days", "400", "--json").stdout)
    assert "hydraulic-oil drain intervals" in plan[0]["pretext_detail"]
    zh = json.loads(run("followup", "--days", "400", "--lang", "zh", "--json").stdout)
    assert "液压油换油周期" in zh[0]["pretext_detail"]
    # the industry's own work is an item of the deal: it can be ticked, and the diagnosis knows it
    ticked = run("stage", "1", "--done", "run-oil-analysis", "--json")
    assert ticked.exit_code == 0, ticked.stderr
    assert "油液检测" in run("stage", "1", "--all", "--lang", "zh").stdout
    data = json.loads(run("stage", "1", "--json").stdout)
    assert data["processes"][5]["gate_total"] == 5  # trial-evaluated + 3 general criteria + oil analysis reported


def test_an_industry_item_is_no_item_of_another_deal(run, tmp_path):
    deal = write(tmp_path / "deal.yaml", "name: 配件\nplaybook: six-step\nindustry: 汽车零部件\n"
                                         "done: [run-oil-analysis]\n")
    result = run("stage", "--deal-file", str(deal))
    assert result.exit_code == 1
    assert "done.0: unknown work item, exit criterion or key milestone 'run-oil-analysis'" in result.stderr
    oily = write(tmp_path / "oil.yaml", "name: 润滑油\nplaybook: six-step\nindustry: 润滑油\n"
                                        "done: [run-oil-analysis]\n")
    assert run("stage", "--deal-file", str(oily)).exit_code == 0


def test_the_variant_is_chosen_by_the_words_of_the_deals_industry():
    from dealcoach.playbook.loader import load_playbook
    from dealcoach.playbook.variants import for_industry

    six = load_playbook("six-step")
    assert for_industry(six, None) is six and for_industry(six, "汽车零部件") is six
    oil = for_industry(six, "Industrial Oil distribution")
    assert oil.industry == "industrial-oil" and oil is for_industry(six, "工业润滑油")  # made once
    assert for_industry(oil, "工业润滑油") is oil
    assert "run-oil-analysis" in oil.checkable_ids() and "run-oil-analysis" not in six.checkable_ids()
    assert "油" in oil.customer_steps[0].what_happens.zh and "油" not in six.customer_steps[0].what_happens.zh


def _six_step_with(tmp_path, old: str, new: str):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path / "six-step-edited.yaml", text.replace(old, new, 1))


def test_a_variant_naming_nothing_is_a_validation_error_with_its_line(run, tmp_path):
    path = _six_step_with(tmp_path, "  - id: need-and-approval\n    what_happens:",
                          "  - id: no-such-step\n    what_happens:")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "id: no-such-step" in text)
    assert f"six-step-edited.yaml:{line}:" in result.stderr
    assert "no object with id 'no-such-step' and what_happens to replace" in result.stderr
    clash = _six_step_with(tmp_path, "    - id: run-oil-analysis", "    - id: implement-project")
    result = run("playbook", "validate", str(clash))
    assert result.exit_code == 1 and "'implement-project' is already an item of stage 'implementation'" in result.stderr
    unknown = _six_step_with(tmp_path, "  - stage: implementation", "  - stage: implement")
    result = run("playbook", "validate", str(unknown))
    assert result.exit_code == 1 and "unknown stage 'implement'" in result.stderr


# --- the principles `people show` gives are the catalog's data ------------------------------------

def _principles(run, deal: str, person: str, lang: str = "en") -> list[str]:
    result = run("people", "show", deal, person, "--lang", lang, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["principles"]


def test_people_show_gives_the_principles_that_fit_the_person(run):
    run("deal", "import", "playbooks/examples/auto-parts-supplier.yaml")
    insider = _principles(run, "汽车", "行政部领导")  # insider, supporter, middle, regular contact
    assert any(p.startswith("Stay close, but keep a professional distance: ") for p in insider)
    assert any(p.startswith("Ally with more middle managers: ") for p in insider)
    assert any(p.startswith("Cultivate relationships and find someone to step forward: ") for p in insider)
    assert not any(p.startswith("Visit senior people with care") for p in insider)
    zh = _principles(run, "汽车", "行政部领导", "zh")
    assert any(p.startswith("在亲近中保持足够的专业距离：") for p in zh)
    hant = _principles(run, "汽车", "行政部领导", "zh-Hant")
    assert any(p.startswith("在親近中保持足夠的專業距離：") for p in hant)
    # someone with real weight below the top of the chart: power is not the org chart
    run("people", "add", "汽车", "--name", "老周", "--level", "staff", "--influence", "high")
    assert any(p.startswith("Power is not the org chart: ") for p in _principles(run, "汽车", "老周"))
    # no role recorded yet: identify the buying roles first
    assert any(p.startswith("Identify the buying roles first: ") for p in _principles(run, "汽车", "老周"))
    # department traits stay
    shown = run("people", "show", "汽车", "行政部领导").stdout
    assert "Principles" in shown


def test_which_principle_fits_whom_is_catalog_data(run, isolated_home):
    """A team's own catalog decides: changing `applies_to` in roles.yaml changes `people show`."""
    from pathlib import Path

    run("deal", "import", "playbooks/examples/auto-parts-supplier.yaml")
    catalog = (Path(__file__).resolve().parents[1] / "playbooks" / "roles.yaml").read_text(encoding="utf-8")
    old = "    applies_to: [{contact: [regular, deep]}]"
    assert old in catalog
    own = isolated_home / "playbooks" / "roles.yaml"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(catalog.replace(old, "    applies_to: [{level: [senior]}]"), encoding="utf-8")
    assert not any(p.startswith("Stay close") for p in _principles(run, "汽车", "行政部领导"))
    assert any(p.startswith("Stay close") for p in _principles(run, "汽车", "采购老总"))
    own.write_text(catalog.replace(old, "    applies_to: [{roles: [no-such-role]}]"), encoding="utf-8")
    result = run("people", "show", "汽车", "采购老总")
    assert result.exit_code == 1 and "principles.3.applies_to.0.roles.0: unknown role 'no-such-role'" in result.stderr


def test_the_industry_variants_are_the_documented_ones():
    import re
    from pathlib import Path

    from dealcoach.playbook.loader import load_playbook

    doc = (Path(__file__).resolve().parents[1] / "docs" / "stable-ids.md").read_text(encoding="utf-8")
    section = doc.split("## Industry variants (`industries:`)")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows
    for row in rows:
        playbook_id, variant_id, items = (re.findall(r"`([a-z0-9-]+)`", cell) for cell in row.strip("|").split("|"))
        playbook = load_playbook(playbook_id[0])
        variant = next(v for v in playbook.industries if v.id == variant_id[0])
        added = {i.id for stage in variant.stages for i in [*stage.work_items, *stage.exit_criteria]}
        assert added == {i for i in items if i not in {s.id for s in playbook.stages}}


# --- grade --explain: profit room and breakthrough points are `stage`'s -----------------------------

def test_grade_explain_takes_profit_room_and_breakthrough_from_the_deal_as_stage_does(run, tmp_path):
    run("deal", "import", "playbooks/examples/company-a-information-system.yaml")
    explained = json.loads(run("grade", "--deals", "--explain", "A公司", "--json").stdout)["opportunity"]
    stage = json.loads(run("stage", "A公司", "--json").stdout)["position"]
    assert explained["profit_room_text"] == stage["profit"]
    assert "customer budget and our cost not on record" in explained["profit_room_text"]
    assert explained["breakthrough"] == stage["breakthrough"]
    assert [p["person"] for p in explained["breakthrough"]] == ["A公司总经理", "计划部主管"]
    # with both figures on record: our cost against the customer's budget
    from pathlib import Path

    example = (Path(__file__).resolve().parents[1] / "playbooks" / "examples" / "company-a-information-system.yaml")
    priced = write(tmp_path / "a.yaml", example.read_text(encoding="utf-8") + "budget: 100万\nour_cost: 70万\n")
    assert run("deal", "import", str(priced)).exit_code == 0
    text = run("grade", "--deals", "--explain", "A公司", "--lang", "zh").stdout
    assert "客户预算 1,000,000 CNY，我方成本 700,000 CNY，空间 300,000 CNY（30%）" in text
    assert "A公司总经理（" in text and "需求匹配" not in text.split("突破点")[1]
    en = run("grade", "--deals", "--explain", "A公司").stdout
    assert "room 300,000 CNY (30%)" in en and "lead with" not in en


def test_playbook_show_marks_the_items_the_source_does_not_state(run):
    out = run("playbook", "show", "six-step", "--stage", "negotiation", env={"COLUMNS": "200"}).stdout
    assert "(executives-met) inferred" in out and "(payment-terms-safe) supported" in out
    assert "(contract-signed) confirmed" not in out  # a confirmed stage's confirmed items carry no mark
    assert "Parts marked 'inferred'" in out
    develop = run("playbook", "show", "six-step", "--stage", "develop", env={"COLUMNS": "200"}).stdout
    assert "Parts marked 'inferred'" not in develop and "inferred" not in develop


def test_a_broken_variant_refuses_the_playbook_with_its_line(run, isolated_home, tmp_path):
    """A team's own playbook whose variant names nothing is refused when it is loaded, with the file
    and line, never a traceback."""
    broken = _six_step_with(tmp_path, "  - id: need-and-approval\n    what_happens:",
                            "  - id: no-such-step\n    what_happens:")
    own = isolated_home / "playbooks" / "six-step.yaml"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(broken.read_text(encoding="utf-8"), encoding="utf-8")
    line = next(i for i, text in enumerate(own.read_text(encoding="utf-8").splitlines(), 1)
                if "id: no-such-step" in text)
    plain = write(tmp_path / "plain.yaml", "name: 配件\nplaybook: six-step\nindustry: 汽车零部件\n")
    result = run("stage", "--deal-file", str(plain))
    assert result.exit_code == 1
    assert f"six-step.yaml:{line}:" in result.stderr and "no-such-step" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_variant_that_names_nothing_fails_in_one_line_where_it_is_used():
    from dealcoach.errors import PlaybookError
    from dealcoach.playbook.loader import load_playbook
    from dealcoach.playbook.models import IndustryVariant, TextOverride, Text
    from dealcoach.playbook.variants import for_industry

    six = load_playbook("six-step")
    variant = IndustryVariant(id="paper", name=Text(zh="造纸", en="Paper"), match=["造纸"], source="test",
                              texts=[TextOverride(id="no-such-step", text=Text(zh="纸", en="paper"))])
    bad = six.model_copy(update={"industries": [variant]})
    try:
        for_industry(bad, "造纸厂")
    except PlaybookError as exc:
        assert "industry 'paper'" in exc.message and "no-such-step" in exc.message and "\n" not in exc.message
    else:
        raise AssertionError("a variant naming nothing was applied")
