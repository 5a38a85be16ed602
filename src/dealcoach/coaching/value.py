"""Needs and value: the KPI owner, the increment worked out for them, and each person's personal
needs. Pure; the content is `value:` in the playbook and `personal_needs:` in the role catalog.

- The KPI owner is whoever the rep records with `kpi` (the project is on their KPI): a need is only
  started when it sits on someone's KPI, and the value is framed around it.
- Value framing for a person: each increment question they answered, framed by the playbook's
  `frame` text; the questions still open are listed to ask, for a KPI owner (or anyone who has
  started answering).
- The needs summary is one line for `stage` and the deal brief: the KPI owner and how much of the
  increment is known, whose personal needs are known, how many pains are confirmed.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from dealcoach.deals.models import Deal, Person
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook, RoleCatalog
from dealcoach.textfill import fill


class IncrementLine(BaseModel):
    id: str
    name: str
    question: str
    answer: str | None = None
    frame: str | None = Field(default=None, description="the answer framed for them (None while unanswered)")
    details: list[str] = []


class NeedAdvice(BaseModel):
    id: str
    name: str
    how_to_help: str


class PersonValue(BaseModel):
    """How to frame the value for one person."""

    name: str
    kpi_owner: bool
    answered: list[IncrementLine]
    to_ask: list[IncrementLine] = Field(description="increment questions still open (for a KPI owner)")
    personal_needs: list[NeedAdvice]


class NeedsSummary(BaseModel):
    kpi_owners: list[str]
    increment_answered: int = Field(description="questions the (first) KPI owner answered")
    increment_total: int
    to_ask: list[str] = Field(description="names of the questions still open for the first KPI owner")
    personal_needs: dict[str, list[str]] = Field(description="person -> the ids of their recorded personal needs")
    pains: int
    confirmed_pains: int
    need_types: dict[str, list[str]] = Field(default={}, description="need type id -> the pains of that type")
    need_type_advice: list[str] = Field(default=[], description="how to treat each need type the pains have")
    reminders: list[str] = Field(default=[], description="the pressure points, and the errors of need cognition to avoid")
    line: str = Field(description="the summary as one line in the reader's language")


def person_value(person: Person, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> PersonValue:
    questions = playbook.value.increment if playbook.value else []
    answered, to_ask = [], []
    for question in questions:
        answer = person.increment.get(question.id)
        line = IncrementLine(id=question.id, name=question.name.get(lang), question=question.question.get(lang),
                             answer=answer, details=[d.get(lang) for d in question.details],
                             frame=fill(question.frame.get(lang), {"answer": answer}) if answer else None)
        (answered if answer else to_ask).append(line)
    asking = bool(person.kpi) or bool(answered)
    needs = [NeedAdvice(id=n.id, name=n.name.get(lang), how_to_help=n.how_to_help.get(lang))
             for n in catalog.personal_needs if n.id in person.needs]
    return PersonValue(name=person.name, kpi_owner=bool(person.kpi), answered=answered,
                       to_ask=to_ask if asking else [], personal_needs=needs)


def needs_summary(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> NeedsSummary:
    owners = [p for p in deal.people if p.kpi]
    total = len(playbook.value.increment) if playbook.value else 0
    first = person_value(owners[0], playbook, catalog, lang) if owners else None
    need_names = {n.id: n.name.get(lang) for n in catalog.personal_needs}
    personal = {p.name: list(p.needs) for p in deal.people if p.needs}
    separator = "、" if lang != "en" else ", "
    parts = []
    if first is not None:
        parts.append(message("needs.kpi_owner", lang, names=separator.join(p.name for p in owners),
                             answered=len(first.answered), total=total))
        if first.to_ask:
            parts.append(message("needs.to_ask", lang, questions=separator.join(q.name for q in first.to_ask[:3])
                                 + ("…" if len(first.to_ask) > 3 else "")))
    else:
        parts.append(message("needs.no_kpi_owner", lang))
    if personal:
        parts.append(message("needs.personal", lang, people=separator.join(
            f"{name} {'/'.join(need_names.get(n, n) for n in needs)}" for name, needs in personal.items())))
    confirmed = sum(p.confirmed for p in deal.pains)
    kinds: dict[str, list[str]] = {}
    for pain in deal.pains:
        if pain.kind:
            kinds.setdefault(pain.kind, []).append(pain.text)
    types = {t.id: t for t in playbook.value.need_types} if playbook.value else {}
    if deal.pains:
        counted = separator.join(f"{message('need.' + kind, lang)} {len(texts)}" for kind, texts in kinds.items())
        parts.append(message("needs.pains", lang, confirmed=confirmed, count=len(deal.pains))
                     + (message("needs.kinds", lang, kinds=counted) if kinds else ""))
    return NeedsSummary(
        kpi_owners=[p.name for p in owners], increment_answered=len(first.answered) if first else 0,
        increment_total=total, to_ask=[q.name for q in first.to_ask] if first else [], personal_needs=personal,
        pains=len(deal.pains), confirmed_pains=confirmed, need_types=kinds,
        reminders=([playbook.value.pressure_points.get(lang)] if playbook.value and playbook.value.pressure_points else [])
        + ([message("needs.errors", lang, errors=("" if lang != "en" else " ").join(e.get(lang) for e in playbook.value.errors))]
           if playbook.value and playbook.value.errors else []),
        need_type_advice=[f"{types[k].name.get(lang)}{'：' if lang != 'en' else ': '}{types[k].text.get(lang)}"
                          for k in kinds if k in types],
        line=("；" if lang != "en" else "; ").join(parts),
    )
