"""Hostile YAML and JSON: every reader of a user's file is bounded and answers with one line.

Each file is built here: the anchor bomb, deep nesting, explicit tags, oversized numbers, lone
surrogates. A regression is a hang, a traceback or "internal error" (the `run` fixture fails on it).
"""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, write


def anchor_bomb(levels: int = 9, width: int = 9) -> str:
    """'Billion laughs': each level is `width` aliases of the one before: width**levels values."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def only_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


BOMB_LIMIT = "more than 100,000 values (the limit is 100,000)"


def test_the_anchor_bomb_is_small():
    assert len(anchor_bomb().encode()) < 450


def test_anchor_bomb_as_a_deal_file(run, tmp_path):
    path = write(tmp_path / "deal.yaml", anchor_bomb() + "name: x\nplaybook: six-step\npeople: *a9\n")
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    line = only_line(result)
    # a6 (line 7) is the first anchor past the limit: it stands for 1 + 9 + ... + 9**6 = 597,871 values
    assert line.startswith(f"error: {path}:7:5: aliases (*name) here expand to ") and BOMB_LIMIT in line


def test_anchor_bomb_as_answers(run, tmp_path):
    run("deal", "new", "--name", "甲项目")
    path = write(tmp_path / "answers.yaml", anchor_bomb() + "done: *a9\n")
    result = run("stage", "甲项目", "--answers", str(path))
    assert result.exit_code == 1 and BOMB_LIMIT in only_line(result) and str(path) in result.stderr


def test_anchor_bomb_as_the_profile(run, isolated_home):
    write(isolated_home / "profile.yaml", anchor_bomb() + "name: *a9\n")
    result = run("profile", "show")
    assert result.exit_code == 1
    assert BOMB_LIMIT in only_line(result) and "profile.yaml:7:5" in result.stderr


def test_anchor_bomb_as_a_user_playbook(run, tmp_path):
    path = write(tmp_path / "mine.yaml", anchor_bomb() + "id: mine\nstages: *a9\n")
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1 and BOMB_LIMIT in only_line(result)


def test_anchor_bomb_in_a_grade_file(run, tmp_path):
    path = write(tmp_path / "prospects.yaml", anchor_bomb() + "prospects:\n  - name: x\n    notes: *a9\n")
    result = run("grade", str(path))
    assert result.exit_code == 1 and BOMB_LIMIT in only_line(result)


def test_aliases_within_the_limit_still_work(run, tmp_path):
    path = write(tmp_path / "deal.yaml", "name: 甲项目\nplaybook: six-step\n"
                 "people:\n  - &boss {name: 王总, roles: [decision-maker], influence: high}\n"
                 "  - <<: *boss\n    name: 李总\n")
    result = run("stage", "--deal-file", str(path), "--json")
    assert result.exit_code == 0, result.stderr


def test_a_recursive_alias_is_refused(run, tmp_path):
    path = write(tmp_path / "deal.yaml", "name: x\npeople: &loop [*loop]\n")
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    assert only_line(result) == f"error: {path}:2:16: the alias *loop refers to a value that contains it (a loop)"


def test_error_positions_are_looked_up_not_collected():
    """A position is found along the one path asked for: 4**7 paths in the data cost nothing."""
    from dealcoach.yamlfile import parse

    located = parse(anchor_bomb(levels=7, width=4), "f.yaml", ValueError)
    assert located.where(("a7", 3, 2, 1, 0)) == "f.yaml:4:5"  # through the aliases down to the value of a3
    assert located.where(("a7", 3, 99)) == "f.yaml:7:5"  # no item 99: the deepest part there is, a6
    assert located.where(("nope",)) == "f.yaml:1:1"
    assert not hasattr(located, "marks")


def test_a_validation_error_under_many_aliases_is_reported_at_once(run, tmp_path):
    path = write(tmp_path / "deal.yaml", "name: x\nplaybook: six-step\n"
                 + anchor_bomb(levels=5, width=5).replace("a0: &a0 \"lol\"", "people: &a0 [{name: x, mood: 1}]"))
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    assert f"{path}: 6 errors" in result.stderr
    assert f"{path}:3:24: people.0.mood: unknown key" in result.stderr
    assert f"{path}:8:1: a5: unknown key" in result.stderr


def test_more_values_than_the_limit_are_refused_before_they_are_built(run, tmp_path):
    path = write(tmp_path / "deal.yaml", "name: x\nplaybook: six-step\nnotes: [" + ",".join(["1"] * 100_001) + "]\n")
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    assert only_line(result) == (f"error: {path}:3:199995: more than 100,000 values (the limit is 100,000); "
                                 "a table this big reads faster as CSV or XLSX")


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_990_levels_of_nesting_are_refused(run, tmp_path, shape):
    depth = 990
    if shape == "flow":
        notes = "[" * depth + "]" * depth + "\n"
    else:
        notes = "\n" + "".join(" " * (level + 1) + "a:\n" for level in range(depth)) + " " * (depth + 1) + "b\n"
    path = write(tmp_path / "deal.yaml", "name: x\nplaybook: six-step\nnotes: " + notes)
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    assert "nested more than 100 levels deep (the limit is 100)" in only_line(result)


def test_json_written_deal_and_answers_files_are_bounded_too(run, tmp_path):
    """Deal and answers files may be JSON (YAML reads it): the JSON hostile set gets one line each."""
    run("deal", "new", "--name", "甲项目")
    cases = {
        '{"name": "\\ud800"}': ":1:13: invalid YAML: found invalid Unicode character escape code",
        '{"name": "x", "amount": 1' + "0" * 4400 + "}": ":1:25: a number of 4401 characters is too long",
        '{"name": "x", "notes": ' + "[" * 5000 + "]" * 5000 + "}": ": nested more than 100 levels deep (the limit is 100)",
    }
    for number, (text, expected) in enumerate(cases.items()):
        path = write(tmp_path / f"deal{number}.json", text)
        result = run("stage", "--deal-file", str(path))
        assert result.exit_code == 1 and expected in only_line(result), result.stderr
    path = write(tmp_path / "answers.json", '{"done": ' + "[" * 5000 + "]" * 5000 + "}")
    result = run("stage", "甲项目", "--answers", str(path))
    assert result.exit_code == 1 and "nested more than 100 levels deep" in only_line(result)


@pytest.mark.parametrize("value, tag", [
    ("!!float x", "!!float"), ("!!int 0x", "!!int"), ("!!bool maybe", "!!bool"),
    ("!!timestamp x", "!!timestamp"), ("!!binary aGVsbG8=", "!!binary"), ("!!float 1", "!!float"),
    ("!!python/object/apply:os.system [echo]", "!!python/object/apply:os.system"), ("!mine x", "!mine"),
])
def test_explicit_tags_are_refused_at_their_line(run, tmp_path, value, tag):
    run("deal", "new", "--name", "甲项目")
    path = write(tmp_path / "answers.yaml", f"done: [find-leads]\ncustomer_step: {value}\n")
    result = run("stage", "甲项目", "--answers", str(path))
    assert result.exit_code == 1
    assert only_line(result).startswith(f"error: {path}:2:16: tag {tag} is not allowed: write the value without a tag")


def test_tags_that_only_say_text_are_accepted(tmp_path):
    from dealcoach.yamlfile import parse

    assert parse("a: !!str 12\nb: =\nc: !!int 7\n", "f.yaml", ValueError).data == {"a": "12", "b": "=", "c": 7}


@pytest.mark.parametrize("value, message", [
    ("1" + "0" * 400, "a number of 401 characters is too long (the limit is 100); quote it if it is text"),
    ("1" + "0" * 5000, "a number of 5001 characters is too long (the limit is 100)"),
    (".inf", ".inf is not a finite number"),
    ("0x_", "0x_ is not a number; quote it if it is text"),  # found by the fuzzing: YAML 1.1 calls it an int
    ("0b_", "0b_ is not a number"),
    ("-.INF", "-.INF is not a finite number"),
])
def test_numbers_past_a_float_are_refused(run, tmp_path, value, message):
    path = write(tmp_path / "deal.yaml", f"name: x\nplaybook: six-step\nprobability: {value}\n")
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    assert only_line(result).startswith(f"error: {path}:3:14: {message}")


# --- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, expected", [
    ("surrogate.json", '[{"name": "\\ud800"}]',
     ":1:12: \\ud800 is half of a UTF-16 pair, not a character"),
    ("digits.json", '[{"name": "x", "amount": 1' + "0" * 4400 + "}]",
     ":1:26: a number of 4401 characters is too long (the limit is 100)"),
    ("overflow.json", '[{"name": "x", "amount": 1e999}]', ":1:26: 1e999 is not a finite number"),
    ("nan.json", '[{"name": "x", "amount": NaN}]', ":1:26: NaN is not a number JSON allows"),
    ("deep.json", '[{"name": "x", "notes": ' + "[" * 5000 + "]" * 5000 + "}]",
     ":1: nested more than 100 levels deep (the limit is 100)"),
    ("deep-but-parsable.json", '[{"name": "x", "notes": ' + "[" * 500 + "]" * 500 + "}]",
     ":1: nested more than 100 levels deep (the limit is 100)"),
    ("lines.jsonl", '{"name": "x"}\n\n{"name": "\\udfff"}\n', ":3:11: \\udfff is half of a UTF-16 pair"),
    ("broken.jsonl", '{"name": "x"}\n{"name": \n', ":2:10: invalid JSON: Expecting value"),
])
def test_hostile_json_grade_files(run, tmp_path, name, text, expected):
    path = write(tmp_path / name, text)
    result = run("grade", str(path))
    assert result.exit_code == 1
    assert only_line(result).startswith(f"error: {path}{expected}"), result.stderr


def test_a_surrogate_pair_is_a_character(run, tmp_path):
    path = write(tmp_path / "ok.json", json.dumps([{"name": "客户😀"}], ensure_ascii=True))
    result = run("grade", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert "客户😀" in result.stdout


def test_hostile_backup_is_refused_before_the_store_is_touched(run, tmp_path):
    path = write(tmp_path / "backup.json", '{"format": "dealcoach-backup", "version": 1, "deals": '
                 + "[" * 5000 + "]" * 5000 + "}")
    result = run("db", "restore", str(path))
    assert result.exit_code == 1
    assert only_line(result) == f"error: {path}:1: nested more than 100 levels deep (the limit is 100)"
    huge = write(tmp_path / "huge.json", '{"format": "dealcoach-backup", "version": 1' + "0" * 5000 + "}")
    assert "huge.json:1:43: a number of 5001 characters is too long" in only_line(run("db", "restore", str(huge)))


def test_a_rust_panic_is_one_line_not_a_traceback(monkeypatch):
    import polars as pl
    from typer.testing import CliRunner

    from dealcoach.cli import app
    from dealcoach.coaching import diagnosis

    def panics(*args, **kwargs):
        raise pl.exceptions.PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(diagnosis, "diagnose", panics)
    result = CliRunner().invoke(app, ["stage", "--deal-file", str(EXAMPLES / "auto-parts-supplier.yaml")])
    assert result.exit_code == 1
    assert result.stderr.startswith("internal error: PanicException: called `Option::unwrap()`")
