"""Which language the user reads, and Chinese in the script and phrasing of their region.

zh (Simplified) is written once. zh-Hant (Taiwan) and zh-HK are converted from it with OpenCC's
phrase-level configurations (`s2twp`: 資訊, 專案, 資料庫, 使用者, 載入, 內建; `s2hk` for Hong Kong),
never character by character, so the three never drift apart and read as each region writes.

The language is known before any command is built (`--help` is translated too): `language_from_args`
reads `--lang` from the command line; `resolve_language` then falls back to DEALCOACH_LANG and the
locale. This module imports nothing heavy: OpenCC is loaded on the first Traditional text.
"""

from __future__ import annotations

import locale
import os
import re
from functools import lru_cache
from typing import Literal

from dealcoach.errors import UsageError

Lang = Literal["zh", "zh-Hant", "zh-HK", "en"]
LANGS: tuple[str, ...] = ("zh", "zh-Hant", "zh-HK", "en")
CHINESE: frozenset[str] = frozenset({"zh", "zh-Hant", "zh-HK"})
_ALIASES = {"zh": "zh", "zh-hans": "zh", "zh-cn": "zh", "zh-sg": "zh", "cn": "zh",
            "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "tw": "zh-Hant",
            "zh-hk": "zh-HK", "zh-mo": "zh-HK", "hk": "zh-HK", "en": "en"}
# OpenCC configuration per Traditional variant
_OPENCC = {"zh-Hant": "s2twp", "zh-HK": "s2hk"}


_ACTIVE: list[Lang] = []
# `dealcoach --lang zh stage ...`: the --lang written before the command, read by the root group for
# this one invocation; a command's own --lang wins over it, and it wins over DEALCOACH_LANG
_BEFORE_COMMAND: list[str | None] = [None]


def set_language_before_command(value: str | None) -> None:
    """The root group's `--lang` (None when the command line has none before the command)."""
    _BEFORE_COMMAND[0] = value


def set_active_language(lang: Lang) -> None:
    """The language of the running command (set once it has read --lang), for text made far from it."""
    _ACTIVE[:] = [lang]


def active_language() -> Lang:
    """The running command's language; before one is set, DEALCOACH_LANG or the locale (else en)."""
    if _ACTIVE:
        return _ACTIVE[0]
    try:
        return resolve_language()
    except UsageError:
        return "en"


def parse_language(value: str, origin: str) -> Lang:
    lang = _ALIASES.get(value.strip().lower().replace("_", "-"))
    if lang is None:
        raise UsageError(f"{origin}: unknown language {value!r}; use one of zh, zh-Hant, zh-HK, en")
    return lang  # type: ignore[return-value]


def resolve_language(flag: str | None = None) -> Lang:
    """--lang (the command's, else the one before the command), else DEALCOACH_LANG, else the locale
    (zh_TW: zh-Hant, zh_HK: zh-HK, other zh_*: zh), else en."""
    for value, origin in ((flag, "--lang"), (_BEFORE_COMMAND[0], "--lang"),
                          (os.environ.get("DEALCOACH_LANG"), "DEALCOACH_LANG")):
        if value:
            return parse_language(value, origin)
    return language_from_locale(_current_locale())


def split_language_before_command(args: list[str]) -> tuple[list[str], str | None]:
    """`--lang zh` / `--lang=zh` among the options before the command name, taken out of `args`
    (the root group has no such option: every command has its own); the value, else None."""
    rest, value, index = [], None, 0
    while index < len(args) and args[index].startswith("-") and args[index] != "--":
        arg = args[index]
        if arg == "--lang" and index + 1 < len(args):
            value, index = args[index + 1], index + 2
            continue
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        index += 1
    return rest + args[index:], value


def language_from_args(args: list[str]) -> Lang:
    """The language for a command line before it is parsed (for `--help`); never fails: en if unsure."""
    flag = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            flag = args[index + 1]
        elif arg.startswith("--lang="):
            flag = arg.split("=", 1)[1]
    try:
        return resolve_language(flag)
    except UsageError:
        return "en"


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
    if name.startswith(("zh_hk", "zh_mo")):
        return "zh-HK"
    if name.startswith("zh_tw") or "hant" in name:
        return "zh-Hant"
    if name.startswith("zh"):
        return "zh"
    return "en"


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # only when Traditional Chinese is asked for

    return opencc.OpenCC(config)


# 里 after a noun means "inside" (组织里, 公司里): OpenCC's phrase tables know only common pairs and
# leave 組織里 in the village sense. Written as 裏 first, each variant then spells it its own way
# (Taiwan 裡, Hong Kong 裏). Not after measure words (公里, 千里) nor in 里程.
_INSIDE = re.compile(r"(?<=[\u4e00-\u9fff])(?<![公千万百十邻故乡英海])里(?![程弄长])")


@lru_cache(maxsize=16384)
def to_traditional(text: str, lang: Lang = "zh-Hant") -> str:
    """Simplified `text` as written in Taiwan (zh-Hant) or Hong Kong (zh-HK)."""
    return _converter(_OPENCC[lang]).convert(_INSIDE.sub("裏", text))


def pick(zh: str, en: str, lang: Lang) -> str:
    """The text for `lang` from a zh/en pair."""
    if lang == "en":
        return en
    if lang in _OPENCC:
        return to_traditional(zh, lang)
    return zh


def localize(zh_text: str, lang: Lang) -> str:
    """Chinese text (a name, a source title, a user's note in Simplified) in the reader's script."""
    return to_traditional(zh_text, lang) if lang in _OPENCC else zh_text
