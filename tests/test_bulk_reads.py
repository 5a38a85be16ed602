"""The bulk commands read the store in one streamed query (only the fields they need, counts in SQL)
and give, byte for byte, what reading each deal whole with `store.get` gives: on a few hundred
deals unlike each other, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import get_args

import pytest

from dealcoach.deals.models import Activity, ComputedGrade, Competitor, Deal, DoneMark, Meeting, Person
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.playbook.schema.common import Attitude, Contact, Influence, Level

TODAY = dt.date(2026, 7, 1)
ZONES = [dt.timezone(dt.timedelta(hours=8)), dt.timezone.utc, dt.timezone(dt.timedelta(hours=-5))]
KINDS = [("call", "no-answer"), ("call", "connected"), ("call", "meeting-booked"), ("call", "refused"),
         ("visit", "held"), ("visit", "cancelled"), ("meeting", "held"), ("demo", "held"), ("email", "sent"),
         ("email", "replied"), ("other", "done")]


def _varied_deal(rng: random.Random, number: int) -> Deal:
    playbook = load_playbook(rng.choice(["six-step", "six-step", "eight-step"]))
    catalog = load_catalog()
    role_ids = sorted({role.id for role in catalog.roles} | {group.id for group in catalog.equivalences})
    names = [f"人{number}-{n}" for n in range(rng.randint(0, 6))]
    people = [Person(name=name, roles=rng.sample(role_ids, rng.randint(0, 2)),
                     attitude=rng.choice(get_args(Attitude)), influence=rng.choice(get_args(Influence)),
                     contact=rng.choice(get_args(Contact)), level=rng.choice([None, *get_args(Level)]),
                     new=rng.random() < 0.2, plan=rng.choice([None, "先约\u2028见面"]),
                     reports_to=rng.choice([None, *names[:index]]))
              for index, name in enumerate(names)]
    checkable = sorted(playbook.checkable_ids())
    done = [DoneMark(id=item, date=rng.choice([None, dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 170))]))
            for item in rng.sample(checkable, rng.randint(0, min(12, len(checkable))))]
    activities = []
    for n in range(rng.randint(0, 12)):
        kind, outcome = rng.choice(KINDS)
        at = dt.datetime(2026, 1, 1, 23, 30, tzinfo=rng.choice(ZONES)) + dt.timedelta(days=rng.randint(0, 200))
        meeting = Meeting(at=at + dt.timedelta(days=rng.randint(-10, 30)), place="会议室 \"A\"",
                          attendees=names[:1], topics=["预算"]) if outcome == "meeting-booked" else None
        activities.append(Activity(
            date=at, kind=kind, outcome=outcome, contact=rng.choice([None, *names]),
            note=rng.choice([None, f"第{n}次 \\ \"跟进\"\n下一步"]), meeting=meeting,
            pretext=rng.choice([None, "knowledge", "gift", "offer"]),
            next_step_at=at + dt.timedelta(days=rng.randint(1, 40)) if kind == "visit" and rng.random() < 0.5 else None,
            form={"next-step": "报价"} if kind == "visit" else {}))
    status = rng.choice(["open", "open", "open", "won", "lost"])
    grade = rng.choice([None, "A", "B", "C", "D"])
    return Deal(
        name=f"deal {number} {rng.choice(['宁夏', 'Acme', '北京'])}", playbook=playbook.id,
        account=rng.choice([None, f"客户{number % 17}"]), done=done, people=people, activities=activities,
        customer_step=rng.choice([None, None, *(s.id for s in playbook.customer_steps)]),
        signals=rng.sample([s.id for step in playbook.customer_steps for s in step.signals], rng.randint(0, 2)),
        competitors=[Competitor(name="B公司")] if rng.random() < 0.4 else [],
        amount=rng.choice([None, 120000.0, 5e5, 12345.67]), currency=rng.choice(["CNY", "CNY", "USD"]),
        probability=rng.choice([None, 0.1, 0.35, 0.9]),
        expected_close=rng.choice([None, TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=rng.randint(1, 120))]),
        status=status, closed_on=TODAY - dt.timedelta(days=rng.randint(1, 200)) if status != "open" else None,
        vip=rng.random() < 0.3, loyal=rng.random() < 0.2, manual_grade=grade if rng.random() < 0.5 else None,
        computed_grade=ComputedGrade(grade=grade, rule="test", on=TODAY) if grade and rng.random() < 0.5 else None,
        owner=rng.choice(["amy", "bob", "陈", None]), notes=rng.choice([None, "备注"]),
    )


@pytest.fixture
def varied(store):
    rng = random.Random(1515)
    ids = [store.add(_varied_deal(rng, number), "setup").id for number in range(240)]
    return store, ids


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def test_pipeline_streamed_equals_the_review_of_deals_read_one_by_one(varied, run):
    from dealcoach.coaching.pipeline import PipelineFilters, build_review

    store, ids = varied
    one_by_one = [store.get(deal_id) for deal_id in ids]
    playbooks = {playbook_id: load_playbook(playbook_id) for playbook_id in ("six-step", "eight-step")}
    for filters in (PipelineFilters(), PipelineFilters(owner="amy", status="all", sort="amount"),
                    PipelineFilters(status="all", at_risk=True, sort="stale")):
        deals = [d for d in one_by_one if filters.owner is None or d.owner == filters.owner]
        expected = build_review(deals, playbooks, load_catalog(), TODAY, "en", filters,
                                funnel_playbook=playbooks["six-step"],
                                activity_counts=store.activity_counts(owner=filters.owner, per_deal=True))
        argv = ["pipeline", "--json", "--today", TODAY.isoformat(), "--status", filters.status, "--sort", filters.sort]
        argv += ["--owner", filters.owner] if filters.owner else []
        argv += ["--at-risk"] if filters.at_risk else []
        result = run(*argv)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == _json(expected.model_dump(mode="json")) + "\n"
        assert len(expected.rows) > 10 and expected.reps and expected.funnel is not None
    review = json.loads(run("pipeline", "--json", "--today", TODAY.isoformat()).stdout)
    assert sum(len(row["warnings"]) for row in review["rows"]) > 50
    assert sum(row["next_action"] is not None for row in review["rows"]) > 50


def test_funnel_from_sql_equals_the_funnel_of_deals_read_one_by_one(varied, run):
    from dealcoach.coaching.funnel import compute_funnel

    store, ids = varied
    one_by_one = [store.get(deal_id) for deal_id in ids]
    for since, until, owner, playbook in ((None, None, None, "six-step"),
                                          (dt.date(2026, 2, 1), dt.date(2026, 5, 31), "bob", "six-step"),
                                          (dt.date(2026, 3, 1), None, None, "eight-step")):
        expected = compute_funnel(one_by_one, load_playbook(playbook), "en", since=since, until=until, owner=owner)
        argv = ["funnel", "--json", "--playbook", playbook]
        argv += ["--since", since.isoformat()] if since else []
        argv += ["--until", until.isoformat()] if until else []
        argv += ["--owner", owner] if owner else []
        result = run(*argv)
        assert result.exit_code == 0, result.stderr
        data = expected.model_dump(mode="json")
        data.update({rate["id"]: rate for rate in data["rates"]})
        assert result.stdout == _json(data) + "\n"
        assert sum(stage.reached for stage in expected.stages) > 20 and expected.rates[0].denominator > 20


def test_followup_streamed_equals_the_plan_of_deals_read_one_by_one(varied, run):
    from dealcoach.coaching.followup import plan_follow_ups
    from dealcoach.usecases.followup import add_borrow_strength
    from dealcoach.usecases.reading import PlaybooksById

    store, ids = varied
    for owner, days in ((None, 0), ("amy", 400)):
        deals = [store.get(deal_id) for deal_id in ids]
        expected = plan_follow_ups([d for d in deals if owner is None or d.owner == owner], PlaybooksById(), TODAY,
                                   days, "en")
        expected = add_borrow_strength(store, expected, 50, PlaybooksById(), "en")  # for the rows a table shows
        argv = ["followup", "--json", "--today", TODAY.isoformat(), "--days", str(days)]
        argv += ["--owner", owner] if owner else []
        result = run(*argv)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == _json([item.model_dump(mode="json") for item in expected]) + "\n"
        assert len(expected) > 20 and any(item.pretext for item in expected)
        assert days == 0 or any(item.kind != "rhythm" for item in expected)


def test_deal_list_streamed_equals_the_lines_of_deals_read_one_by_one(varied, run):
    from dealcoach.coaching.pipeline import PipelineFilters, deal_lines

    store, ids = varied
    playbooks = {playbook_id: load_playbook(playbook_id) for playbook_id in ("six-step", "eight-step")}
    today = dt.date.today()  # deal list reviews as of today
    for filters, argv in ((PipelineFilters(status="all", sort="id"), []),
                          (PipelineFilters(status="open", owner="bob", sort="risk", at_risk=True),
                           ["--status", "open", "--owner", "bob", "--sort", "risk", "--at-risk"])):
        deals = [store.get(deal_id) for deal_id in ids]
        rows, _ = deal_lines([d for d in deals if filters.owner is None or d.owner == filters.owner], playbooks,
                             load_catalog(), today, "en", filters)
        summaries = {s.id: s for s in store.list_deals()}
        expected = [{**summaries[row.deal_id].model_dump(mode="json"), "status": row.status, "stage": row.stage,
                     "stage_name": row.stage_name, "customer_step": row.customer_step, "grade": row.grade,
                     "grade_source": row.grade_source,
                     "last_touch": row.last_touch.isoformat() if row.last_touch else None,
                     "next_follow_up": row.next_follow_up.isoformat() if row.next_follow_up else None}
                    for row in rows]
        result = run("deal", "list", "--json", *argv)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == _json(expected) + "\n"
        assert len(expected) > 5


def test_deal_list_shows_the_first_rows_and_says_how_many_more(run, store):
    for i in range(60):
        store.add(Deal(name=f"prospect {i:02d}"), "setup")
    table = run("deal", "list")
    assert "prospect 00" in table.stdout and "prospect 59" not in table.stdout
    assert "Showing the first 50; 10 more" in table.stdout
    assert "Showing the first 5; 55 more" in run("deal", "list", "--limit", "5").stdout
    every = run("deal", "list", "--all").stdout
    assert "more" not in every and all(f"prospect {i:02d}" in every for i in range(60))
    assert len(json.loads(run("deal", "list", "--json").stdout)) == 60
    assert "只显示前 50 个，另有 10 个" in run("deal", "list", "--lang", "zh").stdout


def test_the_review_keeps_its_lines_compact_and_reads_them_as_rows(varied):
    """The review keeps each line as a tuple (`ReviewLines`) and makes its PipelineRow when it is
    read: by index, by slice and in order they are the same rows, and the review serialises and
    validates back as a list of rows, to the byte of its JSON."""
    from dealcoach.coaching.pipeline import PipelineFilters, PipelineReview, PipelineRow, ReviewLines, build_review

    store, ids = varied
    playbooks = {playbook_id: load_playbook(playbook_id) for playbook_id in ("six-step", "eight-step")}
    review = build_review([store.get(deal_id) for deal_id in ids], playbooks, load_catalog(), TODAY, "en",
                          PipelineFilters(status="all"), funnel_playbook=playbooks["six-step"])
    rows = list(review.rows)
    assert isinstance(review.rows, ReviewLines) and all(isinstance(row, PipelineRow) for row in rows)
    assert len(rows) == len(review.rows) == len(ids)
    assert any(row.warnings for row in rows) and any(row.risk.score for row in rows)
    assert review.rows[:7] == rows[:7] and review.rows[-1] == rows[-1] and review.rows == rows
    data = review.model_dump(mode="json")
    assert data["rows"] == [row.model_dump(mode="json") for row in rows]
    again = PipelineReview.model_validate(data)
    assert isinstance(again.rows, ReviewLines) and again.model_dump_json() == review.model_dump_json()
    # --json writes each row encoded from the kept values, without the model: the model's bytes
    assert list(review.rows.json_rows()) == [row.model_dump_json(indent=2).encode() for row in rows]
