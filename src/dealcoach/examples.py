"""The bundled example deals: the cases the seeds tell, as deal files in playbooks/examples/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dealcoach.deals.dealfile import load_deal_file
from dealcoach.deals.models import Deal
from dealcoach.errors import NotFoundError
from dealcoach.playbook.loader import bundled_dir
from dealcoach.playbook.models import Playbook


@dataclass(frozen=True)
class Example:
    name: str
    path: Path
    deal: Deal
    playbook: Playbook


def examples_dir() -> Path:
    return bundled_dir() / "examples"


def list_examples() -> list[Example]:
    return [load_example(path.stem) for path in sorted(examples_dir().glob("*.yaml"))]


def load_example(name: str) -> Example:
    path = examples_dir() / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(examples_dir().glob("*.yaml")))
        raise NotFoundError(f"no example {name!r} (known: {known})")
    deal, playbook = load_deal_file(path)
    return Example(name, path, deal, playbook)
