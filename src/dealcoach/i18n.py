"""UI messages in the user's language: `message(key, lang, **fields)` from the catalogue in messages.py.

Which language, and the conversion to Traditional Chinese, live in language.py; they are re-exported
here so `from dealcoach.i18n import Lang, message, pick` keeps working everywhere.
"""

from __future__ import annotations

from dealcoach.language import (  # noqa: F401  (re-exported)
    CHINESE,
    LANGS,
    Lang,
    language_from_args,
    language_from_locale,
    localize,
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
