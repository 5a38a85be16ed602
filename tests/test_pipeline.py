"""`dealcoach pipeline`: totals and forecast against hand-computed values on a crafted store, the
risk ranking on crafted rows, what changed since a date from a history built here, filters, edge
cases and the formula-safe export."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import datetime as dt
import json

import pytest

from conftest import EXAMPLES
from dealcoach.coaching.pipeline import PipelineRow, Risk, WarningRef, rank_rows, score_risk
from dealcoach.deals.models import Deal, DoneMark

TODAY = "2026-06-01"


def _crafted(store) -> dict[str, int]:
    """Seven deals of two reps in two currencies; one won (left out of the open view)."""
    deals = [
        Deal(name="Alpha", amount=1_000_000, probability=0.5, expected_close=dt.date(2026, 6, 20), manual_grade="A"),
        Deal(name="Beta", amount=400_000, probability=0.25, expected_close=dt.date(2026, 8, 15), manual_grade="B"),
        Deal(name="Gamma", amount=200_000, currency="USD", probability=0.5, expected_close=dt.date(2026, 6, 10)),
        Deal(name="Delta", expected_close=dt.date(2026, 7, 1)),  # no amount
        Deal(name="Epsilon", amount=300_000),  # no probability, no close date
        Deal(name="Zeta", amount=500_000, probability=0.9, status="won", closed_on=dt.date(2026, 5, 1)),
        Deal(name="Eta", amount=100_000, probability=0.1, expected_close=dt.date(2026, 5, 1)),  # close date past
    ]
    owners = {"Alpha": "amy", "Beta": "amy", "Zeta": "amy"}
    ids = {}
    for deal in deals:
        owner = owners.get(deal.name, "bob")
        ids[deal.name] = store.add(deal.model_copy(update={"owner": owner}), owner).id
    return ids


def _review(run, *args):
    result = run("pipeline", "--today", TODAY, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _money(group) -> dict:
    return {m["currency"]: (m["amount"], m["weighted"]) for m in group["money"]}


def test_totals_and_forecast_match_hand_computed_values(store, run):
    _crafted(store)
    review = _review(run)
    assert sorted(r["name"] for r in review["rows"]) == ["Alpha", "Beta", "Delta", "Epsilon", "Eta", "Gamma"]
    # every open deal, by grade: CNY 1,000,000+400,000+300,000+100,000; weighted 500,000+100,000+10,000
    # (Epsilon has no probability: counted apart, not weighted as 0); USD never added to CNY
    grades = {g["key"]: g for g in review["by_grade"]}
    assert [g["key"] for g in review["by_grade"]] == ["A", "B", "-"]
    assert (grades["A"]["count"], _money(grades["A"])) == (1, {"CNY": (1_000_000, 500_000)})
    ungraded = grades["-"]
    assert ungraded["count"] == 4 and _money(ungraded) == {"CNY": (400_000, 10_000), "USD": (200_000, 100_000)}
    assert (ungraded["without_amount"], ungraded["without_probability"]) == (1, 1)
    all_stages = {"CNY": [0, 0], "USD": [0, 0]}
    for stage in review["by_stage"]:
        for currency, (amount, weighted) in _money(stage).items():
            all_stages[currency][0] += amount
            all_stages[currency][1] += weighted
    assert all_stages == {"CNY": [1_800_000, 610_000], "USD": [200_000, 100_000]}
    assert sum(s["count"] for s in review["by_stage"]) == 6
    # forecast from 2026-06-01: 30 days -> Alpha (06-20), Gamma (06-10), Delta (07-01, no amount)
    thirty, ninety = review["forecast"]
    assert (thirty["days"], thirty["until"], thirty["count"]) == (30, "2026-07-01", 3)
    assert _money(thirty) == {"CNY": (1_000_000, 500_000), "USD": (200_000, 100_000)}
    assert thirty["without_amount"] == 1
    assert (ninety["count"], _money(ninety)) == (4, {"CNY": (1_400_000, 600_000), "USD": (200_000, 100_000)})
    assert (review["past_close"], review["without_close"]) == (1, 1)  # Eta; Epsilon
    reps = {r["key"]: r for r in review["reps"]}
    assert (reps["amy"]["count"], _money(reps["amy"])) == (2, {"CNY": (1_400_000, 600_000)})
    assert (reps["bob"]["count"], _money(reps["bob"])) == (4, {"CNY": (400_000, 10_000), "USD": (200_000, 100_000)})
    assert reps["bob"]["overdue_follow_ups"] == 0  # never contacted: due today, not overdue
    assert reps["bob"]["weakest_step"] is None and "needs 5 more" in reps["bob"]["weakest_note"]


def test_won_deals_weigh_in_full_and_are_labelled(store, run):
    _crafted(store)
    won = _review(run, "--status", "won")
    assert [(r["name"], r["status"], r["weighted"], r["risk"]["score"]) for r in won["rows"]] == [
        ("Zeta", "won", 500_000, 0)]
    text = run("pipeline", "--today", TODAY, "--status", "all").stdout
    assert "[won] Zeta" in text


def _row(name: str, *, warnings=(), gap=0, overdue=0, touched=True, amount=None, currency="CNY",
         status="open") -> PipelineRow:
    refs = [WarningRef(id=f"w{i}", severity=s, message=s) for i, s in enumerate(warnings)]
    return PipelineRow(
        deal_id=None, name=name, account=None, owner=None, status=status, amount=amount, currency=currency,
        expected_close=None, probability=None, weighted=None, grade=None, grade_source="ungraded",
        stage="develop", stage_name="Develop", stage_index=0, customer_step="x", customer_step_name="x",
        customer_step_index=gap, customer_step_source="observed", gap=gap, warnings=refs,
        top_warning=refs[0] if refs else None, last_touch=dt.date(2026, 5, 1) if touched else None,
        days_since_touch=31 if touched else None, next_follow_up=None, follow_up_overdue=overdue,
        next_action=None, risk=Risk(score=0, warnings=0, gap=0, staleness=0, size=0), at_risk=False)


def test_risk_score_by_hand():
    largest = {"CNY": 1_000_000}
    # two highs and a medium: 30+30+15 = 75, capped at 60; customer 2 steps ahead: 30; 12 days
    # overdue: 12; half the largest CNY amount: 10
    risk = score_risk(_row("a", warnings=("high", "high", "medium"), gap=2, overdue=12, amount=500_000), largest)
    assert (risk.warnings, risk.gap, risk.staleness, risk.size, risk.score) == (60, 30, 12, 10, 112)
    # customer behind us is no risk; never contacted counts 30; a USD amount is not scaled by CNY
    behind = score_risk(_row("b", warnings=("low",), gap=-1, touched=False, amount=50, currency="USD"),
                        {"CNY": 1_000_000, "USD": 100})
    assert (behind.warnings, behind.gap, behind.staleness, behind.size, behind.score) == (5, 0, 30, 10, 45)
    assert score_risk(_row("c", warnings=("high",), gap=4, status="lost"), largest).score == 0
    assert score_risk(_row("d", gap=5), largest).gap == 45


def test_ranking_puts_the_riskiest_first_and_sorts_on_request():
    rows = [
        _row("quiet", amount=1_000_000),                                # size only: 20
        _row("ahead", gap=1, amount=100_000),                           # 15 + 2 = 17
        _row("troubled", warnings=("high", "medium"), amount=100_000),  # 45 + 2 = 47
        _row("forgotten", touched=False),                               # 30
        _row("won", warnings=("high",), status="won", amount=2_000_000),  # closed: 0, and not the largest
    ]
    ranked = rank_rows(rows)
    assert [(r.name, r.risk.score) for r in ranked] == [
        ("troubled", 47), ("forgotten", 30), ("quiet", 20), ("ahead", 17), ("won", 0)]
    assert [r.name for r in rank_rows(rows, "amount")][:2] == ["won", "quiet"]
    assert [r.name for r in rank_rows(rows, "name")] == ["ahead", "forgotten", "quiet", "troubled", "won"]


def test_the_example_deals_rank_by_their_diagnosis(run):
    """Ningxia (customer ahead, high warning, the only amount) outranks the two others."""
    for name in ("ningxia-industrial-oil", "auto-parts-supplier", "a-company-it-upgrade"):
        run("deal", "import", str(EXAMPLES / f"{name}.yaml"))
    rows = _review(run)["rows"]
    first = rows[0]
    assert first["name"] == "宁夏新工程项目工业油" and first["gap"] == 1 and first["at_risk"]
    assert first["top_warning"]["id"] == "customer-ahead" and first["top_warning"]["severity"] == "high"
    assert first["risk"]["score"] == first["risk"]["warnings"] + first["risk"]["gap"] + first["risk"]["staleness"] \
        + first["risk"]["size"]
    assert [r["risk"]["score"] for r in rows] == sorted((r["risk"]["score"] for r in rows), reverse=True)
    # the same first action as the deal's own diagnosis: one place for the rule
    diagnosis = json.loads(run("stage", str(first["deal_id"]), "--json").stdout)
    assert first["next_action"] == diagnosis["next_actions"][0]["text"]
    at_risk = _review(run, "--at-risk")["rows"]
    assert {r["name"] for r in at_risk} == {r["name"] for r in rows if r["at_risk"]}


def test_filters(store, run):
    ids = _crafted(store)
    assert [r["name"] for r in _review(run, "--owner", "amy")["rows"]] == ["Alpha", "Beta"]
    assert {r["name"] for r in _review(run, "--grade", "A,B")["rows"]} == {"Alpha", "Beta"}
    assert {r["name"] for r in _review(run, "--grade", "-")["rows"]} == {"Gamma", "Delta", "Epsilon", "Eta"}
    assert {r["name"] for r in _review(run, "--stage", "develop")["rows"]} == {
        "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Eta"}
    assert _review(run, "--stage", "entry")["rows"] == []
    run("log", "add", str(ids["Alpha"]), "--kind", "call", "--outcome", "connected", "--date", "2026-05-25")
    stale = _review(run, "--stale", "10")["rows"]
    assert "Alpha" not in {r["name"] for r in stale} and "Beta" in {r["name"] for r in stale}
    assert [r["name"] for r in _review(run, "--sort", "close")["rows"]][:2] == ["Eta", "Gamma"]


@pytest.mark.parametrize(("args", "error"), [
    (("--status", "closed"), "--status: unknown value 'closed'; did you mean lost? (use one of: open, won, lost, all)"),
    (("--sort", "size"), "--sort: unknown value 'size' (use one of: risk, amount, close, stale, grade, owner, name, id)"),
    (("--grade", "E"), "--grade: 'E' is not a grade"),
    (("--stage", "nowhere"), "--stage: 'nowhere' is not a sales stage"),
    (("--since", "last week"), "--since: 'last week' is not a date: use YYYY-MM-DD, or 7d / 2w back from today"),
])
def test_bad_flags_say_what_is_accepted(run, args, error):
    result = run("pipeline", *args)
    assert result.exit_code == 2 and error in result.stderr and "Traceback" not in result.stderr


def test_empty_stores_and_owners_get_a_sentence(run, store):
    assert run("pipeline").stdout.strip() == (
        "No deals yet. Create one with `dealcoach deal new` or `dealcoach deal import FILE`.")
    store.add(Deal(name="Done", status="lost", owner="amy"), "amy")
    assert run("pipeline").stdout.strip() == "All 1 deals are closed; --status won, lost or all shows them."
    assert run("pipeline", "--owner", "nobody").stdout.strip() == "There are no deals for owner nobody."
    assert run("pipeline", "--at-risk", "--status", "all").stdout.strip() == "None of the 1 deals matches these filters."
    assert "没有商机" in run("pipeline", "--owner", "nobody", "--lang", "zh").stdout


def test_what_changed_since_a_date_from_the_history(store, run):
    from dealcoach.playbook.loader import load_playbook

    develop = load_playbook("six-step").stages[0].gate_ids()
    old = store.add(Deal(name="Old", amount=800_000, probability=0.2, expected_close=dt.date(2026, 11, 30),
                         owner="amy"), "amy")
    store._execute("UPDATE deal_history SET at = ? WHERE deal_id = ?", ("2026-01-05T09:00:00+00:00", old.id))
    store.connection.commit()
    # since then: the amount went up, the close date slipped, the customer moved on, we passed develop
    deal = store.get(old.id)
    deal = store.save(deal.model_copy(update={"amount": 900_000.0, "expected_close": dt.date(2026, 12, 31)}), "amy")
    deal = store.save(deal.model_copy(update={"customer_step": "supplier-screening"}), "amy")
    store.save(deal.model_copy(update={"done": [DoneMark(id=i) for i in develop]}), "amy")
    store.add(Deal(name="Fresh", owner="bob"), "bob")

    review = _review(run, "--since", "2026-03-01")
    changes = {c["name"]: {x["kind"]: x for x in c["changes"]} for c in review["changes"]}
    assert set(changes) == {"Old", "Fresh"} and list(changes["Fresh"]) == ["new"]
    old_changes = changes["Old"]
    assert (old_changes["stage"]["before"], old_changes["stage"]["after"]) == ("Develop", "Entry")
    assert old_changes["customer_step"]["after"] == "Initial supplier survey and screening"
    assert old_changes["close_date"]["text"] == "close date pushed: 2026-11-30 → 2026-12-31"
    assert old_changes["amount"]["text"] == "amount changed: 800,000 → 900,000"
    assert "probability" not in old_changes
    text = run("pipeline", "--today", TODAY, "--since", "2026-03-01").stdout
    assert "What changed since 2026-03-01" in text and "close date pushed" in text
    # a date after every history line: nothing to compare with, said once
    later = run("pipeline", "--since", "2099-01-01").stdout
    assert "No history since 2099-01-01: nothing to compare with." in later
    # relative spans count back from --today
    assert _review(run, "--since", "2w")["since"] == "2026-05-18"


def test_export_is_formula_safe(store, run, tmp_path):
    store.add(Deal(name="=HYPERLINK(\"http://x\",\"y\")", amount=1000, probability=0.5, owner="@amy"), "amy")
    store.add(Deal(name="plain", amount=-0.0 or 2000, currency="USD"), "bob")
    path = tmp_path / "review.csv"
    result = run("pipeline", "--today", TODAY, "-o", str(path))
    assert result.exit_code == 0 and "Wrote 2 deals" in result.stderr
    with path.open(encoding="utf-8-sig") as handle:
        rows = {row["deal"]: row for row in csv.DictReader(handle)}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in rows and rows["'=HYPERLINK(\"http://x\",\"y\")"]["owner"] == "'@amy"
    assert rows["plain"]["amount"] == "2000.0"
    xlsx = tmp_path / "review.xlsx"
    assert run("pipeline", "--today", TODAY, "-o", str(xlsx)).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    names = [cell.value for cell in sheet["E"]]
    assert names[0] == "deal" and "=HYPERLINK(\"http://x\",\"y\")" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert run("pipeline", "-o", str(tmp_path / "review.txt")).exit_code == 1


# --- deal list, deal edit --owner, deal import of an exported file ------------------------------------


def test_deal_list_shows_status_stage_grade_and_follow_up(store, run):
    _crafted(store)
    records = json.loads(run("deal", "list", "--json").stdout)
    assert [r["name"] for r in records] == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta"]
    alpha = records[0]
    for key in ("id", "name", "account", "playbook", "owner", "amount", "currency", "expected_close", "probability",
                "updated_at"):  # what deal list --json always had
        assert key in alpha
    assert (alpha["status"], alpha["stage"], alpha["grade"], alpha["next_follow_up"]) == (
        "open", "develop", "A", dt.date.today().isoformat())
    zeta = next(r for r in records if r["name"] == "Zeta")
    assert zeta["status"] == "won" and zeta["next_follow_up"] is None
    text = run("deal", "list").stdout
    assert "won" in text and "Develop" in text
    assert [r["name"] for r in json.loads(run("deal", "list", "--status", "won", "--json").stdout)] == ["Zeta"]
    assert {r["name"] for r in json.loads(run("deal", "list", "--grade", "A,B", "--json").stdout)} == {"Alpha", "Beta"}
    assert [r["name"] for r in json.loads(run("deal", "list", "--owner", "amy", "--sort", "amount", "--json").stdout)] == [
        "Alpha", "Zeta", "Beta"]
    assert run("deal", "list", "--owner", "nobody").stdout.strip() == "There are no deals for owner nobody."
    assert run("deal", "list", "--status", "lost").stdout.strip() == "None of the 7 deals matches these filters."
    assert run("deal", "list", "--status", "closed").exit_code == 2


def test_deal_edit_owner_reassigns_and_records_it(run, store):
    deal = store.add(Deal(name="x", owner="amy"), "amy")
    result = run("deal", "edit", str(deal.id), "--owner", "bob")
    assert result.exit_code == 0
    shown = json.loads(run("deal", "show", str(deal.id), "--json").stdout)
    assert shown["owner"] == "bob" and shown["history"][-1]["what"] == "owner: amy -> bob"
    assert [r["name"] for r in json.loads(run("deal", "list", "--owner", "bob", "--json").stdout)] == ["x"]
    assert run("deal", "edit", str(deal.id), "--owner", " ").exit_code == 2


def test_import_of_an_exported_file_updates_that_deal(run, tmp_path):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"), env={"DEALCOACH_USER": "amy"})
    exported = tmp_path / "ningxia.yaml"
    assert run("deal", "export", "1", "-o", str(exported)).exit_code == 0
    text = exported.read_text(encoding="utf-8")
    assert text.startswith("id: 1\n") and "owner: amy" in text
    exported.write_text(text.replace("amount: 800000.0", "amount: 900000.0"), encoding="utf-8")
    dry = run("deal", "import", str(exported), "--dry-run")
    assert "updating: amount: 800000.0 -> 900000.0" in dry.stderr and "Would update deal 1" in dry.stdout
    assert json.loads(run("deal", "show", "1", "--json").stdout)["amount"] == 800000.0
    result = run("deal", "import", str(exported), env={"DEALCOACH_USER": "bob"})
    assert result.exit_code == 0 and "matched by id" in result.stderr and "Updated deal 1" in result.stdout
    deals = json.loads(run("deal", "list", "--json").stdout)
    assert [(d["id"], d["amount"], d["owner"]) for d in deals] == [(1, 900000.0, "amy")]  # no copy; owner kept
    history = json.loads(run("deal", "show", "1", "--json").stdout)["history"]
    assert history[-1]["who"] == "bob" and "amount: 800000.0 -> 900000.0" in history[-1]["what"]
    assert "Deal 1: nothing changed" in run("deal", "import", str(exported)).stdout
    # without the id (a file edited by hand): matched by name and account
    exported.write_text(exported.read_text(encoding="utf-8").replace("id: 1\n", "").replace("900000.0", "950000.0"),
                        encoding="utf-8")
    assert "matched by name and account" in run("deal", "import", str(exported)).stderr
    # --as-new makes a copy, with the file's owner
    assert run("deal", "import", str(exported), "--as-new").exit_code == 0
    assert [(d["id"], d["owner"]) for d in json.loads(run("deal", "list", "--json").stdout)] == [(1, "amy"), (2, "amy")]
    # now two deals share name and account: a file without an id is ambiguous, said in one line
    ambiguous = run("deal", "import", str(exported))
    assert ambiguous.exit_code == 1 and "matches deals 1, 2" in ambiguous.stderr


def test_a_file_from_another_store_with_a_taken_id_is_a_new_deal(run, tmp_path):
    run("deal", "new", "--name", "someone else's")
    foreign = tmp_path / "foreign.yaml"
    foreign.write_text("id: 1\nname: 别的商机\nowner: carol\n", encoding="utf-8")
    assert "Imported deal 2" in run("deal", "import", str(foreign)).stdout
    assert [d["owner"] for d in json.loads(run("deal", "list", "--json").stdout)] == ["tester", "carol"]


# --- smaller things a manager trips on -------------------------------------------------------------


def test_followup_window_is_in_the_title_and_today_is_not_zero_days_ago(run):
    run("deal", "new", "--name", "x")
    run("deal", "new", "--name", "y")
    run("log", "add", "2", "--kind", "call", "--outcome", "connected", "--date", "2026-06-01T09:00")
    out = run("followup", "--days", "30", "--today", "2026-06-01").stdout
    assert "Follow-ups due in the 30 days from 2026-06-01 (to 2026-07-01)" in out
    assert "Never contacted" in out and "0 days ago" not in out and "Touched today" in out
    assert "Follow-ups as of 2026-06-01" in run("followup", "--today", "2026-06-01").stdout
    assert "Nothing due by 2026-06-02." in run("followup", "--days", "1", "--today", "2026-06-01", "--owner", "z").stdout


def test_times_are_shown_in_the_local_time_zone(run):
    """conftest sets TZ=Asia/Shanghai: a call logged at 23:30 UTC is 07:30 the next morning here."""
    run("deal", "new", "--name", "x")
    run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--date", "2026-03-01T23:30:00+00:00")
    assert "2026-03-02 07:30" in run("log", "1").stdout
    shown = run("deal", "show", "1").stdout
    history = json.loads(run("deal", "show", "1", "--json").stdout)["history"]
    local = dt.datetime.fromisoformat(history[0]["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    assert local in shown


def test_pickers_offer_open_deals_first_and_mark_closed_ones(store):
    from dealcoach.usecases.reading import deal_choices

    for name, status in (("a", "open"), ("b", "won"), ("c", "open"), ("d", "lost")):
        store.add(Deal(name=name, status=status), "amy")
    assert deal_choices(store, "en") == [(1, "1: a"), (3, "3: c"), (2, "2: b [won]"), (4, "4: d [lost]")]
    assert deal_choices(store, "zh")[2] == (2, "2: b [已赢单]")


def test_a_png_without_a_chinese_font_says_what_to_install(run, tmp_path, monkeypatch):
    if not shutil.which("dot"):
        pytest.skip("Graphviz is not installed: no PNG to draw")
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    # a fontconfig that knows no Chinese font: a real program on PATH answering as fc-list would
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "fc-list").write_text("#!/bin/sh\nexit 0\n")
    (fake / "fc-list").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    result = run("map", "1", "--format", "png", "-o", str(tmp_path / "map.png"))
    assert result.exit_code == 0 and "no Chinese font is installed" in result.stderr
    assert "fonts-noto-cjk" in result.stderr and (tmp_path / "map.png").exists()
    monkeypatch.undo()
    if shutil.which("fc-list") and subprocess.run(["fc-list", ":lang=zh"], capture_output=True).stdout.strip():
        clean = run("map", "1", "--format", "png", "-o", str(tmp_path / "map2.png"))
        assert "no Chinese font" not in clean.stderr


def test_json_writes_tiny_floats_as_python_does(store, run):
    """A row is encoded in Rust, which writes 0.00003 where json.dumps writes 3e-05: such a row
    is written as json.dumps writes it, like every other --json."""
    store.add(Deal(name="Tiny", amount=1.0, probability=0.00003, owner="amy"), "amy")
    result = run("pipeline", "--today", TODAY, "--json")
    assert result.exit_code == 0, result.stderr
    assert '"weighted": 3e-05,' in result.stdout and "0.00003" not in result.stdout
    assert json.loads(result.stdout)["rows"][0]["weighted"] == 3e-05
