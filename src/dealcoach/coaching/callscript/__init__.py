"""The phone invitation (电话邀约, seed 000) made for one contact on one deal. Pure; no terminal.

`build_call_script` takes the playbook's script data, the deal (or a cold-call deal made by
`cold_call_deal`), the rep's profile and a language, and returns a `CallScript`:

- the pre-call check (客户规划): which facts are known, which are missing and where to find them;
- the purposes of the call and the commitment to aim for / the minimum to accept;
- the three steps `rapport`, `pain`, `meeting`, adapted to who is called (the audience is matched by
  the contact's roles, with the catalog's equivalents, then by level; seed 004) and to the stage;
- the pain questions, built from the deal's pains (confirmed first) and the likely pains of the
  account's industry; the meeting proposal (time, place, attendees from the power map, topics, what
  each side prepares); the objections by cause (seed 003); the visit plan (seed 000).

Every line goes through `textfill.fill` with the whitelisted fields only, so a name such as
`{contact.__class__}` or `{{ 7*7 }}` is printed exactly as written and never evaluated.

The result models are in `model.py`, building in `build.py`, the plan after a call in `after_call.py`;
this package re-exports them.
"""

from dealcoach.coaching.callscript.after_call import after_call
from dealcoach.coaching.callscript.build import (
    build_call_script,
    pain_phrase,
    pains_phrase,
    cold_call_deal,
    default_contact,
    find_contact,
    match_audience,
)
from dealcoach.coaching.callscript.model import (
    AfterCallPlan,
    AnswerOut,
    Attendee,
    AudienceRef,
    CallScript,
    CallStep,
    CheckItem,
    CheckOut,
    CommitmentsOut,
    ContactInfo,
    MeetingProposal,
    ObjectionGroup,
    ObjectionOut,
    PainProbe,
    Purpose,
    RepInfo,
    StageRef,
    VisitPlan,
)

__all__ = [
    "AfterCallPlan", "AnswerOut", "Attendee", "AudienceRef", "CallScript", "CallStep", "CheckItem", "CheckOut", "CommitmentsOut",
    "ContactInfo", "MeetingProposal", "ObjectionGroup", "ObjectionOut", "PainProbe", "Purpose", "RepInfo",
    "StageRef", "VisitPlan", "after_call", "build_call_script", "cold_call_deal", "default_contact",
    "find_contact", "match_audience", "pain_phrase", "pains_phrase",
]
