"""Fill `{field}` placeholders from a whitelist, and nothing else.

Playbook text and user templates are data: they never reach `str.format`, so `{contact.__class__}`
or `{{ 7*7 }}` cannot reach an attribute or run code. A placeholder is a bare lower-case name; one
that is not in the given fields (or is not a bare name) is left exactly as written. A value loses its
control characters (safetext.py): every message a person reads is filled here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dealcoach.safetext import multi_line

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def fill(template: str, fields: Mapping[str, object]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in fields and fields[name] is not None:
            return multi_line(str(fields[name]))
        return match.group(0)

    return _PLACEHOLDER.sub(replace, template)


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))
