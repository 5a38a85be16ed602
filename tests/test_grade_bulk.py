"""`grade --deals` at scale gives what grading each deal on its own gives: the deals stream with only
the fields grading reads, are ranked as numbers and explained only when shown, and changed grades
are saved in batches without rewriting the rest of a deal. On a few hundred varied deals, both backends."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dealcoach.deals.models import Activity, CompetitorComparison, ComputedGrade, Deal, OpportunityAnswers, Person

DAY = dt.date(2026, 7, 1)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SIX = ["project-level", "funding", "technical-fit", "relationship", "credit", "can-serve"]
EIGHT_INFO = ["requirements", "value-to-customer", "competition", "scale-and-budget", "decision-process", "schedule"]
PRETEXTS = ["knowledge", "festival-greeting", "event", "gift"]


def _varied(i: int) -> Deal:
    """Deals unlike each other in everything grading reads: playbook, close date (none, past, near,
    far), probability, assessment (passing, failing, knocked out), opportunity analysis, manual
    grade, people and their roles, activities with pretexts and contacts, a stale computed grade."""
    eight = i % 3 == 0
    people = [Person(name="王总", roles=["insider"] if i % 4 == 0 else []), Person(name="李工")] if i % 5 else []
    activities = [Activity(date=dt.datetime(2026, 1 + (i + j) % 6, 1 + j, 9, j, tzinfo=SHANGHAI), kind="call",
                           outcome="connected", contact=("王总", "李工", None)[(i + j) % 3] if people else None,
                           pretext=PRETEXTS[(i * j) % 4] if (i + j) % 3 else None)
                  for j in range(i % 6)]
    if eight:
        scores = {"profit-room": i % 4} if i % 2 else {}
    else:
        scores = {factor: (i + k) % 4 for k, factor in enumerate(SIX[: i % 7])}
    opportunity = None
    if eight and i % 2 == 0:
        opportunity = OpportunityAnswers(
            information={kind: (i + k) % 4 for k, kind in enumerate(EIGHT_INFO[: i % 5])},
            comparisons=[CompetitorComparison(competitor=f"对手{c}", scores={"need-fit": (i + c) % 5 - 2,
                                                                           "price": (i * c) % 5 - 2})
                         for c in range(i % 3)])
    close = None if i % 7 == 0 else DAY + dt.timedelta(days=(i * 37) % 500 - 60)
    return Deal(
        name=f"客户 {i % 97}" + (" 项目" if i % 2 else ""), account=f"account {i}" if i % 3 else None,
        playbook="eight-step" if eight else "six-step", amount=None if i % 4 == 0 else 1000.5 * i,
        expected_close=close, probability=None if i % 6 == 0 else (i % 11) / 10,
        status=("open", "open", "open", "won", "lost")[i % 5], people=people, activities=activities,
        assessment=scores, opportunity=opportunity,
        manual_grade=("A", "D", None, None, None)[i % 5] if i % 9 == 0 else None,
        manual_grade_reason="老客户" if i % 9 == 0 else None,
        computed_grade=ComputedGrade(grade="C", score=None, rule="cell:stale/old", on=dt.date(2026, 1, 1))
        if i % 8 == 0 else None)


@pytest.fixture
def varied(store):
    ids = [store.add(_varied(i), "setup").id for i in range(260)]
    return store, ids


def _expected(store, ids):
    from dealcoach.coaching.grading import grade_deal, sort_key
    from dealcoach.playbook.loader import load_playbook

    deals = [store.get(i) for i in ids]
    return sorted((grade_deal(deal, load_playbook(deal.playbook), DAY, "en") for deal in deals
                   if deal.status == "open"), key=sort_key)


def test_grade_deals_equals_grading_each_deal_byte_for_byte_and_saves_only_the_grade(run, varied):
    store, ids = varied
    before = {i: store.get(i) for i in ids}
    expected = _expected(store, ids)
    assert len(expected) > 150 and {r.final_grade for r in expected} >= {"A", "B", "C", "D"}
    assert any(r.opportunity is not None for r in expected) and any(r.rule.id.startswith("cap:") for r in expected)

    result = run("grade", "--deals", "--today", DAY.isoformat(), "--json")
    assert result.exit_code == 0, result.stderr
    counts = {grade: sum(1 for r in expected if r.final_grade == grade) for grade in "ABCD"}
    # what the command printed when it held every result and encoded them at once
    old = json.dumps({"version": 1, "today": DAY.isoformat(), "playbook": None, "count": len(expected),
                      "grades": counts, "shown": len(expected),
                      "prospects": [r.model_dump(mode="json") for r in expected],
                      "bad_rows": 0, "problems": [], "problem_count": 0}, ensure_ascii=False, indent=2) + "\n"
    assert result.stdout == old
    changed = [r for r in expected if before[r.deal_id].computed_grade != ComputedGrade(
        grade=r.grade, score=r.score, rule=r.computed_rule.id, on=DAY)]
    assert f"Saved the computed grade on {len(expected)} deals ({len(changed)} changed)" in result.stderr

    for r in expected:
        now, then = store.get(r.deal_id), before[r.deal_id]
        assert now.computed_grade.model_dump() == {"grade": r.grade, "score": r.score, "rule": r.computed_rule.id,
                                                   "on": DAY}
        # nothing else moved: the grade was set in the stored document, the rest left as it was
        assert now.model_dump(exclude={"computed_grade", "version"}) == then.model_dump(exclude={"computed_grade",
                                                                                                  "version"})
        assert now.version == then.version + 1
        assert store.history(r.deal_id)[-1].what == f"computed grade: {r.grade} ({r.computed_rule.id})"
    closed = [i for i in ids if before[i].status != "open"]
    assert all(store.get(i).version == before[i].version for i in closed)

    again = run("grade", "--deals", "--today", DAY.isoformat(), "--json")
    assert f"({0} changed)" in again.stderr and again.stdout == old


def test_top_and_the_table_keep_only_the_best_and_explain_finds_any(run, varied):
    store, ids = varied
    expected = _expected(store, ids)
    top = json.loads(run("grade", "--deals", "--today", DAY.isoformat(), "--json", "--top", "7").stdout)
    assert top["count"] == len(expected) and top["shown"] == 7
    assert top["prospects"] == [r.model_dump(mode="json") for r in expected[:7]]

    table = run("grade", "--deals", "--today", DAY.isoformat(), "--lang", "en", env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    assert f"{len(expected) - 50} more not shown" in table.stdout
    shown = [line for line in table.stdout.splitlines() if line.startswith("│ ") and line.split("│")[1].strip()]
    assert len(shown) == 50

    last = expected[-1]
    explained = json.loads(run("grade", "--deals", "--today", DAY.isoformat(), "--explain", str(last.deal_id),
                               "--json").stdout)
    assert {k: v for k, v in explained.items() if k != "version"} == last.model_dump(mode="json")


def test_saving_grades_is_all_or_none_across_batches(run, varied, monkeypatch):
    from dealcoach.errors import StoreError
    from dealcoach.store import base

    store, ids = varied
    before = {i: store.get(i).version for i in ids}
    real = base.DealStore._save_fields_batch
    batches = []

    def fail_on_second(self, pending, who):
        batches.append(len(pending))
        if len(batches) == 2:
            raise StoreError("the disk went away")
        return real(self, pending, who)

    monkeypatch.setattr(base.DealStore, "_save_fields_batch", fail_on_second)
    monkeypatch.setitem(base.DealStore.save_fields.__kwdefaults__, "batch", 60)
    failed = run("grade", "--deals", "--today", DAY.isoformat())
    assert failed.exit_code == 1 and "the disk went away" in failed.stderr
    assert batches == [60, 60]
    assert {i: store.get(i).version for i in ids} == before  # the first batch was rolled back too


def test_save_fields_refuses_columns_and_stale_copies(varied):
    from dealcoach.errors import ConflictError

    store, ids = varied
    with store.transaction():
        deal = next(store.deals(fields={"computed_grade"}, for_update=True))
        with pytest.raises(ValueError, match="columns"):
            store.save_fields([(deal, {"amount": 5}, "x")], "me")
    stale = next(store.deals(fields={"computed_grade"}))
    store.save(store.get(stale.id).model_copy(update={"notes": "changed meanwhile"}), "someone")
    with pytest.raises(ConflictError):
        store.save_fields([(stale, {"computed_grade": None}, "x")], "me")


def test_file_json_is_written_row_by_row_as_it_was_printed_whole(run, tmp_path):
    """`grade FILE --json` writes each prospect as it is explained; the bytes are those of encoding
    the whole list at once, including a scored assessment, a manual grade and tiny amounts (which
    Python writes as 5e-05)."""
    from dealcoach import gradeio
    from dealcoach.coaching.grading import grading_of
    from dealcoach.playbook.loader import load_playbook

    rows = [[f"客户 {i}", f"Co {i % 7}", ("0.00005", "1.2e-7", str(1000 * i), "")[i % 4],
             (DAY + dt.timedelta(days=(i * 13) % 300 - 30)).isoformat() if i % 5 else "",
             ("0.2", "0.9", "0.5", "")[i % 4], str(i % 4) if i % 3 else "", ("A", "", "", "")[i % 4]]
            for i in range(120)]
    path = tmp_path / "prospects.csv"
    path.write_text("\n".join(",".join(row) for row in
                              [["name", "account", "amount", "close", "probability", "funding", "manual grade"],
                               *rows]) + "\n", encoding="utf-8")
    result = run("grade", str(path), "--json", "--today", DAY.isoformat(), "--lang", "en")
    assert result.exit_code == 0, result.stderr

    grading = grading_of(load_playbook("six-step"))
    graded = gradeio.grade_files([path], {}, grading, DAY, "en")
    expected = gradeio.results(graded, graded.order, grading, DAY, "en")
    assert any(r.assessment.status != "not-assessed" for r in expected)
    assert any(r.amount is not None and 0 < r.amount < 1e-4 for r in expected)
    old = json.dumps({
        "version": 1, "today": DAY.isoformat(), "playbook": "six-step",
        "sources": [vars(source) for source in graded.sources], "count": graded.count,
        "grades": graded.grade_counts(), "shown": len(expected), "prospects": [r.model_dump(mode="json") for r in expected],
        "bad_rows": graded.bad_rows, "problems": [vars(p) for p in graded.problems],
        "problem_count": graded.problem_count}, ensure_ascii=False, indent=2, default=str) + "\n"
    assert "5e-05" in old and result.stdout == old


def test_a_reader_that_stops_reading_is_not_an_error(tmp_path):
    """`dealcoach grade FILE --json | head -2`: the pipe closes while the prospects are written; the
    command stops quietly (exit 0), no "internal error"."""
    import os
    import subprocess
    import sys

    path = tmp_path / "many.csv"
    path.write_text("name,close,probability\n" + "".join(f"客户 {i},2026-08-01,0.5\n" for i in range(400)),
                    encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "dealcoach", "grade", str(path), "--json", "--today",
                              DAY.isoformat()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "DEALCOACH_LANG": "en"})
    assert child.stdout.read(20).startswith(b"{")
    child.stdout.close()  # ~2 MB of JSON still to come: far more than a pipe holds
    error = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0, error
    assert "internal error" not in error and "Broken pipe" not in error
