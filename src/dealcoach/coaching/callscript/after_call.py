"""After the call: the advice for its outcome, the items it completed, the visit plan or pretexts."""

from __future__ import annotations

from dealcoach.coaching.callscript.model import AfterCallPlan, CallScript
from dealcoach.deals.models import Deal, Meeting
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook
from dealcoach.playbook.variants import for_industry


def after_call(script: CallScript, deal: Deal, playbook: Playbook, outcome: str, confirmed_pains: list[str],
               meeting: Meeting | None, done_ids: list[str], lang: Lang) -> AfterCallPlan:
    playbook = for_industry(playbook, deal.industry)  # the pretexts of the deal's industry
    invitation = playbook.phone_invitation
    advice = next((a.advice.get(lang) for a in invitation.after_call if a.outcome == outcome), None) \
        if invitation else None
    items = {item_id: text for stage in playbook.stages
             for item_id, text in [(w.id, w.text.get(lang)) for w in stage.work_items]
             + [(stage.key_milestone.id, stage.key_milestone.text.get(lang))]
             + [(c.id, c.text.get(lang)) for c in stage.exit_criteria]}
    booked = outcome == "meeting-booked"
    pretexts = []
    if not booked and playbook.grading:
        colon = ": " if lang == "en" else "："
        pretexts = [f"{p.text.get(lang)}{colon}{p.detail.get(lang)}" if p.detail else p.text.get(lang)
                    for p in playbook.grading.follow_up_pretexts[:3]]
    return AfterCallPlan(deal=deal.name, outcome=outcome, outcome_name=message(f"call.outcome.{outcome}", lang),
                         contact=script.contact.name, advice=advice, confirmed_pains=confirmed_pains,
                         done=[items.get(i, i) for i in done_ids], meeting=meeting,
                         visit=script.visit if booked else None, pretexts=pretexts)
