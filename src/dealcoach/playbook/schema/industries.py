"""`industries:`: what one industry adds to a general playbook, chosen by the deal's `industry`.

A methodology's process is general (seed 001's six steps fit any key-account sale); the details of
the industry its author sold in (industrial oil: oil analysis, oil-sampling pretexts) belong to the
deals of that industry only. A variant is matched by words found in the deal's industry (the first
variant that matches wins) and changes the playbook by data only: texts replaced by id (a signal,
a work item, a follow-up pretext...), items and questions added to stages. `playbook/variants.py`
applies it; `playbook/checks.py` checks its ids and checks the playbook it makes like any other.
"""

from pydantic import Field, model_validator

from dealcoach.playbook.schema.common import Id, Item, NonEmpty, Strict, Text
from dealcoach.playbook.schema.stages import ExitCriterion, WorkItem


class IndustryWords(Strict):
    """Words looked for in the deal's industry (case-insensitive, anywhere in it)."""

    match: list[NonEmpty] = Field(min_length=1, description="words looked for in the deal's industry")

    def matches(self, industry: str | None) -> bool:
        if not industry:
            return False
        text = industry.casefold()
        return any(word.casefold() in text for word in self.match)


# The text fields a variant may replace on the playbook object with that id (a customer step, a
# signal, a stage, a work item, a milestone, an exit criterion, a piece of information to collect,
# a tool field, a comparison dimension...).
TEXT_FIELDS = ("name", "text", "detail", "how_to", "verify", "what_happens", "start_condition", "end_marker",
               "goal", "label", "hint", "question")


class TextOverride(Strict):
    """The industry's own wording of an object of the playbook, found by its id."""

    id: Id
    name: Text | None = None
    text: Text | None = None
    detail: Text | None = None
    how_to: Text | None = None
    verify: Text | None = None
    what_happens: Text | None = None
    start_condition: Text | None = None
    end_marker: Text | None = None
    goal: Text | None = None
    label: Text | None = None
    hint: Text | None = None
    question: Text | None = None

    @model_validator(mode="after")
    def _some_text(self) -> "TextOverride":
        if not self.fields():
            raise ValueError(f"give at least one of: {', '.join(TEXT_FIELDS)}")
        return self

    def fields(self) -> dict[str, Text]:
        return {name: getattr(self, name) for name in TEXT_FIELDS if getattr(self, name) is not None}


class StageAdditions(Strict):
    """What the industry adds to one stage: items to do and check, questions, information."""

    stage: Id
    work_items: list[WorkItem] = []
    exit_criteria: list[ExitCriterion] = []
    success_questions: list[Text] = []
    information_to_collect: list[Item] = []


class IndustryVariant(IndustryWords):
    id: Id
    name: Text
    texts: list[TextOverride] = []
    stages: list[StageAdditions] = []
    source: NonEmpty


def apply_variant(data: dict, variant: IndustryVariant) -> tuple[dict, list[tuple[tuple, str]]]:
    """The playbook (dumped by alias) as this industry has it, and what in the variant names nothing
    (path in the variant, message). The data given is changed in place."""
    problems: list[tuple[tuple, str]] = []
    by_id: dict[str, list[dict]] = {}
    for node in _objects_with_ids(data):
        by_id.setdefault(node["id"], []).append(node)
    for index, override in enumerate(variant.texts):
        fields = override.fields()
        found = [node for node in by_id.get(override.id, []) if fields.keys() <= node.keys()]
        if len(found) != 1:
            what = "no" if not found else f"{len(found)} objects"
            problems.append((("texts", index, "id"), f"{what} object with id {override.id!r} and "
                                                       f"{', '.join(fields)} to replace"))
            continue
        found[0].update({name: text.model_dump(mode="json") for name, text in fields.items()})
    stages = {stage["id"]: stage for stage in data["stages"]}
    for index, added in enumerate(variant.stages):
        stage = stages.get(added.stage)
        if stage is None:
            problems.append((("stages", index, "stage"), f"unknown stage {added.stage!r}"))
            continue
        for key in ("work_items", "exit_criteria", "success_questions", "information_to_collect"):
            stage[key] = [*stage[key], *(item.model_dump(mode="json", by_alias=True) for item in getattr(added, key))]
    data["industries"] = []
    data["industry"] = variant.id
    data["name"] = {lang: f"{data['name'][lang]} · {getattr(variant.name, lang)}" for lang in ("zh", "en")}
    return data, problems


def _objects_with_ids(node):
    """Every mapping under `node` that has an id (outside the industry variants themselves)."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            yield node
        for key, value in node.items():
            if key != "industries" and isinstance(value, (dict, list)):
                yield from _objects_with_ids(value)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (dict, list)):
                yield from _objects_with_ids(value)
