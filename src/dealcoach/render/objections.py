"""The objections to expect, per stakeholder, as Rich output."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from dealcoach.coaching.objections import ObjectionsReport, PredictedObjection
from dealcoach.i18n import Lang, message
from dealcoach.typeset import colon
from dealcoach.render.people import ATTITUDE_STYLE, value


def _objection(node: Tree, item: PredictedObjection, lang: Lang) -> None:
    branch = node.add(f"[bold]{escape(item.cause.name)}[/]  {colon(message('objections.says', lang), lang)}"
                      f"“{escape(item.says)}”")
    branch.add(f"{colon(message('objections.prepare', lang), lang)}{escape(item.evidence)}")
    risk = branch.add(f"{colon(message('objections.risk', lang), lang)}[yellow]{escape(item.risk.name)}[/]")
    for commitment in item.commitments:
        risk.add(f"{colon(message('objections.commit', lang), lang)}{escape(commitment)}")


def _objections_titled(console: Console, title_key: str, items: list[PredictedObjection], lang: Lang) -> None:
    """A group of objections under one title (everyone's; those nobody holds the role for); none: nothing."""
    if items:
        tree = Tree(f"[bold]{message(title_key, lang)}[/]")
        for item in items:
            _objection(tree, item, lang)
        console.print(tree)


def render_objections(console: Console, report: ObjectionsReport, lang: Lang) -> None:
    console.print(f"[bold]{escape(message('objections.title', lang, deal=report.deal, stage=report.stage.name))}[/]")
    why = Tree(f"[dim]{message('objections.why', lang)}[/]")
    for line in report.why:
        why.add(f"[dim]{escape(line)}[/]")
    console.print(why)
    _objections_titled(console, "objections.everyone", report.everyone, lang)
    for person in report.people:
        title = f" {escape(person.title)}" if person.title else ""
        style = ATTITUDE_STYLE.get(person.attitude, "")
        tree = Tree(f"[bold {style}]{escape(person.name)}[/]{title}  [{style}]{value(person.attitude, lang)}[/]  "
                    f"{colon(message('objections.trust', lang), lang)}{escape(person.trust.name)}")
        trust = tree.add(f"[dim]{escape(person.trust.text)}[/]")
        for evidence in person.trust.evidence:
            trust.add(f"{colon(message('objections.show_them', lang), lang)}{escape(evidence)}")
        if not person.objections:
            tree.add(f"[dim]{message('objections.nothing', lang)}[/]")
        for item in person.objections:
            _objection(tree, item, lang)
        if person.blockers:
            blockers = tree.add(f"[bold]{message('objections.blockers', lang)}[/]")
            for blocker in person.blockers:
                node = blockers.add(f"[magenta]{escape(blocker.name)}[/]  {colon(message('objections.sign', lang), lang)}"
                                    f"{escape(blocker.sign)}")
                node.add(escape(blocker.advice))
        console.print(tree)
    _objections_titled(console, "objections.unclaimed", report.unclaimed, lang)
    if report.policy_changes:
        tree = Tree(f"[bold]{message('objections.policy', lang)}[/]")
        for line in report.policy_changes:
            tree.add(escape(line))
        console.print(tree)
    for note in report.notes:
        console.print(f"[yellow]{escape(note)}[/]")
