"""The methodology's sources named for people, by their titles.

The playbooks cite their sources by the project's own short names ("seed 001", "eight-step-model.md
§4"), which keep the data traceable; a user never sees those words. `source_title` replaces every
such reference in a `source:` text with the title of the document, in the reader's language.
"""

from __future__ import annotations

import functools
import re

from dealcoach.language import Lang, localize

# source id -> (Chinese title, English title); the documents are /work/shared/seeds/00N_*.txt and
# the reconstruction note in the project's reference folder
SOURCE_TITLES: dict[str, tuple[str, str]] = {
    "000": ("大客户销售八步流程（图书节选：分析研讨，确定预算）",
            "The eight-step big-account process (book excerpt: analysing needs, settling the budget)"),
    "001": ("工业油液大客户销售的标准流程", "The standard process of industrial-oil big-account sales"),
    "002": ("大客户销售案例：蒋先生与采购副总", "A big-account case: Mr Jiang and the purchasing vice-president"),
    "003": ("大客户销售课程：客户内部不同角色的分析", "Big-account sales course: the roles inside the customer"),
    "004": ("大客户采购中的六个角色", "The six buying roles in big-account sales"),
    "eight-step-model.md": ("八步流程的重建说明", "Notes on reconstructing the eight-step process"),
}

_SEEDS = re.compile(r"\bseeds? (\d{3}(?:(?:, | and |、)\d{3})*)")
_REFERENCE = re.compile(r"\b([\w-]+\.md)\b")


def title(source_id: str, lang: Lang) -> str:
    """《标题》 in Chinese, the title in English; an unknown id is returned as it is."""
    titles = SOURCE_TITLES.get(source_id)
    if titles is None:
        return source_id
    return localize(f"《{titles[0]}》", lang) if lang != "en" else titles[1]


@functools.lru_cache(maxsize=1024)  # a rule's source is named for every deal of a pipeline review
def source_title(source: str | None, lang: Lang) -> str:
    """A `source:` text with every "seed 00N" and reference file named by its title."""
    if not source:
        return ""
    separator = ", " if lang == "en" else "、"

    def seeds(match: re.Match) -> str:
        return separator.join(title(number, lang) for number in re.findall(r"\d{3}", match.group(1)))

    named = _SEEDS.sub(seeds, source)
    named = _REFERENCE.sub(lambda match: title(match.group(1), lang), named)
    if lang == "en":
        return named
    # a note in brackets after a title reads as Chinese: full-width brackets, no space before
    return localize(re.sub(r"\s*\(([^()]*)\)", r"（\1）", named), lang)
