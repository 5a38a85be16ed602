"""Grade prospects A/B/C/D, explain why, and say how often to follow up. Pure functions; no terminal.

The package: `results` (the models), `table` (the lookup, built once per playbook), `assessment`,
`opportunity` (seed 000's analysis), `grade` (one prospect, and stored deals).

Every number comes from the playbook's `grading:` section (a team changes them in its own playbook):

1. Assessment (seeds 001, 002). Each factor is scored on its own scale. The score is the weighted
   share of the maximum over the factors that were scored (0-100); unscored factors are listed as
   missing, not counted as zero. A factor below its `knockout_below` fails the assessment whatever
   the total; otherwise it passes when the share reaches `pass_score`. No factor scored: "not
   assessed", and the grade comes from the table alone.
2. Opportunity analysis (seed 000), when a deal has one and its playbook defines it:
   - the six kinds of information are scored 0-3 for how well we know them; an assessment factor
     with the same id (the eight-step playbook has them) takes that score when the rep has not
     scored it directly;
   - each competitor is compared on the playbook's dimensions (-2 they are much stronger .. +2 we
     are); our head-to-head share against a competitor is (sum + 2n) / 4n over its n dimensions,
     and the chance to win against the whole field is 1 / (1 + sum over competitors of
     (1 - share) / share) (on a par with two competitors: 1/3);
   - a factor `competitive-position` (0-3), when unscored, takes our standing against the
     strongest competitor;
   - the profit room (our cost against the customer's budget, or what of them is missing) and the
     breakthrough points (the people of the decision process not yet won) are coaching/position.py's,
     the ones `stage` shows; a file row knows neither budget, cost nor people;
   - the win probability used for the grade is the mean of the rep's probability and the chance
     to win (either one alone when the other is missing), so a rep's optimism and the analysis
     temper each other and a higher probability still never gives a worse grade.
3. Table. The expected close in days from today picks the first close window whose `max_days` is
   not exceeded (no date: the open-ended window; a date already past counts as the first window and
   is flagged to be updated). The probability picks the first band whose `min` it reaches (none
   given: the lowest band). The table cell gives the grade.
4. Cap. A failed assessment makes the grade no better than `fail_caps_grade_at`; a failed knock-out
   never leaves an A, even if a playbook's cap would allow one.
5. Manual. A grade the rep set is kept beside the computed one and never replaced; while it is set
   it decides the action and the follow-up cadence, and the rule says so.

Follow-up: the cadence, next touch, contact and pretext are coaching/cadence.py's rules, the same
ones `dealcoach followup` and file grading use.
"""

from typing import TYPE_CHECKING

# Each name is imported from its module on first use (PEP 562): `stage` needs only the opportunity
# analysis, and should not pay for the grade, the table and the cadence rules.
_HOMES = {
    "assessment": ("assess",),
    "grade": ("grade_deal", "grade_prospect", "prospect_of", "sort_key", "with_computed_grade"),
    "opportunity": ("COMPETITIVE_POSITION", "analyse_opportunity"),
    "results": ("AssessmentResult", "CompetitorResult", "FactorResult", "GradeResult", "InformationResult",
                "OpportunityResult", "Pretext", "Prospect", "RuleRef"),
    "table": ("GRADES", "GradeTable", "band_index", "cap_grade", "cap_rule", "cell", "cell_rule", "definition",
              "grade_table", "grading_of", "manual_rule", "pretext_index", "rank", "window_index", "worse"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


if TYPE_CHECKING:
    from dealcoach.coaching.grading.assessment import assess
    from dealcoach.coaching.grading.grade import (grade_deal, grade_prospect, prospect_of, sort_key,
                                                  with_computed_grade)
    from dealcoach.coaching.grading.opportunity import COMPETITIVE_POSITION, analyse_opportunity
    from dealcoach.coaching.grading.results import (AssessmentResult, CompetitorResult, FactorResult, GradeResult,
                                                    InformationResult, OpportunityResult, Pretext, Prospect, RuleRef)
    from dealcoach.coaching.grading.table import (GRADES, GradeTable, band_index, cap_grade, cap_rule, cell,
                                                  cell_rule, definition, grade_table, grading_of, manual_rule,
                                                  pretext_index, rank, window_index, worse)
