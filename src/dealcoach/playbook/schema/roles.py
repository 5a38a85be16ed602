"""The shared role catalog (playbooks/roles.yaml): buying roles, their models and equivalents, departments."""

from functools import cached_property
from typing import Literal

from pydantic import Field

from dealcoach.playbook.schema.common import Id, NonEmpty, Strict, Text
from dealcoach.playbook.schema.rules import PersonFilter


class RoleModel(Strict):
    id: Id
    name: Text
    source: NonEmpty


class Role(Strict):
    id: Id
    model: Id
    name: Text
    traits: list[Text] = Field(min_length=1)
    strategies: list[Text] = []
    department: Id | None = None


class Equivalence(Strict):
    """Roles of different models that mean the same thing to a rule (e.g. the decision maker)."""

    id: Id
    name: Text
    roles: list[Id] = Field(min_length=2)


class Department(Strict):
    id: Id
    name: Text
    traits: list[Text] = Field(min_length=1)
    needs: list[Text] = Field(min_length=1)
    how_to_talk: list[Text] = Field(min_length=1)
    source: NonEmpty


class Principle(Strict):
    id: Id
    name: Text
    text: Text
    applies_to: list[PersonFilter] = Field(
        default=[], description="`people show` gives it for a person matching any of these (none: nobody in particular)")
    source: NonEmpty


class Driver(Strict):
    id: Id
    name: Text
    text: Text
    questions: list[Text] = Field(min_length=1)
    source: NonEmpty


class Circle(Strict):
    id: Literal["inner", "edge", "outer"]
    name: Text
    text: Text


class PersonalNeed(Strict):
    id: Literal["safety", "belonging", "esteem", "self-actualisation"]
    name: Text
    traits: list[Text] = Field(min_length=1)
    how_to_help: Text


class RoleCatalog(Strict):
    id: Id
    name: Text
    source: NonEmpty
    version: NonEmpty
    models: list[RoleModel] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    equivalences: list[Equivalence] = []
    departments: list[Department] = []
    principles: list[Principle] = []
    drivers: list[Driver] = []
    circles: list[Circle] = []
    personal_needs: list[PersonalNeed] = []

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def equivalent(self, role_id: str) -> set[str]:
        """The role and every role equivalent to it in another model."""
        known = self._equivalents.get(role_id)
        if known is None:
            found = {role_id}
            for group in self.equivalences:
                if role_id in group.roles or role_id == group.id:
                    found.update(group.roles)
            known = self._equivalents[role_id] = frozenset(found)
        return set(known)

    @cached_property
    def _equivalents(self) -> dict[str, frozenset[str]]:
        # the catalog is frozen: each role's equivalents are worked out once (the rules ask millions
        # of times over a big pipeline)
        return {}
