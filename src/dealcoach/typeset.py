"""Typesetting mixed Chinese and English text: where lines may break, and the punctuation per language.

One place for the rules a reader of Chinese expects (and one for English):
- kinsoku (避头尾): no line starts with closing punctuation (，。、）》…) or ends with opening
  punctuation (（《“…); a break that would do so moves the neighbouring character to the next line;
- Chinese may break between any two characters; an ASCII word, number, date, amount or id never breaks;
- a bullet ("•", "-", "1.") stays on the line of its text;
- a list is joined with "、" and a label ends with "：" in Chinese, ", " and ": " in English;
- a YAML line fold must not leave a space between two Chinese characters (`cjk_spaces`).

Pure standard library: `--help` uses it, so it must import fast.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CLOSING = set("，。、；：？！）》」』】〕〉…—～·%％,.;:?!)]}>'\"’”")
OPENING = set("（《「『【〔〈“‘([{<→×")  # "→ A" and "× 高" stay together
_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")
_BULLET = re.compile(r"^\s*(?:[•·\-*★✓⚠]|\d{1,2}[.)、])\s+")
# a token: an unbreakable run of non-CJK, non-space characters (a word, number, date or id), or one
# CJK character, or a run of spaces
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")


def is_chinese(lang: str) -> bool:
    return lang.startswith("zh")


def join(items, lang: str) -> str:
    """A list in running text: 甲、乙、丙 in Chinese, a, b, c in English."""
    return ("、" if is_chinese(lang) else ", ").join(str(item) for item in items)


def colon(label: str, lang: str) -> str:
    """`label` followed by the colon of the language: 做法： / how: ."""
    return f"{label}：" if is_chinese(lang) else f"{label}: "


def parenthesised(text: str, lang: str) -> str:
    """（text） in Chinese, " (text)" in English."""
    return f"（{text}）" if is_chinese(lang) else f" ({text})"


def cjk_spaces(text: str) -> list[int]:
    """Offsets of spaces between two Chinese characters (left by YAML line folds)."""
    return [match.start() for match in _CJK_SPACE.finditer(text)]


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def width(text: str) -> int:
    """Terminal cells `text` takes (Chinese characters take two)."""
    return sum(char_width(char) for char in text)


def break_offsets(text: str, limit: int, fold: bool = True) -> list[int]:
    """Character offsets at which to break `text` so each line fits `limit` cells, kinsoku applied.

    The same contract as Rich's `divide_line`, which `render/console.py` replaces with this.
    """
    if limit <= 0:
        return []
    tokens = [(match.start(), match.group()) for match in _TOKEN.finditer(text)]
    bullet = _BULLET.match(text)
    glue_until = bullet.end() if bullet else 0  # never break inside "• " + the first word
    breaks: list[int] = []
    line_start, used = 0, 0
    index = 0
    while index < len(tokens):
        start, token = tokens[index]
        size = width(token)
        if token.isspace():
            used += size  # trailing spaces may hang past the edge
            index += 1
            continue
        if used + size <= limit or start <= glue_until or start == line_start:
            if size > limit and start == line_start and fold:
                # a word longer than a whole line: cut it, the only break allowed inside a word
                cut, taken = start, 0
                for char in token:
                    if taken + char_width(char) > limit and cut > start:
                        breaks.append(cut)
                        line_start, taken = cut, 0
                    taken += char_width(char)
                    cut += 1
                used = taken
            else:
                used += size
            index += 1
            continue
        # `token` starts the next line; keep closing punctuation off the line's start and opening
        # punctuation off the previous line's end, by moving characters down with it
        at = index
        while at > 0 and _moves_down(tokens, at, line_start):
            at -= 1
        if tokens[at][0] <= line_start:
            at = index  # everything would move: break where it falls
        breaks.append(tokens[at][0])
        line_start = tokens[at][0]
        used = sum(width(tok) for _, tok in tokens[at:index])
        # continue with `token` itself on the new line
    return breaks


def _moves_down(tokens: list[tuple[int, str]], at: int, line_start: int) -> bool:
    """Must the token before `at` move to the next line with it?"""
    if at - 1 < 0 or tokens[at - 1][0] < line_start:
        return False
    first, before = tokens[at][1], tokens[at - 1][1]
    if before.isspace():  # "→ A": the space moves down when the mark before it must not end a line
        return at - 2 >= 0 and tokens[at - 2][0] >= line_start and tokens[at - 2][1][-1] in OPENING
    return first[0] in CLOSING or before[-1] in OPENING


_UNBREAKABLE = re.compile(rf"[{re.escape(''.join(sorted(OPENING)))}]*[^\s{_CJK}]+[{re.escape(''.join(sorted(CLOSING)))}]*")


def widest_unbreakable(text: str) -> int:
    """Cells of the widest run no line break may split: a word, number, date or id, with the
    brackets and punctuation kinsoku keeps with it ("（30%-60%）"). A column narrower than this
    would have to fold it."""
    return max((width(run) for run in _UNBREAKABLE.findall(text)), default=0)


def wrap(text: str, limit: int) -> list[str]:
    """`text` as lines of at most `limit` cells, kinsoku applied; trailing spaces trimmed."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        offsets = [0, *break_offsets(paragraph, limit), len(paragraph)]
        lines += [paragraph[a:b].rstrip() for a, b in zip(offsets, offsets[1:])] or [""]
    return lines
