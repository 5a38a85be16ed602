"""The manager's pipeline review (项目分析会): every deal on one line, ranked by risk, with totals,
a forecast, a table per rep and what changed since a date. Pure: no store, no terminal.

Each line reuses the one place of each rule: the stage, the customer's step, the warnings and the
next actions come from `coaching.diagnosis.diagnose`; the grade, the last touch and the next
follow-up from `coaching.followup.rhythm_of` (the rhythm `follow_up_for` puts in words); the per-rep
weakest step from `coaching.funnel.compute_funnel`.

Risk score of an open deal (0..155; closed deals score 0):
- warnings: 30 per high, 15 per medium, 5 per low warning, at most 60;
- stage gap: 15 per step the customer is ahead of our sales stage, at most 45 (a customer behind
  us is no risk);
- staleness: the days the follow-up is overdue by the grade's rhythm, at most 30; a deal never
  contacted counts 30;
- size: 20 x the amount / the largest amount in the same currency among the deals reviewed (no
  amount: 0), so of two equally troubled deals the bigger one comes first.
A deal is *at risk* when it is open and has a high-severity warning or the customer is ahead of us.

Money is never summed across currencies: every total is a list of per-currency sums. The weighted
amount is amount x probability for an open deal, the amount for a won deal and 0 for a lost one;
deals without an amount, or open deals without a probability, are counted apart and never as zero.
The forecast counts open deals whose expected close falls in the next 30 and 90 days; open deals
whose close date has passed, or that have none, are counted apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from operator import attrgetter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal, NamedTuple

from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic_core import core_schema

from dealcoach.coaching.diagnosis import (
    BriefLine,
    Diagnosis,
    DiagnosisBrief,
    brief_line,
    current_stage_index,
    customer_position,
    diagnose_brief,
)
from dealcoach.coaching.followup import PLAN_FIELDS, rhythm_of
from dealcoach.coaching.funnel import FUNNEL_FIELDS, Funnel, FunnelFacts, compute_funnel, funnel_facts
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.jsonout import KeptRows
from dealcoach.playbook.models import Playbook, RoleCatalog
from dealcoach.playbook.variants import for_industry

SEVERITY_POINTS = {"high": 30, "medium": 15, "low": 5}
MAX_WARNING_POINTS = 60
GAP_POINTS, MAX_GAP_POINTS = 15, 45
MAX_STALE_POINTS = 30
SIZE_POINTS = 20
FORECAST_DAYS = (30, 90)
SORTS = ("risk", "amount", "close", "stale", "grade", "owner", "name", "id")
Status = Literal["open", "won", "lost", "all"]


class WarningRef(BaseModel):
    id: str
    severity: Literal["high", "medium", "low"]
    message: str


class Risk(BaseModel):
    score: float
    warnings: float
    gap: float
    staleness: float
    size: float


class PipelineRow(BaseModel):
    deal_id: int | None
    name: str
    account: str | None
    owner: str | None
    status: Literal["open", "won", "lost"]
    amount: float | None
    currency: str
    expected_close: dt.date | None
    probability: float | None
    weighted: float | None
    grade: str | None
    grade_source: str
    stage: str
    stage_name: str
    stage_index: int
    customer_step: str
    customer_step_name: str
    customer_step_index: int
    customer_step_source: str
    gap: int  # customer's step minus our stage: > 0 the customer is ahead of us
    warnings: list[WarningRef]
    top_warning: WarningRef | None
    last_touch: dt.date | None
    days_since_touch: int | None
    next_follow_up: dt.date | None
    follow_up_overdue: int
    next_action: str | None
    risk: Risk
    at_risk: bool


class Money(BaseModel):
    currency: str
    amount: float
    weighted: float


class Totals(BaseModel):
    """One group of deals (a stage, a grade, a forecast window, a rep): how many and how much."""

    key: str
    name: str
    count: int
    money: list[Money]
    without_amount: int  # counted apart, never as zero
    without_probability: int  # open deals with an amount but no probability: not weighted


class Forecast(Totals):
    days: int
    until: dt.date


class RepRow(Totals):
    at_risk: int
    overdue_follow_ups: int
    weakest_step: str | None
    weakest_note: str | None  # why no weakest step is named (too few)


class Change(BaseModel):
    kind: Literal["new", "stage", "customer_step", "close_date", "amount", "probability", "status", "owner",
                  "warning_new", "warning_resolved"]
    before: str | None = None
    after: str | None = None
    text: str


class DealChanges(BaseModel):
    deal_id: int | None
    name: str
    owner: str | None
    changes: list[Change]


class PipelineFilters(BaseModel):
    owner: str | None = None
    stage: str | None = None
    grade: list[str] = []
    status: Status = "open"
    at_risk: bool = False
    stale: int | None = None
    sort: str = "risk"


class ReviewLines(KeptRows[PipelineRow]):
    """The review's rows, kept compact (`Line`: a tuple each) and made into PipelineRow models one
    at a time as they are read: `--json` writes 100,000 of them as each is made, a table shows 50.
    As a field of a model it validates and serialises as `list[PipelineRow]`."""

    __slots__ = ("_rows",)

    def __init__(self, lines: Iterable[Line | PipelineRow] = ()) -> None:
        self._rows = list(lines)

    def _made(self, kept: object) -> PipelineRow:
        return line_model(kept)  # type: ignore[arg-type]

    def lines(self) -> Iterator[Line | PipelineRow]:
        """The kept lines as they are (their fields by name), for a caller reading a few values of
        each (`deal list --json`'s records): no model made."""
        return iter(self._rows)

    def json_rows(self) -> Iterator[bytes]:
        """Each row as `model_dump_json(indent=2)` writes it, encoded in Rust from the kept values
        without making the model (the same bytes: the same serializer for every value type a row
        holds; tests/test_bulk_reads.py compares them)."""
        from pydantic import TypeAdapter

        encode = TypeAdapter(object).dump_json
        for line in self._rows:
            yield encode(_line_values(line), indent=2) if not isinstance(line, PipelineRow) else \
                line.model_dump_json(indent=2).encode()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ReviewLines({len(self)} rows)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        rows = handler.generate_schema(list[PipelineRow])
        return core_schema.union_schema(
            [core_schema.is_instance_schema(cls), core_schema.chain_schema([rows, core_schema.no_info_plain_validator_function(cls)])],
            serialization=core_schema.plain_serializer_function_ser_schema(list, return_schema=rows))


class PipelineReview(BaseModel):
    today: dt.date
    filters: PipelineFilters
    rows: ReviewLines
    by_stage: list[Totals]
    by_grade: list[Totals]
    forecast: list[Forecast]
    past_close: int  # open deals whose expected close has passed: the date needs updating
    without_close: int  # open deals with no expected close
    reps: list[RepRow]
    funnel: Funnel | None = None  # of every deal read (all statuses): the team's funnel
    since: dt.date | None = None
    changes: list[DealChanges] | None = None
    history_note: str | None = None  # when --since finds nothing to compare with
    empty: str | None = None  # the sentence shown instead of an empty table


# --- one deal ----------------------------------------------------------------------------------


def weighted_amount(deal: Deal) -> float | None:
    if deal.amount is None:
        return None
    if deal.status == "won":
        return deal.amount
    if deal.status == "lost":
        return 0.0
    return None if deal.probability is None else deal.amount * deal.probability


def pipeline_row(deal: Deal, playbook: Playbook, catalog: RoleCatalog, today: dt.date, lang: Lang,
                 diagnosis: Diagnosis | DiagnosisBrief | None = None, light: bool = False) -> PipelineRow:
    """One deal as a line of the review; its risk is scored later, against the deals beside it.

    `light`: only the positions (our stage, the customer's step), the grade and the follow-up, for
    `deal list`: the warning rules and next actions are not run (no warnings, no next action)."""
    return line_model(deal_line(deal, playbook, catalog, today, lang, diagnosis, light))


class WarningLine(NamedTuple):
    """A `WarningRef` as the review keeps it (`Line`)."""

    id: str
    severity: str
    message: str


class RiskLine(NamedTuple):
    """A `Risk` as the review keeps it (`Line`)."""

    score: float
    warnings: float
    gap: float
    staleness: float
    size: float


# A line of the review as it is kept until it is shown or written: the fields of PipelineRow, by the
# same names, in a tuple (warnings as WarningLine, the risk as RiskLine). 100,000 PipelineRow models
# would hold about 500 MB; these hold a fifth of it. `line_model` makes the model of one.
Line = NamedTuple("Line", [(name, object) for name in PipelineRow.model_fields])  # type: ignore[misc]
_NO_RISK = RiskLine(0.0, 0.0, 0.0, 0.0, 0.0)


def deal_line(deal: Deal, playbook: Playbook, catalog: RoleCatalog, today: dt.date, lang: Lang,
              diagnosis: Diagnosis | DiagnosisBrief | BriefLine | None = None, light: bool = False,
              shared: dict | None = None) -> Line:
    """`pipeline_row`'s values, kept compact (`Line`). `shared`: the warnings and next actions of
    the lines made before, by value: a line whose warnings or next action say what an earlier one
    says holds the earlier one's (a rule without names says the same for thousands of deals)."""
    # a line shows the rhythm alone (not the sentences, pretexts, whom to borrow strength from)
    rhythm = rhythm_of(deal, for_industry(playbook, deal.industry), today)
    last_touch = rhythm.last_touch
    is_open = deal.status == "open"
    if light and diagnosis is None:
        stage_index, _ = current_stage_index(playbook, deal.done_ids())
        step_index, step_source, _ = customer_position(deal, playbook, stage_index)
        stage, step = playbook.stages[stage_index], playbook.customer_steps[step_index]
        position = (stage.id, stage.name.get(lang), stage_index, step.id, step.name.get(lang), step_index, step_source)
        warnings: tuple[WarningLine, ...] = ()
        action = None
    elif isinstance(diagnosis, BriefLine) or diagnosis is None:
        brief = diagnosis or brief_line(deal, playbook, catalog, lang)
        position = brief[:7]
        warnings = tuple(WarningLine(*warning) for warning in brief.warnings) if is_open else ()
        action = brief.next_action if is_open else None
    else:
        position = (diagnosis.sales_stage.id, diagnosis.sales_stage.name, diagnosis.sales_stage.index,
                    diagnosis.customer_step.id, diagnosis.customer_step.name, diagnosis.customer_step.index,
                    diagnosis.customer_step.source)
        warnings = tuple(WarningLine(w.id, w.severity, w.message) for w in diagnosis.warnings) if is_open else ()
        action = diagnosis.next_actions[0].text if is_open and diagnosis.next_actions else None
    if shared is not None:
        warnings = shared.setdefault(warnings, warnings)
        action = shared.setdefault(action, action)
    gap = position[5] - position[2]
    return Line(
        deal_id=deal.id, name=deal.name, account=deal.account, owner=deal.owner, status=deal.status,
        amount=deal.amount, currency=deal.currency, expected_close=deal.expected_close,
        probability=deal.probability, weighted=weighted_amount(deal),
        grade=rhythm.grade, grade_source=rhythm.grade_source,
        stage=position[0], stage_name=position[1], stage_index=position[2], customer_step=position[3],
        customer_step_name=position[4], customer_step_index=position[5], customer_step_source=position[6],
        gap=gap, warnings=warnings, top_warning=warnings[0] if warnings else None, last_touch=last_touch,
        days_since_touch=(today - last_touch).days if last_touch else None,
        next_follow_up=rhythm.due if is_open else None,
        follow_up_overdue=max((today - rhythm.due).days, 0) if is_open else 0,
        next_action=action,
        risk=_NO_RISK,
        at_risk=is_open and (gap > 0 or any(w.severity == "high" for w in warnings)),
    )


def line_model(line: Line | PipelineRow) -> PipelineRow:
    """The PipelineRow of a kept line (validated from its values in Rust: faster than
    `model_construct`, which sets each field in Python)."""
    if isinstance(line, PipelineRow):
        return line
    return PipelineRow.model_validate(_line_values(line))


def _line_values(line: Line) -> dict:
    """A line's values as `PipelineRow.model_dump()` has them (the warnings and risk as dicts)."""
    values = line._asdict()
    warnings = [warning._asdict() for warning in line.warnings]
    values.update(warnings=warnings, top_warning=warnings[0] if warnings else None, risk=line.risk._asdict())
    return values


# What a light line (`pipeline_row(light=True)`, `deal list` without --at-risk) reads of a deal:
# bulk callers read only these (`store.deal_views(LINE_FIELDS)`); tests/test_bulk_reads.py compares
# the lines with those of whole deals.
LINE_FIELDS = {**PLAN_FIELDS, "done": {"id"}, "customer_step": ..., "signals": ..., "amount": ..., "currency": ...,
               "probability": ...}


# What the review reads of a deal (`build_review`: the diagnosis, the follow-up rhythm, the funnel
# facts, what changed): every field but what nobody on a line reads (the deal's notes, the reasons
# given for a close and for a grade, each activity's note, ...). Bulk callers read these
# (`store.deal_views(REVIEW_FIELDS)`); tests/test_bulk_reads.py compares the review with that of
# whole deals.
def _review_fields() -> dict:
    from dealcoach.deals.models import Activity, Person

    unread = {"notes", "close_reason", "manual_grade_reason"}
    fields: dict = {name: ... for name in Deal.model_fields if name not in unread}
    # no rule, evidence or rhythm reads a person's title, department, phone or own pains, nor an
    # activity's id, author, pains or next step
    fields["people"] = {name for name in Person.model_fields if name not in ("title", "department", "phone", "pains")}
    fields["activities"] = {name for name in Activity.model_fields
                            if name not in ("note", "id", "by", "pains", "next_step_at")}
    return fields


REVIEW_FIELDS = _review_fields()
# ... and of a deal whose status the review does not show, what the funnel reads (`funnel_facts`,
# the activity counts)
FUNNEL_VIEW = {**FUNNEL_FIELDS, "activities": {"date", "kind", "outcome"}}


def deal_lines(deals: Iterable[Deal], playbooks: Mapping[str, Playbook], catalog: RoleCatalog, today: dt.date,
               lang: Lang, filters: PipelineFilters) -> tuple[ReviewLines, str | None]:
    """`deal list`: the light lines of the deals the filters keep (warnings only run for --at-risk),
    in id order unless a sort is asked; with the sentence to show when none is kept. `deals` is read
    once and no deal is kept (a stream from the store works); the lines are kept compact (`Line`)."""
    lines, statuses, shared = [], [], {}
    for deal in deals:
        statuses.append(deal.status)
        line = deal_line(deal, playbooks[deal.playbook], catalog, today, lang, light=not filters.at_risk,
                         shared=shared)
        if keep(line, filters):
            lines.append(line)
    if filters.sort != "id":  # the risk is scored against every line
        lines = rank_rows(lines, filters.sort)
    return ReviewLines(lines), None if lines else _empty_sentence(filters, statuses, lang)


def score_risk(row: PipelineRow | Line, largest: dict[str, float]) -> Risk:
    """The documented risk score (module docstring); `largest` is the biggest amount per currency."""
    return Risk(**_risk(row, largest)._asdict())


def _risk(row: PipelineRow | Line, largest: dict[str, float]) -> RiskLine:
    if row.status != "open":
        return _NO_RISK
    warnings = min(MAX_WARNING_POINTS, sum(SEVERITY_POINTS[w.severity] for w in row.warnings))
    gap = min(MAX_GAP_POINTS, GAP_POINTS * max(0, row.gap))
    staleness = MAX_STALE_POINTS if row.last_touch is None else min(MAX_STALE_POINTS, row.follow_up_overdue)
    top = largest.get(row.currency)
    size = SIZE_POINTS * row.amount / top if row.amount and top else 0.0
    return RiskLine(score=float(round(warnings + gap + staleness + size, 2)), warnings=float(warnings), gap=float(gap),
                    staleness=float(staleness), size=float(round(size, 2)))


def rank_rows(rows: list, sort: str = "risk") -> list:
    """Scores every row's risk against the others (setting `risk` on each: PipelineRow models, or
    kept `Line`s), then orders them (risk: highest first)."""
    largest: dict[str, float] = {}
    for row in rows:
        if row.status == "open" and row.amount:
            largest[row.currency] = max(largest.get(row.currency, 0.0), row.amount)
    for index, row in enumerate(rows):  # in place: a copy of 100,000 lines would hold them twice
        if isinstance(row, PipelineRow):
            row.risk = score_risk(row, largest)
        else:
            rows[index] = row._replace(risk=_risk(row, largest))
    scored = rows
    far = dt.date.max
    keys = {
        "risk": lambda r: (-r.risk.score, r.expected_close or far, r.name),
        "amount": lambda r: (r.currency, -(r.amount if r.amount is not None else -1), r.name),
        "close": lambda r: (r.expected_close or far, r.name),
        "stale": lambda r: (-(r.days_since_touch if r.days_since_touch is not None else 10**6), r.name),
        "grade": lambda r: (r.grade or "Z", -r.risk.score, r.name),
        "owner": lambda r: (r.owner or "", -r.risk.score, r.name),
        "name": lambda r: (r.name,),
        "id": lambda r: (r.deal_id or 0,),
    }
    return sorted(scored, key=keys[sort])


def keep(row: PipelineRow, filters: PipelineFilters) -> bool:
    if filters.status != "all" and row.status != filters.status:
        return False
    if filters.owner is not None and row.owner != filters.owner:
        return False
    if filters.stage is not None and row.stage != filters.stage:
        return False
    if filters.grade and (row.grade or "-") not in filters.grade:
        return False
    if filters.at_risk and not row.at_risk:
        return False
    if filters.stale is not None and row.days_since_touch is not None and row.days_since_touch < filters.stale:
        return False  # never contacted counts as stale
    return True


# --- totals ------------------------------------------------------------------------------------


def totals(key: str, name: str, rows: Iterable[PipelineRow]) -> Totals:
    count = without_amount = without_probability = 0
    sums: dict[str, list[float]] = {}
    for row in rows:
        count += 1
        if row.amount is None:
            without_amount += 1
            continue
        money = sums.setdefault(row.currency, [0.0, 0.0])
        money[0] += row.amount
        if row.weighted is None:
            without_probability += 1
        else:
            money[1] += row.weighted
    return Totals(key=key, name=name, count=count,
                  money=[Money(currency=c, amount=a, weighted=w) for c, (a, w) in sorted(sums.items())],
                  without_amount=without_amount, without_probability=without_probability)


def _by_stage(rows: list[PipelineRow], lang: Lang) -> list[Totals]:
    groups: dict[str, list[PipelineRow]] = {}
    names: dict[str, str] = {}
    order: dict[str, tuple] = {}
    for row in rows:
        groups.setdefault(row.stage, []).append(row)
        names[row.stage] = row.stage_name
        order[row.stage] = (row.stage_index, row.stage)
    return [totals(stage, names[stage], groups[stage]) for stage in sorted(groups, key=order.__getitem__)]


def _by_grade(rows: list[PipelineRow], lang: Lang) -> list[Totals]:
    groups: dict[str, list[PipelineRow]] = {}
    for row in rows:
        groups.setdefault(row.grade or "-", []).append(row)
    return [totals(grade, grade if grade != "-" else message("pipeline.ungraded", lang), groups[grade])
            for grade in sorted(groups, key=lambda g: "ABCD-".find(g) if g in "ABCD-" else 9)]


def _forecast(rows: list[PipelineRow], today: dt.date, lang: Lang) -> tuple[list[Forecast], int, int]:
    open_rows = [r for r in rows if r.status == "open"]
    forecasts = []
    for days in FORECAST_DAYS:
        until = today + dt.timedelta(days=days)
        window = totals(f"{days}d", message("pipeline.next_days", lang, days=days),
                        [r for r in open_rows if r.expected_close and today <= r.expected_close <= until])
        forecasts.append(Forecast(**window.model_dump(), days=days, until=until))
    past = sum(1 for r in open_rows if r.expected_close and r.expected_close < today)
    missing = sum(1 for r in open_rows if r.expected_close is None)
    return forecasts, past, missing


def _reps(rows: list[PipelineRow], facts_by_owner: dict[str | None, list[FunnelFacts]], funnel_playbook: Playbook,
          lang: Lang, counts_by_owner: dict[str | None, Iterable[tuple]]) -> list[RepRow]:
    groups: dict[str | None, list[PipelineRow]] = {}
    for row in rows:
        groups.setdefault(row.owner, []).append(row)
    reps = []
    for owner in sorted(groups, key=lambda o: o or ""):
        mine = groups[owner]
        funnel = compute_funnel(facts_by_owner.get(owner, []), funnel_playbook, lang, owner=owner,
                                activity_counts=counts_by_owner.get(owner, []))
        weakest = next((r.name for r in funnel.rates if r.id == funnel.weakest), None)
        base = totals(owner or "", owner or message("pipeline.no_owner", lang), mine)
        reps.append(RepRow(**base.model_dump(), at_risk=sum(r.at_risk for r in mine),
                           overdue_follow_ups=sum(1 for r in mine if r.follow_up_overdue > 0),
                           weakest_step=weakest, weakest_note=None if weakest else funnel.too_few))
    return reps


# --- what changed --------------------------------------------------------------------------------


class PastChange(BaseModel):
    """One history line since the date, already parsed: which fields went from what to what."""

    at: dt.datetime
    created: bool = False
    fields: dict[str, tuple[object, object]] = {}
    done_added: list[str] = []
    done_removed: list[str] = []
    people_added: list[str] = []


def deal_as_of(deal: Deal, later: list[PastChange]) -> Deal | None:
    """The deal as it was before the `later` changes (newest undone first); None if it was created
    after. Only what the history records is rewound: the done marks, the customer's step, close
    date, amount, probability, status, owner, and people added since."""
    if any(change.created for change in later):
        return None
    data = deal.model_dump()
    for change in sorted(later, key=lambda c: c.at, reverse=True):
        for field, (before, _after) in change.fields.items():
            if field in ("customer_step", "expected_close", "amount", "probability", "status", "owner", "currency"):
                data[field] = before
        if change.done_added or change.done_removed:
            marks = [m for m in data["done"] if m["id"] not in set(change.done_added)]
            marks += [{"id": item} for item in change.done_removed]
            data["done"] = marks
        if change.people_added:
            data["people"] = [p for p in data["people"] if p["name"] not in set(change.people_added)]
    try:
        return Deal.model_validate(data)
    except ValueError:  # a history line we cannot rewind (a hand-edited database): compare nothing
        return deal


def _show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:.0%}"
    return str(value)


def compare(before: Deal | None, now: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang,
            current: Diagnosis | DiagnosisBrief) -> list[Change]:
    """What moved between the deal at the `since` date and now."""
    if before is None:
        return [Change(kind="new", text=message("pipeline.change_new", lang))]
    was = diagnose_brief(before, playbook, catalog, lang)
    changes = []

    def add(kind: str, old: object, new: object, key: str | None = None) -> None:
        old_text, new_text = _show(old), _show(new)
        changes.append(Change(kind=kind, before=old_text, after=new_text,  # type: ignore[arg-type]
                              text=message(key or f"pipeline.change_{kind}", lang, before=old_text or "—",
                                           after=new_text or "—")))

    if was.sales_stage.id != current.sales_stage.id:
        add("stage", was.sales_stage.name, current.sales_stage.name)
    if was.customer_step.id != current.customer_step.id:
        add("customer_step", was.customer_step.name, current.customer_step.name)
    if before.expected_close != now.expected_close:
        pushed = before.expected_close and now.expected_close and now.expected_close > before.expected_close
        add("close_date", before.expected_close, now.expected_close,
            "pipeline.change_close_pushed" if pushed else "pipeline.change_close_date")
    if before.amount != now.amount:
        add("amount", before.amount, now.amount)
    if before.probability != now.probability:
        add("probability", before.probability, now.probability)
    if before.status != now.status:
        add("status", message(f"status.{before.status}", lang), message(f"status.{now.status}", lang))
    if before.owner != now.owner:
        add("owner", before.owner, now.owner)
    old_warnings = {w.id: w for w in was.warnings}
    new_warnings = {w.id: w for w in current.warnings}
    for warning_id, warning in new_warnings.items():
        if warning_id not in old_warnings and now.status == "open":
            changes.append(Change(kind="warning_new", after=warning_id,
                                  text=message("pipeline.change_warning_new", lang, warning=warning.message)))
    for warning_id, warning in old_warnings.items():
        if warning_id not in new_warnings or now.status != "open":
            changes.append(Change(kind="warning_resolved", before=warning_id,
                                  text=message("pipeline.change_warning_resolved", lang, warning=warning.message)))
    return changes


# --- the review ----------------------------------------------------------------------------------


def build_review(deals: Iterable[Deal], playbooks: Mapping[str, Playbook], catalog: RoleCatalog, today: dt.date,
                 lang: Lang, filters: PipelineFilters | None = None, funnel_playbook: Playbook | None = None,
                 activity_counts: list | None = None, since: dt.date | None = None,
                 history: dict[int, list[PastChange]] | None = None) -> PipelineReview:
    """The review of `deals` (every deal the filters may pick from; the funnel per rep needs the
    closed ones too). `deals` is read once and only the lines and each deal's funnel facts are kept:
    a stream from the store works. `activity_counts`: the store's GROUP BY of the deals' activities
    (`activity_counts(per_deal=True)`); without it they are counted here from the deals read.
    `history`: per deal id, the parsed history lines after `since`."""
    filters = filters or PipelineFilters()
    rows: list[Line] = []
    facts_by_owner: dict[str | None, list[FunnelFacts]] = {}
    owners: dict[int, str | None] = {}
    counted = _DealCounts()
    shared: dict = {}
    changes: list[DealChanges] = []
    any_history = False
    for index, deal in enumerate(deals):
        facts = funnel_facts(deal, -1 - index)
        facts_by_owner.setdefault(deal.owner, []).append(facts)
        if activity_counts is None:
            counted.add(facts.key, deal)
        else:
            owners[facts.key] = deal.owner
        if filters.status != "all" and deal.status != filters.status:
            continue  # kept for the funnel; never diagnosed (the rules are most of the cost)
        playbook = playbooks[deal.playbook]
        # a closed deal's line shows its positions only (no warnings, no next action)
        closed = deal.status != "open"
        row = deal_line(deal, playbook, catalog, today, lang, brief_line(deal, playbook, catalog, lang, closed),
                        shared=shared)
        if not keep(row, filters):
            continue
        rows.append(row)
        if since is not None and history is not None:
            later = history.get(deal.id, [])  # type: ignore[arg-type]
            if later:
                any_history = True
                current = diagnose_brief(deal, playbook, catalog, lang, positions_only=closed)
                found = compare(deal_as_of(deal, later), deal, playbook, catalog, lang, current)
                if found:
                    changes.append(DealChanges(deal_id=deal.id, name=deal.name, owner=deal.owner, changes=found))
    del shared
    counts: Iterable[tuple] = counted if activity_counts is None else activity_counts
    counts_by_owner: dict[str | None, Iterable[tuple]] = {}
    if activity_counts is None:
        counts_by_owner = {owner: counted.of(owner) for owner in facts_by_owner}
    else:
        for count in counts:
            if count[0] in owners:
                counts_by_owner.setdefault(owners[count[0]], []).append(count)  # type: ignore[union-attr]
    ranked = rank_rows(rows, filters.sort)
    forecasts, past, missing = _forecast(ranked, today, lang)
    if changes:
        order = {row.deal_id: index for index, row in enumerate(ranked)}
        changes.sort(key=lambda c: order.get(c.deal_id, 0))
    all_facts = [fact for group in facts_by_owner.values() for fact in group]
    funnel_book = funnel_playbook or (next(iter(playbooks.values())) if playbooks else None)
    history_note = None
    if since is not None and not any_history:
        history_note = message("pipeline.no_history", lang, since=since.isoformat())
    return PipelineReview(
        today=today, filters=filters, rows=ReviewLines(ranked), by_stage=_by_stage(ranked, lang),
        by_grade=_by_grade(ranked, lang), forecast=forecasts, past_close=past, without_close=missing,
        reps=_reps(ranked, facts_by_owner, funnel_book, lang, counts_by_owner) if ranked and funnel_book else [],
        funnel=compute_funnel(all_facts, funnel_book, lang, activity_counts=counts)
        if all_facts and funnel_book else None,
        since=since, changes=changes if since is not None else None, history_note=history_note,
        empty=None if ranked else _empty_sentence(filters, [fact.status for fact in all_facts], lang),
    )


_KIND_OUTCOME = attrgetter("kind", "outcome")


class _DealCounts:
    """The GROUP BY (deal, kind, outcome) of every deal's activities (`group_activities`), kept as one
    flat tuple per deal (100,000 deals have about 700,000 groups) and by the deal's owner; iterated
    as the store's `activity_counts(per_deal=True)` rows, (deal, status, kind, outcome, count): all
    of them, or one owner's (`of`)."""

    def __init__(self, by_owner: dict | None = None) -> None:
        self._by_owner: dict[str | None, list[tuple]] = by_owner if by_owner is not None else {}

    def add(self, key: int, deal: Deal) -> None:
        # group_activities of one deal, without its window (counted in C, in the order first seen)
        counts = Counter(map(_KIND_OUTCOME, deal.activities))
        flat = tuple(value for (kind, outcome), count in counts.items() for value in (kind, outcome, count))
        self._by_owner.setdefault(deal.owner, []).append((key, deal.status, flat))

    def of(self, owner: str | None) -> _DealCounts:
        return _DealCounts({owner: self._by_owner.get(owner, [])})

    def __iter__(self) -> Iterator[tuple]:
        for deals in self._by_owner.values():
            for key, status, flat in deals:
                for at in range(0, len(flat), 3):
                    yield key, status, flat[at], flat[at + 1], flat[at + 2]


def _empty_sentence(filters: PipelineFilters, statuses: list[str], lang: Lang) -> str:
    """A clear sentence instead of an empty table: why nothing is shown (`statuses`: of every deal read)."""
    if not statuses:
        if filters.owner is not None:
            return message("pipeline.no_deals_owner", lang, owner=filters.owner)
        return message("deal.none", lang)
    if filters.status == "open" and all(status != "open" for status in statuses):
        return message("pipeline.all_closed", lang, total=len(statuses))
    return message("pipeline.none_match", lang, total=len(statuses))


def to_jsonable(review: PipelineReview) -> dict:
    return json.loads(review.model_dump_json())
