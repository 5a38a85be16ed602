"""Fuzzing every reader of a user's file: deal files, --answers files, playbooks, CRM exports.

Inputs start valid (built from the playbook's own ids and the CRM headers dealcoach knows) and are
then mutated about half the time: a line dropped or doubled, a character changed, or a hostile piece
put in (an explicit tag, an alias loop, a 400-digit number, deep nesting, a terminal escape, a NUL).
Whatever comes in, the command answers 0, 1 or 2, with no traceback and no "internal error".

Bounded: DEALCOACH_FUZZ_EXAMPLES examples per reader (default 25; set it to thousands for a long
run), each under a 5 s deadline. `DEALCOACH_FUZZ_REPORT=FILE` writes how many inputs each reader
got and how they ended.
"""

from __future__ import annotations

import atexit
import collections
import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT

EXAMPLES = int(os.environ.get("DEALCOACH_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=dt.timedelta(seconds=5), derandomize=EXAMPLES <= 25,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
OUTCOMES: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


def _report() -> None:
    target = os.environ.get("DEALCOACH_FUZZ_REPORT")
    if target and OUTCOMES:
        Path(target).write_text(json.dumps({name: dict(counter) for name, counter in OUTCOMES.items()}, indent=2))


atexit.register(_report)


def _playbook_ids() -> dict[str, list[str]]:
    from typing import get_args

    from dealcoach.deals.models import OUTCOMES_BY_KIND
    from dealcoach.playbook.loader import load_catalog, load_playbook
    from dealcoach.playbook.schema.common import Attitude, Contact, Influence, Level

    playbook = load_playbook("six-step")
    factors = playbook.grading.assessment.factors if playbook.grading else []
    return {
        "checkable": sorted(playbook.checkable_ids()),
        "steps": [step.id for step in playbook.customer_steps],
        "signals": sorted({signal.id for step in playbook.customer_steps for signal in step.signals}),
        "roles": sorted(role.id for role in load_catalog().roles),
        "attitude": list(get_args(Attitude)), "influence": list(get_args(Influence)),
        "contact": list(get_args(Contact)), "level": list(get_args(Level)),
        "kinds": [(kind, outcome) for kind, outcomes in OUTCOMES_BY_KIND.items() for outcome in outcomes],
        "factors": [(factor.id, [level.score for level in factor.scale]) for factor in factors],
    }


IDS = _playbook_ids()
ALL_IDS = sorted({i for key in ("checkable", "steps", "signals", "roles") for i in IDS[key]})
HOSTILE_YAML = [
    "!!float x", "!!int 0x", "!!bool maybe", "!!timestamp x", "!!binary aGk=", "!!python/object/apply:os.system [id]",
    "&loop [*loop]", "*nowhere", "? [a, b]\n: c", "{", "]", "'unclosed", "1" + "0" * 400, ".inf", ".nan",
    "[" * 150 + "]" * 150, "<<: {name: x}", "---\nsecond: doc", "%YAML 1.1", "\ufeff", "\x00", "\t", "\x1b[2J",
    "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\", "\r", "\u202e", "2015-02-30", "9999-12-31T23:30:00-05:00",
    "'\ud7ff'", "-1e308", "0x_", "~", "=", "&a x", "[*a]", "@", "`", "|-\n  x", ">\n x",
]
HOSTILE_JSON = ['"\\ud800"', "1" + "0" * 4400, "1e999", "NaN", "-Infinity", "[" * 5000 + "]" * 5000,
                '{"a": ' * 200 + "1" + "}" * 200, '"\\u001b[2J"', "\x00", "{", ",", "null", "true", '""']

# text a person would type: letters, digits, punctuation, spaces, CJK; a newline now and then
words = st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=20).filter(str.strip)
notes = st.text(st.characters(categories=("L", "N", "P", "Zs", "Cc")), max_size=60)
text_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["宁夏新工程", "Acme Corp", "  ", "", "王总", "20%", "80万", "2026-03-15", "明天", "n/a"]),
    st.sampled_from(ALL_IDS),
)
scalar_values = st.one_of(
    text_values, st.integers(min_value=-(10**30), max_value=10**30), st.booleans(), st.none(),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(min_value=dt.date(1, 1, 1)),
)


def _optional(strategies: dict) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional=strategies)


@st.composite
def valid_people(draw) -> list[dict]:
    names = draw(st.lists(words, max_size=4, unique_by=str.strip))
    people = []
    for index, name in enumerate(names):
        person = draw(_optional({
            "title": words, "roles": st.lists(st.sampled_from(IDS["roles"]), max_size=2, unique=True),
            "attitude": st.sampled_from(IDS["attitude"]), "influence": st.sampled_from(IDS["influence"]),
            "contact": st.sampled_from(IDS["contact"]), "level": st.sampled_from(IDS["level"]),
            "phone": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), "notes": notes,
        }))
        person["name"] = name
        if index and draw(st.booleans()):
            person["reports_to"] = names[draw(st.integers(0, index - 1))]  # earlier people only: no cycles
        people.append(person)
    return people


@st.composite
def valid_activities(draw, contacts: list[str]) -> list[dict]:
    activities = []
    for _ in range(draw(st.integers(0, 3))):
        kind, outcome = draw(st.sampled_from(IDS["kinds"]))
        activity = {"date": draw(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1))),
                    "kind": kind, "outcome": outcome}
        if contacts and draw(st.booleans()):
            activity["contact"] = draw(st.sampled_from(contacts))
        if draw(st.booleans()):
            activity["note"] = draw(notes)
        activities.append(activity)
    return activities


@st.composite
def valid_deal(draw) -> dict:
    deal = draw(st.fixed_dictionaries({"name": words, "playbook": st.just("six-step")}, optional={
        "account": words, "amount": st.one_of(st.integers(0, 10**12), st.floats(0, 1e12)),
        "currency": st.sampled_from(["CNY", "USD", "EUR"]),
        "probability": st.one_of(st.floats(0, 1), st.integers(0, 100).map(lambda n: f"{n}%")),
        "customer_step": st.sampled_from(IDS["steps"]), "expected_close": st.dates(dt.date(2000, 1, 1),
                                                                                  dt.date(2100, 1, 1)),
        "done": st.lists(st.sampled_from(IDS["checkable"]), max_size=6, unique=True),
        "signals": st.lists(st.sampled_from(IDS["signals"]), max_size=3, unique=True),
        "competitors": st.lists(words, max_size=2), "notes": notes, "status": st.sampled_from(["open", "won", "lost"]),
        "vip": st.booleans(), "pains": st.lists(words, max_size=2),
    }))
    deal["people"] = draw(valid_people())
    deal["activities"] = draw(valid_activities([p["name"] for p in deal["people"]]))
    if IDS["factors"] and draw(st.booleans()):
        factor, scale = draw(st.sampled_from(IDS["factors"]))
        deal["assessment"] = {factor: draw(st.sampled_from(scale))}
    return deal


valid_answers = _optional({
    "done": st.lists(st.sampled_from(IDS["checkable"]), max_size=4, unique=True),
    "undone": st.lists(st.sampled_from(IDS["checkable"]), max_size=3),
    "customer_step": st.sampled_from(IDS["steps"] + ["unknown"]),
    "signals": st.lists(st.sampled_from(IDS["signals"]), max_size=3, unique=True),
})


@st.composite
def broken(draw, valid: st.SearchStrategy[dict]) -> dict:
    """Valid data, or (half the time) the same with one field given a wrong value or an unknown key."""
    data = draw(valid)
    if draw(st.booleans()) or not data:
        return data
    key = draw(st.sampled_from([*data, "unknown-key"]))
    data[key] = draw(scalar_values)
    return data


@st.composite
def mutated(draw, text: str, hostile: list[str], always: bool = False) -> str:
    """`text` unchanged about half the time (unless `always`); else one to three edits, some hostile."""
    if not always and draw(st.booleans()):
        return text
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            lines = [""]
        at = draw(st.integers(0, 2**16)) % len(lines)  # not bounded by the length: the draw stays the same
        edit = draw(st.sampled_from(["hostile-value", "hostile-line", "drop", "double", "char", "indent"]))
        line = lines[at]
        if edit == "hostile-value":
            piece = draw(st.sampled_from(hostile))
            key, sep, _ = line.partition(": ")
            lines[at:at + 1] = [f"{key}: {piece}" if sep else f"{line}{piece}"]
        elif edit == "hostile-line":
            lines.insert(at, draw(st.sampled_from(hostile)))
        elif edit == "drop":
            del lines[at]
        elif edit == "double":
            lines.insert(at, line)
        elif edit == "char" and line:
            where = draw(st.integers(0, 2**16)) % len(line)
            lines[at] = line[:where] + draw(st.characters(exclude_categories=("Cs",))) + line[where + 1:]
        elif edit == "indent":
            lines[at] = " " * draw(st.integers(1, 5)) + line
    return "\n".join(lines)


def _as_yaml(data: object) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, default_flow_style=False)


def _as_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


@st.composite
def yaml_or_json_file(draw, valid: st.SearchStrategy[dict]) -> tuple[str, str]:
    """A YAML or JSON file: valid about half the time; else a field broken or the text mutated."""
    how = draw(st.sampled_from(["valid", "valid", "field", "text"]))
    data = draw(broken(valid) if how == "field" else valid)
    as_yaml = draw(st.booleans())
    text = _as_yaml(data) if as_yaml else _as_json(data)
    if how == "text":
        text = draw(mutated(text, HOSTILE_YAML if as_yaml else HOSTILE_JSON + HOSTILE_YAML, always=True))
    return (".yaml" if as_yaml else ".json"), text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _check(result, reader: str) -> None:
    _check_exit(reader, result.exit_code, (result.stdout or "") + (result.stderr or ""))


def _check_exit(reader: str, code: int, output: str) -> None:
    OUTCOMES[reader][f"exit {code}"] += 1
    assert code in (0, 1, 2), (reader, code, output[-2000:])
    assert "internal error" not in output and "Traceback" not in output, (reader, output[-2000:])


@pytest.fixture
def stored_deal(run):
    assert run("deal", "new", "--name", "fuzzed").exit_code == 0
    return "fuzzed"


@FUZZ
@given(file=yaml_or_json_file(valid_deal()))
def test_fuzz_deal_files(run, tmp_path, file):
    suffix, text = file
    path = _write(tmp_path / f"deal{suffix}", text)
    _check(run("stage", "--deal-file", str(path), "--json"), "deal file")


@FUZZ
@given(file=yaml_or_json_file(valid_answers))
def test_fuzz_answers_files(run, tmp_path, stored_deal, file):
    suffix, text = file
    path = _write(tmp_path / f"answers{suffix}", text)
    _check(run("stage", stored_deal, "--answers", str(path), "--json"), "--answers")


SIX_STEP = (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8").replace("id: six-step", "id: fuzzed", 1)


@FUZZ
@given(text=mutated(SIX_STEP, HOSTILE_YAML))
def test_fuzz_playbooks(run, tmp_path, text):
    path = _write(tmp_path / "fuzzed.yaml", text)
    _check(run("playbook", "validate", str(path)), "playbook")


# --- CRM exports ------------------------------------------------------------------------------

HEADERS = ["name", "Deal Name", "Opportunity Name", "客户名称", "account", "Account Name", "close", "Close Date",
           "预计签约时间", "probability", "Probability (%)", "赢单概率", "amount", "Amount", "金额", "owner", "stage",
           "Last Activity", "", "__dealcoach_row", "name "]
cell_values = st.one_of(
    scalar_values.map(lambda v: "" if v is None else str(v)),
    st.sampled_from(["2026-03-15", "2026/3/15", "3月15日", "15/03/2026", "45000", "30%", "0.3", "1,200,000",
                     "=1+1", "+cmd", "@SUM(A1)", "-2", "9999-12-31", "1" + "0" * 400, "\x1b[2J", "a\nb", '"']),
)


@st.composite
def crm_records(draw) -> tuple[list[str], list[list[str]]]:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7))
    rows = draw(st.lists(st.lists(cell_values, min_size=len(headers), max_size=len(headers)), max_size=6))
    return headers, rows


def _csv_text(headers, rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue()


@FUZZ
@given(table=crm_records(), fmt=st.sampled_from(["csv", "tsv", "json", "jsonl", "yaml"]), data=st.data())
def test_fuzz_crm_text_formats(run, tmp_path, table, fmt, data):
    headers, rows = table
    records = [dict(zip(headers, row)) for row in rows]
    if fmt == "csv":
        text = _csv_text(headers, rows)
    elif fmt == "tsv":
        text = "\n".join("\t".join(cells) for cells in [headers, *rows])
    elif fmt == "json":
        text = _as_json(data.draw(st.sampled_from([records, {"prospects": records}, records[:1]])))
    elif fmt == "jsonl":
        text = "\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    else:
        text = _as_yaml(records)
    hostile = HOSTILE_YAML if fmt == "yaml" else HOSTILE_JSON if fmt.startswith("json") else HOSTILE_YAML[:20]
    path = _write(tmp_path / f"crm.{fmt}", data.draw(mutated(text, hostile)))
    _check(run("grade", str(path), "--today", "2026-01-15", "--json"), f"grade .{fmt}")


def _xlsx_bytes(headers, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 1)  # the same bytes every run
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append([_xlsx_safe(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_safe(cell: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", cell)


@st.composite
def mutated_xlsx(draw) -> bytes:
    """A workbook openpyxl wrote, then (about half the time) one XML part or the zip bytes edited."""
    headers, rows = draw(crm_records())
    raw = _xlsx_bytes(headers, rows)
    how = draw(st.sampled_from(["none", "none", "xml", "xml", "bytes", "truncate"]))
    if how == "bytes":
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, 2**20)) % len(data)] = draw(st.integers(0, 255))
        return bytes(data)
    if how == "truncate":
        return raw[:draw(st.integers(0, 2**20)) % (len(raw) + 1)]
    if how == "none":
        return raw
    source = zipfile.ZipFile(io.BytesIO(raw))
    names = source.namelist()
    target = draw(st.sampled_from([n for n in names if n.endswith(".xml")]))
    text = source.read(target).decode("utf-8")
    edits = [("<c ", '<c t="s" '), ("<v>", "<v>99"), ('t="s"', 't="n"'), ("<row ", '<row r="0" '),
             ("</sheetData>", '<row r="3"><c r="Q3" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'),
             ("<si>", "<si><t>" + "长" * 2000 + "</t></si><si>"), ("standalone", "stand"), ("<", "&lt;"),
             ('r="A1"', 'r="AAA1"'), ('r="B2"', 'r="B70000"')]
    old, new = draw(st.sampled_from(edits))
    text = text.replace(old, new, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in names:
            out.writestr(name, text.encode("utf-8") if name == target else source.read(name))
    return buffer.getvalue()


XLSX_EXAMPLES = max(EXAMPLES // 6, 4)  # each runs a child process (~1 s)


@settings(FUZZ, max_examples=XLSX_EXAMPLES, deadline=dt.timedelta(seconds=20))
@given(workbook=mutated_xlsx())
def test_fuzz_xlsx(tmp_path, workbook):
    """In a child process: a reader that aborts (a Rust panic, an allocation failure) ends only that run."""
    path = tmp_path / "crm.xlsx"
    path.write_bytes(workbook)
    env = {**os.environ, "DEALCOACH_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "dealcoach", "grade", str(path), "--today", "2026-01-15", "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    _check_exit("grade .xlsx", done.returncode, done.stdout + done.stderr)
