"""The UI messages in the user's language (the language itself is chosen in `language.py`)."""

from __future__ import annotations

from dealcoach.language import (  # noqa: F401  (re-exported: callers import the language from here too)
    LANGS,
    Lang,
    language_from_locale,
    pick,
    resolve_language,
    to_traditional,
)
from dealcoach.messages import MESSAGES
from dealcoach.textfill import fill


def message(key: str, lang: Lang, **fields: object) -> str:
    """A UI message in the user's language, placeholders filled from `fields`."""
    zh, en = MESSAGES[key]
    return fill(pick(zh, en, lang), fields)
