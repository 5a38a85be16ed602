"""People on a deal, person coaching, and the power map in the terminal, Mermaid, DOT, SVG and PNG."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import EXAMPLES, needs_graphviz, write

ENTER, SPACE, DOWN = "\r", " ", "\x1b[B"


@pytest.fixture
def auto_parts(run):
    assert run("deal", "import", str(EXAMPLES / "auto-parts-supplier.yaml")).exit_code == 0
    return "汽车"


def test_people_add_list_edit_rm(run):
    run("deal", "new", "--name", "甲项目")
    added = run("people", "add", "甲项目", "--name", "王总", "--title", "总经理", "--level", "senior",
                "--role", "decision-maker", "--influence", "high", "--attitude", "neutral")
    assert added.exit_code == 0, added.stderr
    run("people", "add", "甲项目", "--name", "涂主任", "--role", "technical-supporter", "--reports-to", "王总",
        "--level", "middle", "--circle", "inner", "--need", "esteem", "--kpi", "--new")
    people = json.loads(run("people", "list", "甲项目", "--json").stdout)
    assert [p["name"] for p in people] == ["王总", "涂主任"]
    tu = people[1]
    assert (tu["reports_to"], tu["circle"], tu["needs"], tu["kpi"], tu["new"]) == ("王总", "inner", ["esteem"], True, True)
    assert run("people", "edit", "甲项目", "涂主任", "--contact", "regular", "--attitude", "supporter").exit_code == 0
    renamed = run("people", "edit", "甲项目", "王总", "--name", "王总经理")
    assert renamed.exit_code == 0
    people = json.loads(run("people", "list", "甲项目", "--json").stdout)
    assert people[1]["reports_to"] == "王总经理" and people[1]["contact"] == "regular"
    assert run("people", "rm", "甲项目", "王总经理").exit_code == 2  # no terminal to confirm on
    assert run("people", "rm", "甲项目", "王总经理", "--yes").exit_code == 0
    people = json.loads(run("people", "list", "甲项目", "--json").stdout)
    assert [p["name"] for p in people] == ["涂主任"] and people[0]["reports_to"] is None
    history = json.loads(run("deal", "show", "甲项目", "--json").stdout)["history"]
    assert "people: +王总" in history[1]["what"]


@pytest.mark.parametrize("flags, message", [
    (["--name", "A", "--role", "boss"], "people.1.roles.0: unknown role 'boss'"),
    (["--name", "A", "--reports-to", "nobody"], "people.1.reports_to: 'nobody' is not a person on this deal"),
    (["--name", "王总"], "'王总' is already on deal 甲项目"),
    (["--name", "A", "--attitude", "angry"], "attitude: unknown value 'angry' (use one of: supporter, neutral, opponent, unknown)"),
])
def test_bad_people_are_refused_and_nothing_is_saved(run, flags, message):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总")
    result = run("people", "add", "甲项目", *flags)
    assert result.exit_code == 1
    assert message in result.stderr, result.stderr
    assert [p["name"] for p in json.loads(run("people", "list", "甲项目", "--json").stdout)] == ["王总"]


def test_reporting_cycle_is_refused(run):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "A")
    run("people", "add", "甲项目", "--name", "B", "--reports-to", "A")
    result = run("people", "edit", "甲项目", "A", "--reports-to", "B")
    assert result.exit_code == 1 and "reporting lines form a cycle: A -> B -> A" in result.stderr
    assert json.loads(run("people", "list", "甲项目", "--json").stdout)[0]["reports_to"] is None


def test_people_add_interactively(run, keys):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总")
    keys.send_text("涂主任" + ENTER)      # name
    keys.send_text("技术部主任" + ENTER)  # title
    keys.send_text("技术部" + ENTER)      # department
    keys.send_text(ENTER)                # level: middle (default)
    keys.send_text(DOWN + SPACE + ENTER)  # roles: the second role of the catalog
    keys.send_text(ENTER)                # attitude: unknown (default)
    keys.send_text(ENTER)                # influence: unknown (default)
    keys.send_text(ENTER)                # contact: none (default)
    keys.send_text(ENTER)                # reports to: "nobody / unknown" is the default
    result = run("people", "add", "甲项目")
    assert result.exit_code == 0, result.output
    person = json.loads(run("people", "list", "甲项目", "--json").stdout)[1]
    assert person["name"] == "涂主任" and person["title"] == "技术部主任" and person["level"] == "middle"
    assert person["department"] == "技术部"
    assert person["roles"] == ["technical-supporter"] and person["reports_to"] is None


def test_people_show_gives_role_department_and_driver_advice(run, auto_parts):
    result = run("people", "show", auto_parts, "采购副总", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["roles"][0]["id"] == "purchases" and data["roles"][0]["traits"]
    assert data["departments"][0]["id"] == "procurement" and data["departments"][0]["how_to_talk"]
    assert {d["id"] for d in data["drivers"]} == {"organisational-need", "personal-desire", "pressure-points"}
    assert all(d["questions"] for d in data["drivers"])
    assert any("senior" in p.lower() or "careful" in p.lower() for p in data["principles"])
    text = run("people", "show", auto_parts, "前集团副总", "--lang", "zh")
    assert "opponent-unaddressed" not in text.stdout  # the message is shown, not the id
    assert "应对计划" in text.stdout
    missing = run("people", "show", auto_parts, "nobody")
    assert missing.exit_code == 1 and "no person matches 'nobody'" in missing.stderr


def test_map_terminal_tree_coverage_and_gaps(run, auto_parts):
    result = run("map", auto_parts, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "权力地图" in out
    # the insider reports to the procurement chief: drawn under him in the tree
    chief = out.index("采购老总 采购总负责人")
    assert out.index("└── 行政部领导", chief) > chief
    assert "角色覆盖" in out and "缺口" in out and "前集团副总" in out
    data = json.loads(run("map", auto_parts, "--json").stdout)
    assert {g["id"] for g in data["gaps"]} == {"no-decision-maker", "opponent-unaddressed", "uncovered-influencer",
                                               "no-kpi-owner", "circles-unknown",
                                               "insider-unqualified"}  # why 行政部领导 backs us is not recorded
    decision = next(row for row in data["coverage"] if row["id"] == "decision")
    assert decision["people"] == ["采购老总"] and decision["met"] == []


def test_people_warnings_in_stage_json(run, auto_parts):
    warnings = {w["id"] for w in json.loads(run("stage", auto_parts, "--json").stdout)["warnings"]}
    assert {"no-decision-maker", "opponent-unaddressed"} <= warnings


MERMAID_STATEMENT = re.compile(
    r'^(flowchart TD|    n\d+\["[^"]*"\]|    n\d+ --> n\d+|    style \w+ [\w:#,.\- ]+|'
    r'    subgraph legend\["[^"]*"\]|        legend_\w+\["[^"]*"\]|    end)$')


def _mermaid_ok(text: str) -> None:
    lines = text.splitlines()
    for line in lines:
        assert MERMAID_STATEMENT.match(line), f"not a Mermaid statement we emit: {line!r}"
    defined = set(re.findall(r"^\s+(n\d+|legend_\w+)\[", text, re.M))
    for source, target in re.findall(r"(n\d+) --> (n\d+)", text):
        assert source in defined and target in defined
    for styled in re.findall(r"style (\w+) ", text):
        assert styled in defined


NASTY = '恶意"名字]<script>#1 --> x'


def test_mermaid_and_dot_escape_names(run, tmp_path):
    deal = write(tmp_path / "deal.yaml", f"""name: x
people:
  - {{name: '{NASTY}', roles: [decision-maker], influence: high}}
  - {{name: 'B\\\\"; rm -rf', reports_to: '{NASTY}', attitude: supporter}}
""")
    mermaid = run("map", "--deal-file", str(deal), "--format", "mermaid")
    assert mermaid.exit_code == 0, mermaid.stderr
    _mermaid_ok(mermaid.stdout)
    assert "恶意#quot;名字]#lt;script#gt;#35;1 --#gt; x" in mermaid.stdout
    dot = run("map", "--deal-file", str(deal), "--format", "dot").stdout
    assert '恶意\\"名字]<script>#1 --> x' in dot
    needs_graphviz()  # and Graphviz reads it as two nodes with those labels
    parsed = subprocess.run(["dot", "-Tplain"], input=dot.encode(), capture_output=True)
    assert parsed.returncode == 0, parsed.stderr
    kinds = [line.split(" ", 1)[0] for line in parsed.stdout.decode().splitlines()]
    assert (kinds.count("edge"), kinds.count("node") >= 2) == (1, True)


def test_map_svg_and_png_with_graphviz(run, auto_parts, tmp_path):
    needs_graphviz()
    dot = run("map", auto_parts, "--format", "dot").stdout
    assert subprocess.run(["dot", "-Tcanon"], input=dot.encode(), capture_output=True).returncode == 0
    svg = tmp_path / "map.svg"
    assert run("map", auto_parts, "--format", "svg", "-o", str(svg), "--lang", "zh").exit_code == 0
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "前集团副总" in text and "图例" in text  # CJK names and the legend are in the picture
    assert 'stroke-dasharray' in text  # never-met people are dashed
    png = tmp_path / "map.png"
    assert run("map", auto_parts, "--format", "png", "-o", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_map_picture_needs_output_and_graphviz(run, auto_parts, monkeypatch):
    result = run("map", auto_parts, "--format", "svg")
    assert result.exit_code == 2 and "give -o FILE.svg" in result.stderr
    monkeypatch.setenv("PATH", "/nonexistent")
    result = run("map", auto_parts, "--format", "png", "-o", "x.png")
    assert result.exit_code == 1
    assert "install the graphviz package" in result.stderr
