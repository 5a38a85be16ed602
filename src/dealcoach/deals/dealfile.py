"""The deal file: one YAML document describing a deal (import, export, `stage --deal-file`)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from dealcoach.deals.checks import check_deal
from dealcoach.deals.models import Deal
from dealcoach.errors import DealFileError, PlaybookError
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.playbook.models import Playbook
from dealcoach.yamlfile import LocatedData, parse, read_text, validation_error, validation_messages

# Keys that belong to the store, not to a file someone writes by hand. An exported file carries the
# deal's `id` and `owner` so that importing it back updates that deal and keeps its owner.
_STORE_ONLY = {"version"}


def load_deal_file(path: Path) -> tuple[Deal, Playbook]:
    """Read and fully check a deal file; every problem names the line and the field."""
    located = parse(read_text(path, DealFileError), str(path), DealFileError)
    return deal_from_data(located)


def load_deal_text(text: str, origin: str) -> tuple[Deal, Playbook]:
    return deal_from_data(parse(text, origin, DealFileError))


def deal_from_data(located: LocatedData) -> tuple[Deal, Playbook]:
    data = located.data
    if not isinstance(data, dict):
        raise DealFileError(f"{located.origin}:1:1: a deal file must be a mapping of keys (name:, playbook:, ...)")
    for key in _STORE_ONLY & set(data):
        raise DealFileError(f"{located.where((key,))}: {key}: is set by the store; remove it from the file")
    try:
        deal = Deal.model_validate(data)
    except ValidationError as exc:
        lines = validation_messages(exc, located)
        raise validation_error(DealFileError, lines, f"{located.origin}: {len(lines)} errors") from None
    try:
        playbook = load_playbook(deal.playbook)
    except PlaybookError:
        raise
    except Exception as exc:  # NotFoundError: point at the line
        message = getattr(exc, "message", str(exc))
        raise DealFileError(f"{located.where(('playbook',))}: playbook: {message}") from None
    problems = check_deal(deal, playbook, load_catalog())
    if problems:
        lines = [f"{located.where(loc)}: {'.'.join(map(str, loc))}: {msg}" for loc, msg in problems]
        raise DealFileError(lines[0] if len(lines) == 1 else f"{located.origin}: {len(lines)} errors",
                            details=lines if len(lines) > 1 else [])
    return deal, playbook


def deal_to_data(deal: Deal) -> dict:
    """The deal as plain data for a file: store-only keys dropped, empty values left out."""
    data = deal.model_dump(mode="python", exclude=_STORE_ONLY, exclude_none=True)
    data["done"] = [mark if set(mark) != {"id"} else mark["id"] for mark in data.get("done", [])]
    data["competitors"] = [c if set(c) != {"name"} else c["name"] for c in data.get("competitors", [])]
    for person in data.get("people", []):
        for key in ("roles", "needs"):
            if not person.get(key):
                person.pop(key, None)
        for key in ("new", "delegate"):
            if person.get(key) is False:
                person.pop(key)
    defaults = {"status": "open", "vip": False, "loyal": False, "assessment": {}}
    return {key: value for key, value in data.items()
            if value not in ([], "", None) and not (key in defaults and value == defaults[key])}


def dump_deal(deal: Deal) -> str:
    return yaml.dump(deal_to_data(deal), Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
