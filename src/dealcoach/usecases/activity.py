"""Logging what happened on a deal, and what it changes: the activity itself, the contact level of
the person met, and (for a call) the items a booked meeting completes. One save, one history line.

`log add`, `call-script --outcome` and the live call all come here, so a logged call changes the
deal the same way whichever way it was entered.
"""

from __future__ import annotations

import datetime as dt

from dealcoach.coaching.callscript import AfterCallPlan, CallScript, after_call
from dealcoach.deals.calls import CallRecord, describe_call, record_call
from dealcoach.deals.history import activity_logged, join_clauses
from dealcoach.deals.edit import add_activity, contact_changes, edit_activity, remove_activity
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.playbook.models import HelperTool, Playbook, RoleCatalog
from dealcoach.store import DealStore

VISIT_SUMMARY = "visit-summary"


def visit_form(playbook: Playbook) -> HelperTool | None:
    """The visit summary form of the deal's playbook, else the eight-step one (seed 000 gives it)."""
    for candidate in (playbook, load_playbook("eight-step")):
        for stage in candidate.stages:
            for tool in stage.tools:
                if tool.id == VISIT_SUMMARY:
                    return tool
    return None


def log_activity(store: DealStore, deal: Deal, fields: dict, who: str, playbook: Playbook | None = None,
                 catalog: RoleCatalog | None = None) -> Deal:
    """Add the activity (`fields`: date, kind, outcome, contact, note, pretext, form) and save the deal
    with the contact levels it raises; returns the saved deal."""
    playbook = playbook or load_playbook(deal.playbook)
    updated = add_activity(deal, {**fields, "by": who}, playbook, catalog or load_catalog())
    added = next(a for a in updated.activities if a.id not in {old.id for old in deal.activities})
    raised = contact_changes(deal, updated)
    # the ids as read (`--kind 电话` is recorded as call), so the line reads in every language
    return store.save(updated, who, what=join_clauses([activity_logged(added.kind, added.outcome), *raised]))


def correct_activity(store: DealStore, deal: Deal, ref: str, changes: dict, who: str) -> Deal:
    """`log edit`: correct one logged activity; the history line says what it was and what changed."""
    playbook = load_playbook(deal.playbook)
    updated, what = edit_activity(deal, ref, changes, playbook, load_catalog())
    raised = contact_changes(deal, updated)
    return store.save(updated, who, what=join_clauses([what, *raised]))


def forget_activity(store: DealStore, deal: Deal, ref: str, who: str) -> Deal:
    """`log rm`: remove one logged activity; the history line keeps what it was."""
    updated, what = remove_activity(deal, ref)
    return store.save(updated, who, what=what)


def log_call(store: DealStore, deal: Deal, record: CallRecord, script: CallScript, playbook: Playbook,
             catalog: RoleCatalog, who: str, lang: Lang, when: dt.datetime | None = None) -> AfterCallPlan:
    """Record a call made from the script and save it; returns what to do next."""
    when = when or dt.datetime.now().replace(microsecond=0)
    updated, newly_done = record_call(deal, record, playbook, catalog, when, who)
    saved = store.save(updated, who, what=describe_call(record, newly_done, contact_changes(deal, updated)))
    return after_call(script, saved, playbook, record.outcome, record.confirmed_pains, record.meeting, newly_done,
                      lang)
