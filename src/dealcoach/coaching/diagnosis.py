"""Where a deal really stands, what is missing, what to do next. Pure functions; no terminal.

- An item is done when the rep ticked it, or when the facts on record evidence it (the item's
  `evidence:` condition in the playbook holds) and the rep has not overruled that (`overruled`).
- Our sales stage is the first stage whose key milestone or exit criteria are not all met.
- The customer's step is what the rep observed, else the latest step whose signals were seen, else
  assumed to match our stage (the output says which).
- Warnings come from the playbook's declarative rules (coaching/rules.py).
- Next actions are one ranked list, by what unblocks the deal: a high warning or a missing key
  milestone, then medium warnings, exit criteria and the people the stage needs by name, then work
  items and roles nobody holds yet; within a rank an action naming a person comes before one naming
  a role. An action a rule `covers` (or a milestone its text already names) is not said twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, Field

from dealcoach.coaching.position import CompetitivePosition, competitive_position
from dealcoach.coaching.shaping import (CriteriaView, CultureView, InsiderLadderView, criteria_view, culture_view,
                                       insider_ladder)
from dealcoach.coaching.rules import (
    Situation,
    compiled,
    customer_process_started,
    describe,
    evidence_for,
    holds,
    later_stage_work,
    people_holding,
    people_matching,
    role_name,
)
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook, RoleCatalog, Rule, Stage
from dealcoach.playbook.variants import for_industry
from dealcoach.sources import source_title
from dealcoach.textfill import fill

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class StepRef(BaseModel):
    id: str
    name: str
    index: int
    confidence: str


class CustomerStepRef(StepRef):
    source: Literal["observed", "signals", "assumed"]
    signals: list[str] = []


class SalesStageRef(StepRef):
    completed: bool = False


class ProcessRow(BaseModel):
    """One line of the side-by-side view: customer step i <-> sales stage i."""

    index: int
    customer_step: StepRef
    sales_stage: StepRef
    key_milestone: str
    gate_met: int
    gate_total: int
    status: Literal["passed", "current", "ahead"]
    confidence: str
    customer_here: bool
    we_are_here: bool


class MissingItem(BaseModel):
    id: str
    kind: Literal["key_milestone", "exit_criterion"]
    stage: str
    stage_name: str
    text: str
    verify: str | None = None
    confidence: str = Field(description="how far the source states it: confirmed, supported, inferred")


class Warning(BaseModel):
    id: str
    severity: Literal["high", "medium", "low"]
    message: str
    rule: str
    condition: str
    people: list[str] = []
    source: str


class EvidencedItem(BaseModel):
    """An item the recorded facts show done, and those facts (the rep may overrule it)."""

    id: str
    kind: Literal["work_item", "key_milestone", "exit_criterion"]
    stage: str
    text: str
    facts: list[str]
    confidence: str


class NextAction(BaseModel):
    text: str
    why: str
    how: str | None = None
    who: list[str] = []
    rank: int = Field(description="0 unblocks the deal (high warning, key milestone) .. 2 routine work")
    source: str
    confidence: str | None = Field(default=None, description="of the playbook item it coaches, if any")


class Diagnosis(BaseModel):
    deal: str
    deal_id: int | None
    playbook: str
    playbook_name: str
    sales_stage: SalesStageRef
    customer_step: CustomerStepRef
    processes: list[ProcessRow]
    missing: list[MissingItem]
    evidenced: list[EvidencedItem]
    warnings: list[Warning]
    next_actions: list[NextAction]
    advice: list[str]
    position: CompetitivePosition | None = Field(default=None, description="against the competitors on record")
    advice_now: list[str] = Field(default=[], description="the stage's advice that applies to this deal now")
    criteria: CriteriaView | None = Field(default=None, description="the purchase criteria: can they still be shaped, by whom, how")
    insider_ladder: InsiderLadderView | None = Field(default=None, description="the five steps to success: where the deal stands, the next rung")
    culture: CultureView | None = Field(default=None, description="the decision culture and the decision makers' styles")
    reconstructed: bool
    notes: list[str]


def current_stage_index(playbook: Playbook, done: set[str]) -> tuple[int, bool]:
    """(index of the first stage whose gate is not met, whether every stage is complete)."""
    for index, gate in enumerate(_per_playbook(playbook, "gates", _gates)):
        if not all(item in done for item in gate):
            return index, False
    return len(playbook.stages) - 1, True


def _gates(playbook: Playbook) -> list[list[str]]:
    """Each stage's `gate_ids()`, in order."""
    return [stage.gate_ids() for stage in playbook.stages]


def customer_position(deal: Deal, playbook: Playbook, stage_index: int) -> tuple[int, str, list[str]]:
    if deal.customer_step:
        return playbook.step_index(deal.customer_step), "observed", []
    seen = set(deal.signals)
    latest, evidence = -1, []
    for index, step in enumerate(playbook.customer_steps):
        hits = [s.id for s in step.signals if s.id in seen]
        if hits:
            latest, evidence = index, hits
    if latest >= 0:
        return latest, "signals", evidence
    return stage_index, "assumed", []


def evidenced_items(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang, *, facts: bool = True,
                    memo: dict | None = None) -> dict[str, list[str]]:
    """Items the rep has not ticked but the recorded facts evidence: id -> the facts, in the user's
    language. Ticks stay the rep's; an item the rep overruled is never evidenced. `facts=False`:
    which items only (the facts are left empty), for a diagnosis that never shows them."""
    # evidence conditions are about facts, not positions (the loader rejects stage/step conditions
    # in them), so the position given here does not matter
    situation = Situation(deal, playbook, catalog, 0, 0, frozenset(deal.done_ids()),
                          memo if memo is not None else {})
    ticked, overruled = situation.done, deal.overruled
    found: dict[str, list[str]] = {}
    for item_id, evidence, test in _per_playbook(playbook, "evidence", _evidence_tests):
        if item_id in ticked or item_id in overruled:
            continue
        if not facts:
            if test(situation):
                found[item_id] = []
            continue
        shown = evidence_for(evidence, situation, lang)
        if shown is not None:
            found[item_id] = shown
    return found


def _evidence_tests(playbook: Playbook) -> list[tuple]:
    """(item id, its evidence condition, that condition compiled) of each item with evidence, in order."""
    return [(item.id, item.evidence, compiled(item.evidence))
            for stage in playbook.stages for item in stage.items() if item.evidence is not None]


_PER_PLAYBOOK: dict[tuple[int, str], tuple[Playbook, object]] = {}


def _per_playbook(playbook: Playbook, what: str, make: Callable[[Playbook], Any]) -> Any:
    """`make(playbook)`, worked out once per playbook (a pipeline review diagnoses 100,000 deals
    against a few playbooks)."""
    key = (id(playbook), what)
    found = _PER_PLAYBOOK.get(key)
    if found is None or found[0] is not playbook:
        if len(_PER_PLAYBOOK) > 1024:  # playbooks loaded and dropped (tests)
            _PER_PLAYBOOK.clear()
        found = _PER_PLAYBOOK[key] = (playbook, make(playbook))
    return found[1]


def done_ids(deal: Deal, playbook: Playbook, catalog: RoleCatalog) -> set[str]:
    """What counts as done: the rep's ticks and what the facts evidence."""
    return deal.done_ids() | set(evidenced_items(deal, playbook, catalog, "en"))


class DiagnosisBrief(BaseModel):
    """What a line of the pipeline review reads of a diagnosis (`diagnose_brief`): the positions,
    the warnings and the first next action; each the same as `diagnose` gives."""

    sales_stage: SalesStageRef
    customer_step: CustomerStepRef
    warnings: list[Warning]
    next_actions: list[NextAction] = Field(description="the first next action only (or none)")


def _standing(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang, facts: bool = True):
    """What both diagnoses start from: the playbook as the deal's industry has it, the evidenced
    items, what is done, both positions."""
    playbook = for_industry(playbook, deal.industry)
    # the memo holds answers about the deal's people only (never about positions): shared by both
    memo: dict = {}
    evidence = evidenced_items(deal, playbook, catalog, lang, facts=facts, memo=memo)
    done = deal.done_ids() | set(evidence)
    stage_index, completed = current_stage_index(playbook, done)
    customer_index, customer_source, signals_seen = customer_position(deal, playbook, stage_index)
    situation = Situation(deal, playbook, catalog, stage_index, customer_index, frozenset(done), memo)
    return evidence, done, stage_index, completed, customer_index, customer_source, signals_seen, situation


def diagnose_brief(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang,
                   positions_only: bool = False) -> DiagnosisBrief:
    """`diagnose` for many deals at once (the pipeline review): only what a review line reads, so
    no process rows, evidenced items, competitive position or advice are built, and of the next
    actions only the first is looked for (the insider ladder is climbed only when its rung could
    be that first action). `positions_only`: our stage and the customer's step alone, no warnings
    and no next action (a closed deal's line)."""
    playbook, stage_index, completed, customer_index, customer_source, signals_seen, fired, actions = \
        _brief(deal, playbook, catalog, lang, positions_only)
    return DiagnosisBrief(
        sales_stage=SalesStageRef(**_ref_fields(playbook, "stages", stage_index, lang), completed=completed),
        customer_step=CustomerStepRef(**_ref_fields(playbook, "customer_steps", customer_index, lang),
                                      source=customer_source, signals=signals_seen),
        warnings=[_warning(found) for found in fired],
        next_actions=actions,
    )


class BriefLine(NamedTuple):
    """`diagnose_brief` as the values a pipeline line keeps, without its models (the same values)."""

    stage: str
    stage_name: str
    stage_index: int
    customer_step: str
    customer_step_name: str
    customer_step_index: int
    customer_step_source: str
    warnings: tuple[tuple[str, str, str], ...]  # (id, severity, message), in the order of `warnings`
    next_action: str | None  # the text of the first next action


def brief_line(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang,
               positions_only: bool = False) -> BriefLine:
    playbook, stage_index, _, customer_index, customer_source, _, fired, actions = \
        _brief(deal, playbook, catalog, lang, positions_only, text_only=True)
    stage, step = playbook.stages[stage_index], playbook.customer_steps[customer_index]
    return BriefLine(stage.id, _ref_fields(playbook, "stages", stage_index, lang)["name"], stage_index, step.id,
                     _ref_fields(playbook, "customer_steps", customer_index, lang)["name"], customer_index,
                     customer_source, tuple((found.rule.id, found.rule.severity, found.message) for found in fired),
                     actions[0] if actions else None)


def _brief(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang, positions_only: bool,
           text_only: bool = False) -> tuple:
    _, done, stage_index, completed, customer_index, customer_source, signals_seen, situation = \
        _standing(deal, playbook, catalog, lang, facts=False)
    playbook = situation.playbook  # as the deal's industry has it
    stage = playbook.stages[stage_index]
    fired = [] if positions_only else _fired(situation, lang)
    actions = [] if positions_only else _next_actions(
        situation, stage, fired, completed, lang,
        lambda: insider_ladder(situation, lambda names: _fields(situation, names, lang), lang), first_only=True,
        text_only=text_only)
    return playbook, stage_index, completed, customer_index, customer_source, signals_seen, fired, actions


def diagnose(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> Diagnosis:
    evidence, done, stage_index, completed, customer_index, customer_source, signals_seen, situation = \
        _standing(deal, playbook, catalog, lang)
    playbook = situation.playbook  # as the deal's industry has it
    stage = playbook.stages[stage_index]
    step = playbook.customer_steps[customer_index]

    rows = []
    for index, (row_step, row_stage) in enumerate(zip(playbook.customer_steps, playbook.stages, strict=True)):
        gate = row_stage.gate_ids()
        rows.append(ProcessRow(
            index=index,
            customer_step=_ref(row_step, index, lang),
            sales_stage=_ref(row_stage, index, lang),
            key_milestone=row_stage.key_milestone.text.get(lang),
            gate_met=sum(item in done for item in gate),
            gate_total=len(gate),
            status="passed" if index < stage_index or completed else "current" if index == stage_index else "ahead",
            confidence=playbook.pair_confidence(row_stage),
            customer_here=index == customer_index,
            we_are_here=index == stage_index,
        ))

    missing = _missing(playbook, done, stage_index, customer_index, lang) if not completed else []
    fired = _fired(situation, lang)
    warnings = [_warning(found) for found in fired]
    ladder = insider_ladder(situation, lambda names: _fields(situation, names, lang), lang)
    actions = _next_actions(situation, stage, fired, completed, lang, lambda: ladder)
    owner = playbook.checkable_ids()
    evidenced = [EvidencedItem(id=item_id, kind=_item_kind(playbook, item_id), stage=owner[item_id],
                               text=_item_text(playbook, item_id, lang), facts=facts,
                               confidence=playbook.item_confidence(item_id))
                 for item_id, facts in evidence.items()]

    notes = []
    if customer_source == "assumed":
        notes.append(message("note.customer_assumed", lang))
    reconstructed = playbook.pair_confidence(stage) == "inferred" or step.confidence == "inferred"
    if reconstructed:
        notes.append(message("note.reconstructed", lang))
    if completed:
        notes.append(message("note.completed", lang))

    return Diagnosis(
        deal=deal.name,
        deal_id=deal.id,
        playbook=playbook.id,
        playbook_name=playbook.name.get(lang),
        sales_stage=SalesStageRef(**_ref(stage, stage_index, lang).model_dump(), completed=completed),
        customer_step=CustomerStepRef(**_ref(step, customer_index, lang).model_dump(), source=customer_source,
                                      signals=signals_seen),
        processes=rows,
        missing=missing,
        evidenced=evidenced,
        warnings=warnings,
        next_actions=actions,
        advice=[a.text.get(lang) for a in stage.advice],
        position=competitive_position(situation, playbook.opportunity_analysis, lang),
        advice_now=[a.text.get(lang) for a in stage.advice if a.applies is not None and holds(a.applies, situation)],
        criteria=criteria_view(situation, lang),
        insider_ladder=ladder,
        culture=culture_view(situation, lang),
        reconstructed=reconstructed,
        notes=notes,
    )


def stage_caveat(playbook: Playbook, stage: Stage, lang: Lang) -> str | None:
    """What to say wherever a stage is coached (`stage`, `call-script`) when its source does not state
    it: the whole stage reconstructed, or the gate items of it that are inferred."""
    if playbook.pair_confidence(stage) == "inferred":
        return message("note.reconstructed", lang)
    inferred = [item.text.get(lang) for item in [stage.key_milestone, *stage.exit_criteria]
                if playbook.item_confidence(item.id) == "inferred"]
    if not inferred:
        return None
    return message("note.inferred_items", lang, items=("；" if lang != "en" else "; ").join(
        text.rstrip("。.") for text in inferred))


def _ref(item, index: int, lang: Lang) -> StepRef:
    return StepRef(id=item.id, name=item.name.get(lang), index=index, confidence=item.confidence)


_REFS: dict[tuple, tuple[Playbook, dict]] = {}


def _ref_fields(playbook: Playbook, kind: str, index: int, lang: Lang) -> dict:
    """The fields of `_ref` of a stage or customer step, worked out once per playbook (every deal of
    a pipeline review names one of a few stages). A copy: the caller may add to it."""
    key = (id(playbook), kind, index, lang)
    found = _REFS.get(key)
    if found is None or found[0] is not playbook:
        if len(_REFS) > 4096:  # playbooks built and dropped (tests)
            _REFS.clear()
        item = getattr(playbook, kind)[index]
        found = _REFS[key] = (playbook, {"id": item.id, "name": item.name.get(lang), "index": index,
                                         "confidence": item.confidence})
    return dict(found[1])


def _missing(playbook: Playbook, done: set[str], stage_index: int, customer_index: int, lang: Lang) -> list[MissingItem]:
    """Unmet gates of the current stage, and of every later stage the customer has already passed,
    or that later work skipped over."""
    owner = playbook.checkable_ids()
    furthest_done = max((playbook.stage_index(owner[i]) for i in done if i in owner), default=stage_index)
    last = max(stage_index, min(customer_index, len(playbook.stages) - 1), furthest_done)
    return [item for stage in playbook.stages[stage_index:last + 1] for item in _missing_in(playbook, stage, done, lang)]


def _missing_in(playbook: Playbook, stage: Stage, done: set[str], lang: Lang) -> list[MissingItem]:
    """The unmet gate items of one stage."""
    return [_missing_item(playbook, stage, item, kind, lang) for item, kind in _gate_items(stage) if item.id not in done]


def _gate_items(stage: Stage) -> list[tuple]:
    """The stage's gate in order, each item with its kind: the key milestone, then the exit criteria."""
    return [(stage.key_milestone, "key_milestone"), *((criterion, "exit_criterion") for criterion in stage.exit_criteria)]


def _missing_item(playbook: Playbook, stage: Stage, item, kind: str, lang: Lang) -> MissingItem:
    return MissingItem(id=item.id, kind=kind, stage=stage.id, stage_name=stage.name.get(lang),  # type: ignore[arg-type]
                       text=item.text.get(lang), verify=item.verify.get(lang) if item.verify else None,
                       confidence=playbook.item_confidence(item.id))


def _item_kind(playbook: Playbook, item_id: str) -> Literal["work_item", "key_milestone", "exit_criterion"]:
    stage = playbook.stage(playbook.checkable_ids()[item_id])
    if item_id == stage.key_milestone.id:
        return "key_milestone"
    return "exit_criterion" if any(c.id == item_id for c in stage.exit_criteria) else "work_item"


def _item_text(playbook: Playbook, item_id: str, lang: Lang) -> str:
    stage = playbook.stage(playbook.checkable_ids()[item_id])
    item = next(i for i in stage.items() if i.id == item_id)
    return item.text.get(lang)


def skipped_stages(situation: Situation) -> list[tuple[Stage, list[str]]]:
    """From our stage to the customer's, each stage with the gate items still open, in order
    (worked out once per diagnosis: a catch-up rule's action and its text both ask)."""
    key = ("skipped", situation.stage_index, situation.customer_index)  # the memo outlives no position
    found = situation.memo.get(key)
    if found is None:
        found = situation.memo[key] = _skipped_stages(situation)
    return found


def _skipped_stages(situation: Situation) -> list[tuple[Stage, list[str]]]:
    playbook = situation.playbook
    last = min(situation.customer_index, len(playbook.stages) - 1)
    found = []
    gates = _per_playbook(playbook, "gates", _gates)
    for index in range(situation.stage_index, last + 1):
        open_items = [item for item in gates[index] if item not in situation.done]
        if open_items:
            found.append((playbook.stages[index], open_items))
    return found


def _skipped_text(situation: Situation, lang: Lang) -> str:
    parts = []
    for stage, open_items in skipped_stages(situation):
        if stage.key_milestone.id in open_items:
            what = stage.key_milestone.text.get(lang)
        else:
            what = message("skipped.criteria", lang, count=len(open_items))
        parts.append(f"{stage.name.get(lang)}（{what}）" if lang != "en" else f"{stage.name.get(lang)} ({what})")
    return " → ".join(parts)


def _fields(situation: Situation, people: list[str], lang: Lang, template: str | None = None) -> dict[str, str]:
    """The placeholders' values; with a template, only those it uses (a pipeline fills thousands)."""
    if template is None:
        return {key: make(situation, people, lang) for key, make in _FIELD_MAKERS.items()}
    return {key: _FIELD_MAKERS[key](situation, people, lang) for key in _placeholders_of(template)}


def _insiders_text(situation: Situation, lang: Lang) -> str:
    found = sorted(people_holding(["insider"], situation), key=lambda p: not p.met)
    return _separator(lang).join(p.name for p in found) if found else message("insider.fallback", lang)


def _separator(lang: Lang) -> str:
    return "、" if lang != "en" else ", "


_FIELD_MAKERS: dict[str, Callable[[Situation, list[str], Lang], str]] = {
    "people": lambda s, people, lang: _separator(lang).join(people) if people else message("people.nobody_known", lang),
    "stage": lambda s, people, lang: s.playbook.stages[s.stage_index].name.get(lang),
    "customer_step": lambda s, people, lang: s.playbook.customer_steps[s.customer_index].name.get(lang),
    "later_work": lambda s, people, lang: _separator(lang).join(later_stage_work(s))
    or message("people.nobody_known", lang),
    "insiders": lambda s, people, lang: _insiders_text(s, lang),
    "skipped": lambda s, people, lang: _skipped_text(s, lang) or s.playbook.stages[s.stage_index].name.get(lang),
    "criteria_state": lambda s, people, lang: criteria_fields(s, lang)["criteria_state"],
    "criteria_how": lambda s, people, lang: criteria_fields(s, lang)["criteria_how"],
    "decision_makers": lambda s, people, lang: criteria_fields(s, lang)["decision_makers"],
}

_PLACEHOLDERS: dict[str, frozenset[str]] = {}


def _placeholders_of(template: str) -> frozenset[str]:
    """The placeholders a template uses, read once per template (a rule's message fills for every deal)."""
    found = _PLACEHOLDERS.get(template)
    if found is None:
        from dealcoach.textfill import placeholders

        if len(_PLACEHOLDERS) > 4096:  # playbooks loaded and dropped (tests)
            _PLACEHOLDERS.clear()
        # only the ones `_fields` knows (fill leaves the others as written)
        found = _PLACEHOLDERS[template] = frozenset(placeholders(template) & set(_FIELD_MAKERS))
    return found


def criteria_fields(situation: Situation, lang: Lang) -> dict[str, str]:
    """{criteria_state}, {criteria_how} (the playbook's advice for that state) and {decision_makers}."""
    separator = "、" if lang != "en" else ", "
    criteria = situation.deal.criteria
    state = criteria.state if criteria is not None and criteria.state else "unknown"
    section = situation.playbook.purchase_criteria
    deciders = people_holding(["decision-maker"], situation)
    return {
        "criteria_state": message(f"criteria_state.{state}", lang),
        "criteria_how": section.state(state).how.get(lang) if section else "",
        "decision_makers": separator.join(p.name for p in deciders) if deciders else message("decision_maker.fallback", lang),
    }


class _Fired(NamedTuple):
    """A rule whose condition holds: the people it names and its message, filled in."""

    rule: Rule
    people: list[str]
    message: str


def _fired(situation: Situation, lang: Lang) -> list[_Fired]:
    """The rules that fire, the most severe first (in playbook order within a severity)."""
    fired = []
    for rule, when in _per_playbook(situation.playbook, "rules", _rule_tests):
        if not when(situation):
            continue
        # by identity: comparing people field by field costs more than the whole rule
        named = {id(p) for where in rule.names for p in people_matching(where, situation)}
        people = [p.name for p in situation.deal.people if id(p) in named]
        template = rule.message.get(lang)
        fired.append(_Fired(rule, people, fill(template, _fields(situation, people, lang, template))))
    return sorted(fired, key=lambda found: SEVERITY_ORDER[found.rule.severity])


def _warning(found: _Fired) -> Warning:
    rule = found.rule
    return Warning(id=rule.id, severity=rule.severity, rule=rule.id, condition=describe(rule.when),
                   people=found.people, message=found.message, source=rule.source)


def _rule_tests(playbook: Playbook) -> list[tuple]:
    """Each rule with its condition compiled, in order."""
    return [(rule, compiled(rule.when)) for rule in playbook.rules]


class _Pending(NamedTuple):
    """A next action before its texts are filled: enough to rank it (`rank_actions`' first keys)."""

    rank: int
    who: list[str]
    build: Callable[[], NextAction]
    role: str = ""  # the role a people action is about (a rule's `covers` may replace it)
    text: Callable[[], str] | None = None  # its text alone, when cheaper than `build().text`

    def text_alone(self) -> str:
        return self.text() if self.text is not None else self.build().text


def _next_actions(situation: Situation, stage: Stage, fired: list[_Fired], completed: bool, lang: Lang,
                  ladder: Callable[[], InsiderLadderView | None], first_only: bool = False,
                  text_only: bool = False) -> list:
    """The ranked next actions: what the warnings' rules say, then (in a stage not completed) the
    stage's missing gate items, its work items and the people its roles need, then the next rung of
    the insider ladder. `ladder()` gives the ladder (worked out only when needed).

    `first_only`: the first of them alone, the others never filled in. rank_actions orders by (rank,
    naming nobody, place) and always keeps its first, so the candidates are looked at in order and a
    kind of candidate whose best possible (rank, naming nobody) cannot come before the best so far
    is never worked out (on a tie the earlier one comes first). `text_only` (with `first_only`): the
    first one's text alone."""
    rule_actions, covered = _rule_pendings(situation, fired, lang)
    groups: list[tuple[tuple[int, bool], Callable[[], Iterable[_Pending]]]] = [((0, False), lambda: rule_actions)]
    if not completed:
        groups += [((0, True), lambda: _gate_pendings(situation, stage, covered, lang)),
                   ((2, True), lambda: _work_pendings(situation, stage, covered, lang)),
                   ((1, False), lambda: (p for p in _people_actions(situation, stage, lang) if p.role not in covered))]
    groups.append(((1, False), lambda: _ladder_pendings(situation, ladder, lang)))
    if not first_only:
        own = {f"rule:{r.id}" for r in situation.playbook.rules if r.own_advice}
        if situation.playbook.insider_ladder is not None:
            own |= {f"ladder:{r.id}" for r in situation.playbook.insider_ladder.rungs if r.own_advice}
        return rank_actions([p.build() for _, group in groups for p in group()], own_advice=own)
    best = _first(groups)
    if best is None:
        return []
    return [best.text_alone() if text_only else best.build()]


def _first(groups: list[tuple[tuple[int, bool], Callable[[], Iterable[_Pending]]]]) -> _Pending | None:
    """The candidate `rank_actions` puts first (see `_next_actions`)."""
    best_key: tuple[int, bool] | None = None
    best: _Pending | None = None
    for bound, group in groups:
        if best_key is not None and bound >= best_key:
            continue  # none of this kind can come before the best so far
        for candidate in group():
            key = (candidate.rank, not candidate.who)
            if best_key is None or key < best_key:
                best_key, best = key, candidate
                if key == (0, False):
                    break
    return best


def _rule_pendings(situation: Situation, fired: list[_Fired], lang: Lang) -> tuple[list[_Pending], set[str]]:
    """The actions of the rules that fired, and what they cover (a rule's `covers`; the open
    milestones a catch-up names)."""
    pending: list[_Pending] = []
    covered: set[str] = set()
    for warning in fired:
        rule = warning.rule
        if not rule.action:
            continue
        template = rule.action.get(lang)
        covered |= set(rule.covers)
        if "{skipped}" in template:  # the catch-up names the open milestones: they need no line of their own
            covered |= {item for _, items in skipped_stages(situation) for item in items}
        who = warning.people + [name for name in _insider_names(situation) if "{insiders}" in template
                                and name not in warning.people]
        pending.append(_Pending({"high": 0, "medium": 1, "low": 2}[rule.severity], who,
                                partial(_rule_action, situation, rule, template, warning.people, who, lang),
                                text=partial(_rule_text, situation, template, warning.people, lang)))
    return pending, covered


def _gate_pendings(situation: Situation, stage: Stage, covered: set[str], lang: Lang) -> Iterator[_Pending]:
    """The stage's missing gate items (the key milestone first) that no rule's action covers."""
    for item, kind in _gate_items(stage):
        if item.id in situation.done or item.id in covered:
            continue
        build = partial(_missing_item, situation.playbook, stage, item, kind, lang)
        yield _Pending(0 if kind == "key_milestone" else 1, [], lambda build=build: _gate_action(build(), stage, lang),
                       text=partial(_gate_text, kind, item.text.get(lang), lang))


def _work_pendings(situation: Situation, stage: Stage, covered: set[str], lang: Lang) -> Iterator[_Pending]:
    for work in stage.work_items:
        if work.id not in situation.done and work.id not in covered:
            yield _Pending(2, [], partial(_work_action, work, stage, lang, situation.playbook))


def _ladder_pendings(situation: Situation, ladder: Callable[[], InsiderLadderView | None],
                     lang: Lang) -> Iterator[_Pending]:
    """The next rung of the five steps, once the first holds (below it the catch-up work speaks)."""
    if situation.playbook.insider_ladder is None or not customer_process_started(situation):
        return
    view = ladder()
    if view is not None and view.next is not None and view.standing > 0:
        yield _Pending(1, view.next.who, partial(_ladder_action, view, lang))


def _ladder_action(ladder: InsiderLadderView, lang: Lang) -> NextAction:
    return NextAction(text=message("ladder.next", lang, standing=ladder.standing, total=len(ladder.rungs),
                                   name=ladder.next.name, text=ladder.next.text),
                      who=ladder.next.who, rank=1, why=message("why.ladder", lang), source=f"ladder:{ladder.next.id}")


def _rule_text(situation: Situation, template: str, people: list[str], lang: Lang) -> str:
    return fill(template, _fields(situation, people, lang, template))


def _rule_action(situation: Situation, rule, template: str, people: list[str], who: list[str],
                 lang: Lang) -> NextAction:
    named = [situation.deal.person(name) for name in people]
    return NextAction(text=_rule_text(situation, template, people, lang), how=_how_for(named, lang),
                      who=who, why=message("why.rule", lang, source=source_title(rule.source, lang)),
                      rank={"high": 0, "medium": 1, "low": 2}[rule.severity], source=f"rule:{rule.id}")


def _gate_text(kind: str, text: str, lang: Lang) -> str:
    return message("action.reach_milestone" if kind == "key_milestone" else "action.meet_criterion", lang, text=text)


def _gate_action(item: MissingItem, stage: Stage, lang: Lang) -> NextAction:
    milestone = item.kind == "key_milestone"
    why = "why.milestone_gates" if milestone else "why.criterion_gates"
    return NextAction(text=_gate_text(item.kind, item.text, lang), how=item.verify, rank=0 if milestone else 1,
                      why=message(why, lang, stage=stage.name.get(lang)), source=f"{item.kind}:{item.id}",
                      confidence=item.confidence)


def _work_action(work, stage: Stage, lang: Lang, playbook: Playbook) -> NextAction:
    return NextAction(text=work.text.get(lang), how=work.how_to.get(lang), rank=2,
                      why=message("why.work_item", lang, stage=stage.name.get(lang)), source=f"work_item:{work.id}",
                      confidence=playbook.item_confidence(work.id))


def rank_actions(actions: list[NextAction], own_advice: set[str] = frozenset()) -> list[NextAction]:
    """Best first: by rank, then naming a person before naming a role; nothing said twice. An
    action whose source is in `own_advice` is kept even about people an earlier action names."""
    order = {id(a): n for n, a in enumerate(actions)}
    ranked = sorted(actions, key=lambda a: (a.rank, not a.who, order[id(a)]))
    said: set[str] = set()
    named: set[str] = set()
    kept = []
    for action in ranked:
        if action.text in said:
            continue
        # a lower-ranked action about people an earlier one already covers ("meet the GM" after
        # "learn through the coach where the GM stands") would say it twice
        if action.who and set(action.who) <= named and action.source.startswith(("rule:", "role:", "ladder:")) \
                and action.source not in own_advice:
            continue
        said.add(action.text)
        named |= set(action.who)
        kept.append(action)
    return kept


def _insider_names(situation: Situation) -> list[str]:
    return [p.name for p in people_holding(["insider"], situation)]


def _how_for(people: list, lang: Lang) -> str | None:
    """What the deal records about the people an action names: our plan for them, else the notes."""
    separator = "；" if lang != "en" else "; "
    colon = "：" if lang != "en" else ": "
    lines = [f"{p.name}{colon}{p.plan or p.notes}" for p in people if p is not None and (p.plan or p.notes)]
    return separator.join(lines) or None


def _people_actions(situation: Situation, stage: Stage, lang: Lang) -> list[_Pending]:
    """The roles this stage needs, naming the people who hold them, or asking to find them."""
    actions = []
    for focus in stage.key_roles:
        holders = people_holding([focus.role], situation)
        if not holders:
            actions.append(_Pending(2, [], partial(_find_role_action, situation, focus, lang), focus.role))
            continue
        unmet = [p for p in holders if not p.met or p.contact == "brief"]
        if unmet:
            actions.append(_Pending(1, [p.name for p in unmet], partial(_meet_role_action, situation, focus, unmet, lang),
                                    focus.role))
    return actions


def _find_role_action(situation: Situation, focus, lang: Lang) -> NextAction:
    name = role_name(situation.catalog, focus.role, lang)
    return NextAction(text=message("action.find_role", lang, role=name), rank=2, why=focus.why.get(lang),
                      source=f"role:{focus.role}")


def _meet_role_action(situation: Situation, focus, unmet: list, lang: Lang) -> NextAction:
    name = role_name(situation.catalog, focus.role, lang)
    names = [f"{p.name} ({name})" for p in unmet]
    return NextAction(text=fill(focus.action.get(lang), _fields(situation, names, lang)), why=focus.why.get(lang),
                      rank=1, who=[p.name for p in unmet], how=_how_for(unmet, lang), source=f"role:{focus.role}")
