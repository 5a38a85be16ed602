"""`dealcoach pipeline`, `deal list` and `report --pipeline`: read the store once, build the review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from dealcoach.coaching.pipeline import PastChange, PipelineFilters, PipelineReview, ReviewLines, build_review
from dealcoach.i18n import Lang
from dealcoach.store import DealStore
from dealcoach.usecases.reading import PlaybooksById


def past_changes(store: DealStore, since: dt.date, owner: str | None) -> dict[int, list[PastChange]]:
    """The history lines from local midnight of `since` on, parsed (the format is the store's)."""
    from dealcoach.deals.history import parse_change

    start = dt.datetime.combine(since, dt.time()).astimezone()
    parsed: dict[int, list[PastChange]] = {}
    for deal_id, entries in store.history_since(start, owner=owner).items():
        for entry in entries:
            fields = parse_change(entry.what)
            done = fields.pop("done", ([], []))
            people = fields.pop("people", ([], []))
            parsed.setdefault(deal_id, []).append(PastChange(
                at=entry.at, created=entry.what in ("created", "imported") or entry.what.startswith("created"),
                fields=fields, done_removed=list(done[0]), done_added=list(done[1]),  # type: ignore[arg-type]
                people_added=list(people[1])))  # type: ignore[arg-type]
    return parsed


def pipeline_review(store: DealStore, lang: Lang, today: dt.date, filters: PipelineFilters,
                    since: dt.date | None = None, funnel_playbook: str = "six-step") -> PipelineReview:
    """One streamed read of every deal of the owner (read-only views of the fields the review reads,
    `REVIEW_FIELDS`): each is diagnosed as it arrives and dropped, only its line and its funnel facts
    are kept; the activities are counted from the same read. The deals of other statuses than the
    review shows count in the funnel alone: of them only what the funnel reads (`FUNNEL_VIEW`), in
    a second stream merged in id order."""
    import heapq

    from dealcoach.coaching.pipeline import FUNNEL_VIEW, REVIEW_FIELDS
    from dealcoach.playbook.loader import load_catalog, load_playbook
    from dealcoach.store.base import bulk_collection

    history = past_changes(store, since, filters.owner) if since is not None else None
    with bulk_collection():
        if filters.status == "all":
            deals = store.deal_views(REVIEW_FIELDS, owner=filters.owner)
        else:
            others = tuple(status for status in ("open", "won", "lost") if status != filters.status)
            deals = heapq.merge(store.deal_views(REVIEW_FIELDS, owner=filters.owner, status=filters.status),
                                store.deal_views(FUNNEL_VIEW, owner=filters.owner, status=others),
                                key=lambda deal: deal.id)
        return build_review(deals, PlaybooksById(), load_catalog(), today, lang,
                            filters, funnel_playbook=load_playbook(funnel_playbook), since=since, history=history)


def stage_ids(playbook_ids: set[str] | None = None) -> set[str]:
    from dealcoach.playbook.loader import load_playbook, playbook_ids as known

    ids: set[str] = set()
    for playbook_id in playbook_ids or set(known()):
        ids |= {stage.id for stage in load_playbook(playbook_id).stages}
    return ids


def deal_list(store: DealStore, lang: Lang, today: dt.date,
              filters: PipelineFilters) -> tuple[ReviewLines, Iterator[bytes], str | None]:
    """`deal list`: (lines, the same as JSON records, the sentence when there is none). The JSON
    keeps every field `deal list --json` always had and adds status, stage, grade and next follow-up.

    One streamed read: of the fields a light line reads (`LINE_FIELDS`; with --at-risk the warnings
    read every field) and when each deal was saved. The lines are kept compact (`Line`); each record
    is made as it is written (encoded: `--json`'s text of it)."""
    from dealcoach.coaching.pipeline import LINE_FIELDS, deal_lines
    from dealcoach.deals.models import Deal
    from dealcoach.playbook.loader import load_catalog
    from dealcoach.store.base import bulk_collection

    fields = {name: ... for name in Deal.model_fields} if filters.at_risk else LINE_FIELDS
    saved: dict[int, tuple[str, dt.datetime]] = {}  # what a record has that a line has not: playbook, updated_at

    def remembered(views):
        for view in views:
            saved[view.id] = (view.playbook, view.updated_at)
            yield view

    with bulk_collection():
        views = store.deal_views({**fields, "updated_at": ...}, owner=filters.owner)
        rows, empty = deal_lines(remembered(views), PlaybooksById(), load_catalog(), today, lang, filters)
    return rows, _records(rows, saved), empty


def _records(rows: ReviewLines, saved: dict[int, tuple[str, dt.datetime]]) -> Iterator[bytes]:
    from dealcoach.deals.models import DealSummary
    from dealcoach.jsonout import indented_json

    for row in rows.lines():  # the kept values, no model made
        playbook, updated_at = saved[row.deal_id]  # type: ignore[index]
        record = DealSummary(id=row.deal_id, name=row.name, account=row.account, playbook=playbook,  # type: ignore[arg-type]
                             owner=row.owner, amount=row.amount, currency=row.currency,
                             expected_close=row.expected_close, probability=row.probability,
                             updated_at=updated_at).model_dump(mode="json")
        record.update(status=row.status, stage=row.stage, stage_name=row.stage_name,
                      customer_step=row.customer_step, grade=row.grade, grade_source=row.grade_source,
                      last_touch=row.last_touch.isoformat() if row.last_touch else None,
                      next_follow_up=row.next_follow_up.isoformat() if row.next_follow_up else None)
        yield indented_json(record).encode()
