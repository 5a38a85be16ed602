"""The playbooks as data: the bundled ones load, fixed ids exist, bad files fail with clear messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import ROOT, write
from dealcoach.playbook.loader import load_catalog, load_playbook, playbook_ids
from dealcoach.playbook.models import Text

# The stable ids are public (docs/stable-ids.md): the tests read them from there, so the document
# and the bundled playbooks cannot drift apart.
STABLE_IDS = (ROOT / "docs" / "stable-ids.md").read_text(encoding="utf-8")
ID = re.compile(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)*)`")


def doc_section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", STABLE_IDS, re.S | re.M)
    assert match, f"docs/stable-ids.md has no section {title!r}"
    return match.group(1)


def doc_table(title: str) -> list[list[str]]:
    """The rows of the first table in a section, header and rule left out."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in doc_section(title).splitlines() if line.startswith("|")]
    return [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]


def doc_ids(cell: str) -> list[str]:
    return ID.findall(cell)


SIX_STEP = {doc_ids(row[1])[0]: (doc_ids(row[3])[0], doc_ids(row[5])[0]) for row in doc_table("six-step")}
EIGHT_STEP = {doc_ids(row[1])[0]: (doc_ids(row[3])[0], doc_ids(row[5])[0], row[6]) for row in doc_table("eight-step")}
ROLE_IDS = [role for row in doc_table("Buying roles (one catalog shared by both playbooks)") for role in doc_ids(row[1])]
POLITICS_TABLES = re.findall(r"^\| id \| fires when \|\n(?:^\|.*\n)+", doc_section("Politics, needs and follow-up"), re.M)
WARNING_IDS = [doc_ids(row[0])[0] for row in doc_table("Warnings (diagnosis rules)")] + [
    ID.findall(line)[0] for table in POLITICS_TABLES for line in table.splitlines()[2:]]
# each helper's rules in a section of its own whose title starts with "Warnings"
WARNING_IDS += [doc_ids(row[0])[0]
                for title in re.findall(r"^## (Warnings: .*)$", STABLE_IDS, re.M) for row in doc_table(title)]
PERSON_FIELDS = {doc_ids(row[0])[0]: doc_ids(row[1]) for row in doc_table("A person on a deal")}


def fixed_exit_criteria() -> dict[str, set[str]]:
    """stage id -> the exit criterion ids the document fixes for it ("Fixed exit criteria ids:")."""
    text = doc_section("eight-step").split("Fixed exit criteria ids:")[1].split("Other checklist")[0]
    fixed: dict[str, set[str]] = {}
    for bullet in re.split(r"^- ", text, flags=re.M)[1:]:
        stages, criteria = re.match(r"(.*?): (`.*)", " ".join(bullet.split()), re.S).groups()
        for stage in doc_ids(stages):
            fixed.setdefault(stage, set()).update(doc_ids(criteria))
    return fixed


def test_the_stable_ids_document_is_read_whole():
    """A change in the document's layout must not make these tables silently shorter."""
    assert len(SIX_STEP) == 6 and len(EIGHT_STEP) == 8
    assert {confidence for *_, confidence in EIGHT_STEP.values()} == {"confirmed", "inferred"}
    assert len(ROLE_IDS) == 19 and len(set(ROLE_IDS)) == 19
    assert len(WARNING_IDS) >= 11
    assert set(PERSON_FIELDS) == {"attitude", "influence", "contact", "level", "new"}
    assert fixed_exit_criteria() == {
        "initial-contact": {"go-ahead-known", "budget-known", "approval-path-known"},
        "proposal": {"alternatives-examined"}, "solution-design": {"alternatives-examined"}}


def test_bundled_playbooks_load_and_cross_validate():
    assert set(playbook_ids()) == {"six-step", "eight-step"}
    for playbook_id in playbook_ids():
        playbook = load_playbook(playbook_id)
        assert playbook.id == playbook_id
        assert [s.customer_step for s in playbook.stages] == [s.id for s in playbook.customer_steps]


def test_six_step_fixed_ids():
    playbook = load_playbook("six-step")
    assert [s.id for s in playbook.customer_steps] == list(SIX_STEP)
    for step_id, (stage_id, milestone) in SIX_STEP.items():
        stage = playbook.stage(stage_id)
        assert stage.customer_step == step_id
        assert stage.key_milestone.id == milestone
    assert playbook.grading is not None
    assert {f.id for f in playbook.grading.assessment.factors} >= {
        "project-level", "funding", "technical-fit", "relationship", "credit", "product", "price",
        "technical-solution", "after-sales-service", "can-serve", "growth", "payment-cycle"}
    assert any(case.id == "ningxia-industrial-oil" for case in playbook.stage("entry").cases)


def test_eight_step_fixed_ids_and_confidence():
    playbook = load_playbook("eight-step")
    assert [s.id for s in playbook.customer_steps] == list(EIGHT_STEP)
    for index, (step_id, (stage_id, milestone, confidence)) in enumerate(EIGHT_STEP.items()):
        stage = playbook.stages[index]
        assert (stage.id, stage.customer_step, stage.key_milestone.id) == (stage_id, step_id, milestone)
        assert playbook.customer_steps[index].confidence == confidence
        if confidence == "inferred":
            assert stage.confidence in ("inferred", "supported")
    assert len(playbook.stage("initial-contact").success_questions) == 3
    assert [s.id for s in playbook.phone_invitation.steps] == ["rapport", "pain", "meeting"]
    assert len(playbook.visit.purposes) == 5
    assert len(playbook.opportunity_analysis.information) == 6


def test_fixed_exit_criteria_are_in_their_stages():
    stages = {stage.id: stage for playbook_id in playbook_ids() for stage in load_playbook(playbook_id).stages}
    for stage_id, criteria in fixed_exit_criteria().items():
        assert criteria <= {c.id for c in stages[stage_id].exit_criteria}, stage_id


def test_person_fields_take_the_documented_values():
    from typing import get_args

    from dealcoach.deals.models import Person

    def values_of(annotation) -> set[str]:
        if annotation is bool:
            return {"true", "false"}
        return {value for arg in get_args(annotation)
                for value in (values_of(arg) if get_args(arg) or arg is bool else {arg} if isinstance(arg, str) else set())}

    for field, values in PERSON_FIELDS.items():
        allowed = values_of(Person.model_fields[field].annotation)
        # `new` documents only `true` (the default, false, needs no word)
        assert set(values) == allowed if field != "new" else set(values) == {"true"} and allowed == {"true", "false"}, field


def test_role_catalog_has_every_fixed_role_and_equivalences():
    catalog = load_catalog()
    assert set(ROLE_IDS) <= {r.id for r in catalog.roles}
    assert {"decision-maker", "decides", "economic-buyer"} <= catalog.equivalent("decision-maker")
    assert {"insider", "coach-buyer"} <= catalog.equivalent("coach-buyer")
    assert {d.id for d in catalog.departments} >= {"decision-layer", "procurement", "technical", "user-department"}
    assert {d.id for d in catalog.drivers} == {"organisational-need", "personal-desire", "pressure-points"}


def test_every_warning_rule_is_in_both_playbooks():
    for playbook_id in playbook_ids():
        assert {r.id for r in load_playbook(playbook_id).rules} == set(WARNING_IDS)


def _texts(node, path="") :
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, (list, tuple)):
        for index, item in enumerate(node):
            yield from _texts(item, f"{path}.{index}")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, f"{path}.{key}")


@pytest.mark.parametrize("loaded", ["six-step", "eight-step", "roles"])
def test_every_text_has_chinese_and_english(loaded):
    document = load_catalog() if loaded == "roles" else load_playbook(loaded)
    texts = list(_texts(document))
    assert len(texts) > 50
    for path, text in texts:
        assert re.search(r"[\u4e00-\u9fff]", text.zh), f"{path}: zh has no Chinese: {text.zh!r}"
        assert re.search(r"[A-Za-z]", text.en), f"{path}: en has no English: {text.en!r}"
        assert not re.search(r"[\u4e00-\u9fff]{4,}", text.en), f"{path}: en reads as Chinese: {text.en!r}"


# --- bad playbooks -----------------------------------------------------------------------------

def _minimal(tmp_path: Path) -> str:
    return (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")


BAD_CASES = {
    "malformed": ("id: x\nname: [unclosed\n", r"bad\.yaml:3:1: invalid YAML: "),
    "python-tag": ("!!python/object:os.system\nid: x\n",
                   r"bad\.yaml:1:1: tag !!python/object:os.system is not allowed"),
    "empty": ("", r"bad\.yaml: file is empty"),
    "not-a-mapping": ("- a\n- b\n", r"bad\.yaml:1:1: a playbook must be a mapping of keys, not a list"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_playbook_files_fail_with_one_clear_line(run, tmp_path, case):
    text, pattern = BAD_CASES[case]
    path = write(tmp_path / "bad.yaml", text)
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert re.search(pattern, result.stderr), result.stderr
    assert "Traceback" not in result.output


def test_binary_and_huge_files(run, tmp_path):
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    huge = tmp_path / "huge.yaml"
    huge.write_text("x: " + "a" * (5 * 1024 * 1024) + "\n")
    result = run("playbook", "validate", str(binary), str(huge))
    assert result.exit_code == 1
    assert f"{binary}: is a binary file, not YAML text" in result.stderr
    assert f"{huge}: file is too large (5.0 MiB; the limit is 2 MiB)" in result.stderr


def _edited(tmp_path, old: str, new: str, count: int = 1) -> Path:
    text = _minimal(tmp_path)
    assert old in text
    return write(tmp_path / "edited.yaml", text.replace(old, new, count))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_unknown_key_names_line_and_field(run, tmp_path):
    path = _edited(tmp_path, "\nstages:\n", "\nstagez: 1\nstages:\n")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    line = _line_of(path, "stagez:")
    assert f"edited.yaml:{line}:1: stagez: unknown key" in result.stderr


def test_missing_field_names_dotted_path(run, tmp_path):
    lines = _minimal(tmp_path).splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("    key_milestone:"))
    verify = next(i for i in range(start, len(lines)) if lines[i].startswith("      verify:"))
    path = write(tmp_path / "edited.yaml", "".join(lines[:verify] + lines[verify + 3:]))
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert f"edited.yaml:{start + 1}:5: stages.0.key_milestone.verify: Field required" in result.stderr, result.stderr


def test_several_errors_reported_at_once(run, tmp_path):
    path = _edited(tmp_path, "\nstages:\n", "\nfoo: 1\nbar: 2\nstages:\n")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert "foo: unknown key" in result.stderr and "bar: unknown key" in result.stderr
    assert "2 errors" in result.stderr


def test_duplicate_ids_and_missing_step(run, tmp_path):
    path = _edited(tmp_path, "customer_step: supplier-screening", "customer_step: no-such-step")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert "stages.1.customer_step: unknown customer step 'no-such-step'" in result.stderr
    path = _edited(tmp_path, "id: insider-and-key-people", "id: prospect-assessed")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert "stages.1.key_milestone.id: duplicate id 'prospect-assessed'" in result.stderr


def test_missing_english_text_is_an_error(run, tmp_path):
    text = _minimal(tmp_path)
    start = text.index("\nname:")
    en_line = text.index("  en:", start)
    end = text.index("\n", en_line) + 1
    path = write(tmp_path / "edited.yaml", text[:en_line] + text[end:])
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert "name.en: Field required" in result.stderr


def test_validate_bundled_ok(run):
    result = run("playbook", "validate")
    assert result.exit_code == 0
    assert result.stdout.count(": valid") == 3


# --- user override, list, show, language ----------------------------------------------------------

def test_user_playbook_overrides_bundled(run, isolated_home):
    text = (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")
    write(isolated_home / "playbooks" / "six-step.yaml", text.replace('version: "1"', 'version: "team-7"', 1))
    assert load_playbook("six-step").version == "team-7"
    result = run("playbook", "list", "--json")
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["six-step"]["origin"] == "user" and rows["six-step"]["overrides_bundled"] is True
    assert rows["eight-step"]["origin"] == "bundled"
    table = run("playbook", "list")
    assert "overrides" in table.stdout


def test_lang_switches_ui_and_content(run):
    english = run("playbook", "show", "six-step", "--lang", "en").stdout
    chinese = run("playbook", "show", "six-step", "--lang", "zh").stdout
    traditional = run("playbook", "show", "six-step", "--lang", "zh-Hant").stdout
    assert "Customer purchase step" in english and "Develop" in english
    assert "客户采购流程" in chinese and "开发阶段" in chinese
    assert "客戶採購流程" in traditional and "開發階段" in traditional
    bad = run("playbook", "show", "six-step", "--lang", "fr")
    assert bad.exit_code == 2 and "--lang: unknown language 'fr'" in bad.stderr


def test_language_from_environment_and_locale(monkeypatch):
    from dealcoach.i18n import language_from_locale, resolve_language

    monkeypatch.delenv("DEALCOACH_LANG")
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert resolve_language() == "zh-Hant"
    assert language_from_locale("zh_CN.UTF-8") == "zh"
    assert language_from_locale("zh_HK") == "zh-HK"
    assert language_from_locale("de_DE.UTF-8") == "en"
    monkeypatch.setenv("DEALCOACH_LANG", "zh")
    assert resolve_language() == "zh"
    assert resolve_language("en") == "en"


def test_show_marks_inferred_parts(run):
    result = run("playbook", "show", "eight-step")
    assert "inferred" in result.stdout and "reconstructed" in result.stdout
    stage = run("playbook", "show", "eight-step", "--stage", "bidding")
    assert "reconstructed" in stage.stdout
    missing = run("playbook", "show", "eight-step", "--stage", "nope")
    assert missing.exit_code == 1 and "has no stage 'nope'" in missing.stderr


def test_show_renders_cjk_aligned_in_80_columns():
    """Every line of the table and of the panel ends at the same terminal column, whatever mix of
    double-width Chinese and single-width text it holds."""
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from dealcoach.render.playbook import mapping_table, stage_panel

    for playbook_id in playbook_ids():
        playbook = load_playbook(playbook_id)
        for lang in ("zh", "zh-Hant", "en"):
            for renderable, edges in ((mapping_table(playbook, lang), "┏┃┡│└"),
                                      (stage_panel(playbook, playbook.stages[1], load_catalog(), lang), "╭│╰")):
                console = Console(width=80, record=True, no_color=True, file=io.StringIO())
                console.print(renderable)
                boxed = [line.rstrip() for line in console.export_text().splitlines() if line[:1] in edges]
                assert len(boxed) > 5
                widths = {cell_len(line) for line in boxed}
                assert len(widths) == 1 and widths.pop() <= 80, (playbook_id, lang)
                assert any(cell_len(line) != len(line) for line in boxed) or lang == "en"


def test_path_and_json(run, isolated_home):
    result = run("path", "--json")
    data = json.loads(result.stdout)
    assert data["home"] == str(isolated_home)
    assert data["database"] == f"sqlite:///{isolated_home / 'dealcoach.db'}"


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from dealcoach.cli import app; "
            "heavy = [m for m in ('questionary', 'prompt_toolkit', 'yaml', 'opencc', 'sqlite3', 'polars', 'openpyxl') "
            "if m in sys.modules]; print(heavy)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.slow
def test_wheel_ships_the_playbooks(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("dealcoach-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("six-step.yaml", "eight-step.yaml", "roles.yaml", "examples/ningxia-industrial-oil.yaml"):
        assert f"dealcoach/_bundled/playbooks/{expected}" in names


def test_grading_table_must_be_monotone(run, tmp_path):
    path = _edited(tmp_path, "within-1-month: [A, A, B]", "within-1-month: [C, A, B]")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    assert "grading.table.within-1-month: medium (A) grades better than high (C)" in result.stderr


def _fresh_copy(playbook_id: str, folder: Path) -> tuple[Path, tuple[int, int]]:
    """A copy at a new path: nothing is cached for it yet, in memory or on disk."""
    from dealcoach.playbook.loader import sources

    source = sources()[playbook_id].path
    copy = folder / playbook_id / source.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(source.read_bytes())
    info = copy.stat()
    return copy, (info.st_mtime_ns, info.st_size)


def test_cached_playbooks_equal_freshly_parsed_ones(isolated_home, tmp_path):
    """The cache of validated playbooks gives back exactly what parsing the YAML gives."""
    from dealcoach.playbook import cache
    from dealcoach.playbook.loader import load_file

    for playbook_id in [*playbook_ids(), "roles"]:
        path, stamp = _fresh_copy(playbook_id, tmp_path)
        assert cache.read(path, stamp) is None
        fresh = load_file(path)             # parses the YAML and writes the cache
        cached = cache.read(path, stamp)    # what the next process will load instead
        assert cached is not None and cached is not fresh
        assert cached == fresh and cached.model_dump() == fresh.model_dump()


def test_a_broken_cache_entry_is_ignored(isolated_home, tmp_path):
    from dealcoach.playbook import cache
    from dealcoach.playbook.loader import load_file

    path, stamp = _fresh_copy("six-step", tmp_path)
    fresh = load_file(path)
    entries = list((isolated_home / "cache").glob("playbook-*.pickle"))
    assert entries and cache.read(path, stamp) == fresh
    for damage in ('{"kind": "playbook", "sha256": "0", "body": "{\\"id\\": 5}"}', "{trunc", ""):
        for entry in entries:
            entry.write_text(damage)
        assert cache.read(path, stamp) is None, damage
    # a new process finds only the broken entry, and parses the YAML instead
    code = ("import sys; from pathlib import Path; from dealcoach.playbook.loader import load_file; "
            "print(load_file(Path(sys.argv[1])).model_dump_json())")
    loaded = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == fresh.model_dump_json()
