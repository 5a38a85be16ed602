"""The pipeline's flags (`pipeline`, `deal list`, `report --pipeline`): --since and the filters,
each bad value refused as a usage error naming the flag and what it accepts."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from dealcoach.errors import UsageError

if TYPE_CHECKING:
    from dealcoach.coaching.pipeline import PipelineFilters

_SPAN_BACK = re.compile(r"(\d+)\s*(d|w|天|周|星期)(?:前|ago)?", re.IGNORECASE)


def parse_since(text: str, today: dt.date, flag: str = "--since") -> dt.date:
    """A span back from today (7d, 2w, 7天, 2周) or any date the one date parser reads
    (`parse.parse_date`: 2026-03-01, 2026/3/1, 上周一, 月初...)."""
    from dealcoach import parse

    value = parse.normalise(text)
    match = _SPAN_BACK.fullmatch(value)
    if match:
        days = int(match.group(1)) * (1 if match.group(2).lower() in ("d", "天") else 7)
        return today - dt.timedelta(days=days)
    try:
        return parse.parse_date(value, today=today, what=flag)
    except parse.InputError:
        raise UsageError(f"{flag}: {text!r} is not a date: use YYYY-MM-DD, or 7d / 2w back from today") from None


def make_filters(owner: str | None = None, stage: str | None = None, grades: list[str] | None = None,
                 status: str = "open", at_risk: bool = False, stale: int | None = None,
                 sort: str = "risk", stage_ids: set[str] | None = None) -> PipelineFilters:
    """The filters from flags, each bad value refused with what is accepted."""
    from dealcoach.cli.options import flag_choice
    from dealcoach.coaching.pipeline import SORTS, PipelineFilters

    # by id or label (--status 已赢单, --sort 金额), as every enum is read
    status = flag_choice(status, [f"status.{s}" for s in ("open", "won", "lost", "all")], "--status")
    sort = flag_choice(sort, [f"sort.{s}" for s in SORTS], "--sort")
    wanted = []
    for item in grades or []:
        for grade in re.split(r"[,\s]+", item.strip().upper()):
            if not grade:
                continue
            if grade not in ("A", "B", "C", "D", "-"):
                raise UsageError(f"--grade: {grade!r} is not a grade; use A, B, C, D, or - for ungraded")
            wanted.append(grade)
    if stage is not None and stage_ids is not None and stage not in stage_ids:
        raise UsageError(f"--stage: {stage!r} is not a sales stage; use one of {', '.join(sorted(stage_ids))}")
    if stale is not None and stale < 0:
        raise UsageError("--stale: give a number of days, 0 or more")
    return PipelineFilters(owner=owner, stage=stage, grade=wanted, status=status, at_risk=at_risk,  # type: ignore[arg-type]
                           stale=stale, sort=sort)
