"""`funnel:`: the conversion rates of seed 003 and what to work on when one is weak."""

from typing import Literal

from pydantic import Field

from dealcoach.playbook.schema.common import NonEmpty, Strict, Text


class FunnelStep(Strict):
    """One rate of seed 003's funnel, and what to work on when it is the weakest."""

    id: Literal["effective_call_rate", "appointment_rate", "meeting_success_rate", "close_rate",
                "vip_conversion_rate", "vip_loyalty_rate"]
    name: Text
    benchmark: float = Field(ge=0, le=1, description="a rate below this is weak (a team sets its own)")
    diagnosis: Text
    work_on: Text
    source: NonEmpty
