"""History lines: what the store records with each save, written here and read back here only.

A line is English text, clauses joined by "; " (`deal show --json`, backups and every database
written so far hold this form, so it stays): `amount: 800000 -> 1200000`, `done: +a -b`,
`activity: call connected`, `张总 contact none -> brief`, `computed grade: C (cell:...)`.
The commands write theirs through the functions below and `describe_change` writes field changes;
`read_line` gives the clauses back as `Clause`s (a kind and its values) so a renderer can say them
in the reader's language (render/deals.py `history_line`), and `parse_change` gives the field
changes the pipeline review counts. A clause this module does not know comes back as kind "text"
and is shown as written.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

from dealcoach.deals.models import Deal

MERGED = " (merged with a concurrent change)"
CONTACT_LEVELS = ("none", "brief", "regular", "deep")
ACTIVITY_FIELDS = ("date", "kind", "outcome", "contact", "note")


@dataclass(frozen=True)
class Clause:
    """One thing a save did. `kind` is one of: created, imported, field (field, before, after),
    items (field, added, removed: ids of `done`, names of `people`), updated (field), activity,
    activity_corrected, activity_removed (kind, outcome, date, contact, changes), contact (name,
    before, after), call (outcome, contact), pains (count), meeting (when), grade (grade, rule),
    merged, text (text)."""

    kind: str
    values: dict = field(default_factory=dict)


# --- writing ------------------------------------------------------------------------------------


def activity_logged(kind: str, outcome: str) -> str:
    return f"activity: {kind} {outcome}"


def activity_corrected(kind: str, outcome: str, date: str, changes: list[tuple[str, object, object]]) -> str:
    changed = ", ".join(f"{key} {old} -> {new}" for key, old, new in changes)
    return f"activity: corrected {kind} {outcome} of {date} ({changed or 'no change'})"


def activity_removed(kind: str, outcome: str, date: str, contact: str | None) -> str:
    return f"activity: removed {kind} {outcome} of {date}" + (f" with {contact}" if contact else "")


def contact_raised(name: str, before: str, after: str) -> str:
    return f"{name} contact {before} -> {after}"


def call_recorded(outcome: str, contact: str | None, pains: int, meeting_when: str | None,
                  newly_done: list[str]) -> list[str]:
    parts = [f"call {outcome}" + (f" with {contact}" if contact else "")]
    if pains:
        parts.append(f"pains confirmed: {pains}")
    if meeting_when:
        parts.append(f"meeting: {meeting_when}")
    if newly_done:
        parts.append("done: " + " ".join(f"+{i}" for i in newly_done))
    return parts


def grade_computed(grade: str, rule_id: str) -> str:
    return f"computed grade: {grade} ({rule_id})"


def imported(source: str | None, changes: str) -> str:
    """An import that updates a stored deal: `imported deal.yaml: amount: 1 -> 2; ...`."""
    return f"imported{' ' + source if source else ''}: {changes}"


def join_clauses(clauses: list[str]) -> str:
    return "; ".join(clauses)


def describe_change(before: Deal, after: Deal) -> str | None:
    """A short summary of what changed between two versions of a deal; None if nothing did."""
    old = before.model_dump(mode="json", exclude={"id", "version"})
    new = after.model_dump(mode="json", exclude={"id", "version"})
    parts = []
    for key in new:
        if old.get(key) == new[key]:
            continue
        if key == "done":
            old_ids = {m["id"] for m in old["done"]}
            new_ids = {m["id"] for m in new["done"]}
            added, removed = sorted(new_ids - old_ids), sorted(old_ids - new_ids)
            change = [f"+{i}" for i in added] + [f"-{i}" for i in removed]
            parts.append("done: " + (" ".join(change) if change else "evidence updated"))
        elif key == "people":
            old_names = {p["name"] for p in old["people"]}
            new_names = {p["name"] for p in new["people"]}
            change = [f"+{n}" for n in sorted(new_names - old_names)] + [f"-{n}" for n in sorted(old_names - new_names)]
            parts.append("people: " + (" ".join(change) if change else "updated"))
        elif key in ("notes",):
            parts.append(f"{key}: updated")
        else:
            parts.append(f"{key}: {_short(old.get(key))} -> {_short(new[key])}")
    return "; ".join(parts) if parts else None


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


# --- reading ------------------------------------------------------------------------------------

@functools.cache
def _patterns() -> tuple[list[tuple[str, re.Pattern]], re.Pattern, re.Pattern, re.Pattern]:
    """The clauses a line is read by, where a clause may begin, the contact clause, the changes of a
    corrected activity: compiled when a line is first read (a command that only saves reads none)."""
    level = "|".join(CONTACT_LEVELS)
    clauses: list[tuple[str, re.Pattern]] = [
        ("activity_corrected", re.compile(r"^activity: corrected (?P<kind>\S+) (?P<outcome>\S+) of (?P<date>\S+) "
                                          r"\((?P<changes>.*)\)$", re.S)),
        ("activity_removed", re.compile(r"^activity: removed (?P<kind>\S+) (?P<outcome>\S+) of (?P<date>\S+)"
                                        r"(?: with (?P<contact>.+))?$", re.S)),
        ("activity", re.compile(r"^activity: (?P<kind>\S+) (?P<outcome>\S+)$")),
        ("contact", re.compile(rf"^(?P<name>.+) contact (?P<before>{level}) -> (?P<after>{level})$", re.S)),
        ("call", re.compile(r"^call (?P<outcome>[a-z-]+)(?: with (?P<contact>.+))?$", re.S)),
        ("pains", re.compile(r"^pains confirmed: (?P<count>\d+)$")),
        ("meeting", re.compile(r"^meeting: (?P<when>.+)$", re.S)),
        ("grade", re.compile(r"^computed grade: (?P<grade>\S+) \((?P<rule>[^()]*)\)$")),
        ("imported", re.compile(r"^imported(?: (?P<source>.+?))?(?:: (?=[a-z_]+: )|$)", re.S)),
        ("created", re.compile(r"^created$")),
        ("field", re.compile(r"^(?P<field>[a-z_]+): (?P<value>.*)$", re.S)),
    ]
    # where a clause may begin, to tell "; " between clauses from "; " inside a value (a reason, a note)
    starts = re.compile(r"^(?:activity: |call [a-z-]+(?: with |$)|pains confirmed: \d|meeting: |computed grade: |"
                        r"imported|created$|[a-z_]+: )")
    changes = re.compile(rf"(?:^|, )(?P<field>{'|'.join(ACTIVITY_FIELDS)}) (?P<before>.*?) -> (?P<after>.*?)"
                         rf"(?=, (?:{'|'.join(ACTIVITY_FIELDS)}) |$)", re.S)
    return clauses, starts, clauses[3][1], changes


def read_line(what: str) -> list[Clause]:
    """The clauses of a history line, in order."""
    merged = what.endswith(MERGED)
    text = what.removesuffix(MERGED)
    _, starts, contact, _ = _patterns()
    pieces: list[str] = []
    for piece in text.split("; "):
        if pieces and not (starts.match(piece) or contact.match(piece)):
            pieces[-1] += "; " + piece  # a value that holds "; " itself
        else:
            pieces.append(piece)
    clauses: list[Clause] = []
    for piece in pieces:
        clauses += _read_clause(piece)
    return clauses + ([Clause("merged")] if merged else [])


def _read_clause(piece: str) -> list[Clause]:
    clauses, _, _, changes = _patterns()
    for kind, pattern in clauses:
        match = pattern.match(piece)
        if not match:
            continue
        values = {key: value for key, value in match.groupdict().items()}
        if kind == "imported":
            rest = piece[match.end():]
            return [Clause("imported", {"source": values["source"]}), *(_read_clause(rest) if rest else [])]
        if kind == "field":
            return [_field_clause(values["field"], values["value"])]
        if kind == "activity_corrected":
            values["changes"] = [(m["field"], m["before"], m["after"]) for m in changes.finditer(values["changes"])]
        if kind == "pains":
            values["count"] = int(values["count"])
        return [Clause(kind, values)]
    return [Clause("text", {"text": piece})]


def _field_clause(name: str, value: str) -> Clause:
    if name in ("done", "people"):
        words = value.split(" ")
        if value in ("updated", "evidence updated"):
            return Clause("updated", {"field": name})
        return Clause("items", {"field": name, "added": [w[1:] for w in words if w.startswith("+")],
                                "removed": [w[1:] for w in words if w.startswith("-")]})
    if value == "updated":
        return Clause("updated", {"field": name})
    if " -> " in value:
        before, after = value.split(" -> ", 1)
        return Clause("field", {"field": name, "before": _value(before), "after": _value(after)})
    return Clause("text", {"text": f"{name}: {value}"})


def parse_change(what: str) -> dict[str, tuple[object, object]]:
    """The fields a history line records as changed: {field: (before, after)}; `done` and `people`
    give (removed ids or names, added ones). Values come back as JSON values where they were
    written as JSON (numbers, null), else as text."""
    changed: dict[str, tuple[object, object]] = {}
    for clause in read_line(what):
        if clause.kind == "field":
            changed[clause.values["field"]] = (clause.values["before"], clause.values["after"])
        elif clause.kind == "items":
            changed[clause.values["field"]] = (clause.values["removed"], clause.values["added"])
    return changed


def _value(text: str) -> object:
    if text == "null":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else text
