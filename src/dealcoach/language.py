"""The user's language: which of zh, zh-Hant and en, and picking a text for it.

zh is written once; zh-Hant is converted from it with OpenCC, so the two never drift apart. Apart
from the UI message catalogue (`i18n.py`, `messages.py`) so the playbook models can pick a text
without loading every message.
"""

from __future__ import annotations

import locale
import os
from functools import lru_cache
from typing import Literal

from dealcoach.errors import UsageError

Lang = Literal["zh", "zh-Hant", "en"]
LANGS: tuple[str, ...] = ("zh", "zh-Hant", "en")
_ALIASES = {"zh": "zh", "zh-hans": "zh", "zh-cn": "zh", "zh-hant": "zh-Hant", "zh-tw": "zh-Hant",
            "zh-hk": "zh-Hant", "en": "en"}


def resolve_language(flag: str | None = None) -> Lang:
    """--lang, else DEALCOACH_LANG, else the locale (zh_TW/zh_HK: zh-Hant, other zh_*: zh), else en."""
    for value, origin in ((flag, "--lang"), (os.environ.get("DEALCOACH_LANG"), "DEALCOACH_LANG")):
        if value:
            lang = _ALIASES.get(value.strip().lower().replace("_", "-"))
            if lang is None:
                raise UsageError(f"{origin}: unknown language {value!r}; use one of zh, zh-Hant, en")
            return lang  # type: ignore[return-value]
    return language_from_locale(_current_locale())


def _current_locale() -> str:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return value
    try:
        return locale.getlocale()[0] or ""
    except ValueError:
        return ""


def language_from_locale(name: str) -> Lang:
    name = name.lower().replace("-", "_")
    if name.startswith(("zh_tw", "zh_hk", "zh_mo")) or "hant" in name:
        return "zh-Hant"
    if name.startswith("zh"):
        return "zh"
    return "en"


@lru_cache(maxsize=1)
def _converter():
    import opencc  # only when traditional Chinese is asked for

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=8192)
def to_traditional(text: str) -> str:
    return _converter().convert(text)


def pick(zh: str, en: str, lang: Lang) -> str:
    """The text for `lang` from a zh/en pair."""
    if lang == "en":
        return en
    if lang == "zh-Hant":
        return to_traditional(zh)
    return zh
