"""What `stage` shows: the diagnosis, plus the needs summary and the objection to prepare for.
Pure. Each part is computed by the one place of its rule (coaching/diagnosis.py, coaching/value.py,
coaching/objections.py); this module only puts them side by side.
"""

from __future__ import annotations

from dealcoach.coaching import diagnosis as diagnosis_rules
from dealcoach.coaching.diagnosis import Diagnosis
from dealcoach.coaching.objections import ObjectionAhead, predict_objections, top_objection
from dealcoach.coaching.value import NeedsSummary, needs_summary
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang
from dealcoach.playbook.models import Playbook, RoleCatalog


class StageView(Diagnosis):
    needs: NeedsSummary | None = None
    objection_ahead: ObjectionAhead | None = None


def stage_view(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> StageView:
    # through the module, so a test (or a profiler) that replaces `diagnose` replaces it here too
    diagnosis = diagnosis_rules.diagnose(deal, playbook, catalog, lang)
    ahead = None
    if playbook.objections is not None:
        report = predict_objections(deal, playbook, catalog, lang, stage_id=diagnosis.sales_stage.id)
        ahead = top_objection(report, deal, catalog, lang)
    needs = needs_summary(deal, playbook, catalog, lang) if playbook.value is not None else None
    if needs is not None and not (needs.kpi_owners or needs.personal_needs or needs.pains):
        needs = None  # nothing recorded: the no-kpi-owner warning already says so
    return StageView(**dict(diagnosis), needs=needs, objection_ahead=ahead)
