"""`dealcoach call-script`: the phone invitation for this contact on this deal, before and during the call."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language

CALL_OUTCOMES = ("no-answer", "connected", "refused", "call-back", "meeting-booked")


class ScriptFormat(str, Enum):
    terminal = "terminal"
    markdown = "markdown"


def call_script(
    deal_ref: Annotated[str | None, typer.Argument(metavar="[DEAL]", help="Deal id or part of its name.")] = None,
    deal_file: Annotated[Path | None, typer.Option("--deal-file", help="A deal file; no database needed.")] = None,
    example: Annotated[str | None, typer.Option("--example", help="A bundled example deal (see `example list`).")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Whom you call: a person on the deal, or anyone on a cold call.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="Cold call: the account (no deal needed).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Cold call: the contact's job title.")] = None,
    industry: Annotated[str | None, typer.Option("--industry", help="Cold call: the account's industry (for likely pains).")] = None,
    role: Annotated[list[str] | None, typer.Option("--role", help="Cold call: the contact's buying role, e.g. decision-maker (repeat).")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Cold call: senior, middle or staff.")] = None,
    playbook: Annotated[str | None, typer.Option("--playbook", help="Cold call: six-step (default) or eight-step.")] = None,
    format: Annotated[ScriptFormat | None, typer.Option("--format", "-f", help="terminal (default) or markdown.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the printable Markdown script to FILE.")] = None,
    live: Annotated[bool, typer.Option("--live", help="Walk the call step by step and record what you learn (a terminal is needed).")] = False,
    outcome: Annotated[str | None, typer.Option("--outcome", help="Record a call: no-answer, connected, refused, call-back or meeting-booked.")] = None,
    confirmed_pain: Annotated[list[str] | None, typer.Option("--confirmed-pain", help="A problem the contact confirmed (repeat): the meeting is proposed on it; with --outcome it is recorded on that person.")] = None,
    meeting_time: Annotated[str | None, typer.Option("--meeting-time", help="The booked meeting's time.")] = None,
    meeting_place: Annotated[str | None, typer.Option("--meeting-place", help="The booked meeting's place.")] = None,
    attendee: Annotated[list[str] | None, typer.Option("--attendee", help="Who attends the meeting (repeat).")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="A meeting topic (repeat).")] = None,
    we_prepare: Annotated[str | None, typer.Option("--we-prepare", help="What we prepare for the meeting.")] = None,
    they_prepare: Annotated[str | None, typer.Option("--they-prepare", help="What they prepare for the meeting.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note on the call.")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """The script adapts to who is called (role and level on the power map) and to the deal's stage;
    your own name, company and offer come from `dealcoach profile set`. --live walks the call and
    records the outcome, the pains confirmed and the meeting on the deal; --outcome records it
    without questions. --confirmed-pain alone shows the script as it goes on once they have
    confirmed those problems. A cold call needs only --contact and --account.

    Example: dealcoach call-script 宁夏 --contact 设计负责人 --format markdown -o call.md
    """
    from dealcoach.i18n import message

    lang_ = language(lang)
    meeting_flags = [flag for flag, value in (("--meeting-time", meeting_time), ("--meeting-place", meeting_place),
                                              ("--attendee", attendee), ("--topic", topic),
                                              ("--we-prepare", we_prepare), ("--they-prepare", they_prepare)) if value]
    capture_flags = meeting_flags + (["--note"] if note else [])
    _check_usage(deal_ref, deal_file, example, contact, account, title, industry, role, level, playbook, format,
                 output, live, outcome, json, meeting_flags, capture_flags, meeting_time, bool(confirmed_pain))
    heard = confirmed_pain or []
    if live:
        from dealcoach.prompts import require_terminal

        require_terminal(message("hint.call_live_no_tty", lang_))

    from dealcoach.coaching.callscript import build_call_script
    from dealcoach.playbook.loader import load_catalog, load_playbook
    from dealcoach.profile import load_profile

    profile = load_profile()
    catalog = load_catalog()
    if account is not None:
        from dealcoach.coaching.callscript import cold_call_deal

        chosen = load_playbook(playbook or "six-step")
        deal = cold_call_deal(contact or "", account, chosen, catalog, title=title, industry=industry,
                              roles=role, level=level)
        _show(build_call_script(deal, chosen, catalog, profile, lang_, contact_name=contact, cold=True, heard=heard),
              lang_, format, output, json, no_color)
        return
    if deal_file is not None or example is not None:
        if deal_file is not None:
            from dealcoach.deals.dealfile import load_deal_file

            deal, chosen = load_deal_file(deal_file)
        else:
            from dealcoach.examples import load_example

            loaded = load_example(example)  # type: ignore[arg-type]
            deal, chosen = loaded.deal, loaded.playbook
        _show(build_call_script(deal, chosen, catalog, profile, lang_, contact_name=contact, heard=heard), lang_,
              format, output, json, no_color)
        return

    from dealcoach.store import open_store

    with open_store() as store:
        deal = store.find(deal_ref)  # type: ignore[arg-type]
        chosen = load_playbook(deal.playbook)
        script = build_call_script(deal, chosen, catalog, profile, lang_, contact_name=contact, heard=heard)
        if live:
            from dealcoach.interactive.live_call import live_call

            def listen(heard: list[str]):
                return build_call_script(deal, chosen, catalog, profile, lang_, contact_name=script.contact.name,
                                         heard=heard)

            plan = live_call(store, deal, chosen, catalog, script, lang_, no_color, listen)
        elif outcome is not None:
            plan = _record(store, deal, chosen, catalog, script, outcome, confirmed_pain or [], meeting_flags,
                           meeting_time, meeting_place, attendee or [], topic or [], we_prepare, they_prepare, note,
                           lang_)
        else:
            plan = None
    if plan is None:
        _show(script, lang_, format, output, json, no_color)
        return
    if json:
        emit_json(plan.model_dump(mode="json"))
        return
    from dealcoach.render.callscript import render_after_call
    from dealcoach.render.console import console

    render_after_call(console(no_color), plan, lang_)


def _check_usage(deal_ref, deal_file, example, contact, account, title, industry, role, level, playbook, format,
                 output, live, outcome, json, meeting_flags, capture_flags, meeting_time, heard) -> None:
    from dealcoach.errors import UsageError

    sources = [name for name, given in (("DEAL", deal_ref), ("--deal-file", deal_file), ("--example", example),
                                        ("--account", account)) if given]
    if len(sources) > 1:
        raise UsageError(f"give only one of {', '.join(sources)}")
    if not sources:
        raise UsageError("give a DEAL, --deal-file FILE or --example NAME; for a cold call, --contact NAME "
                         "--account NAME")
    if account is not None and not contact:
        raise UsageError("a cold call needs --contact NAME as well as --account NAME")
    cold_only = [flag for flag, value in (("--title", title), ("--industry", industry), ("--role", role),
                                          ("--level", level), ("--playbook", playbook)) if value]
    if cold_only and account is None:
        raise UsageError(f"{cold_only[0]} describes a cold call (with --account); a deal already has its people "
                         "and playbook: change them with `dealcoach people edit`")
    if live and outcome is not None:
        raise UsageError("give --live (questions) or --outcome (flags), not both")
    if live and heard:
        raise UsageError("--live asks which problems they confirm; leave out --confirmed-pain")
    if capture_flags and outcome is None:
        raise UsageError(f"{capture_flags[0]} records a call: give --outcome too (or use --live)")
    if (live or outcome is not None) and deal_ref is None:
        raise UsageError("--live and --outcome record the call on a stored deal: give a DEAL "
                         "(import a deal file with `dealcoach deal import FILE`)")
    if (live or outcome is not None) and (format is not None or output is not None):
        raise UsageError("--format/-o print the script; leave them out when recording a call")
    if live and json:
        raise UsageError("--live asks questions; record with --outcome ... --json for JSON")
    if json and (format is not None or output is not None):
        raise UsageError("--json prints JSON on stdout; leave out --format/-o")
    if output is not None and format is ScriptFormat.terminal:
        raise UsageError("-o writes the printable script: use --format markdown")
    if outcome is not None:
        if outcome not in CALL_OUTCOMES:
            raise UsageError(f"--outcome: {outcome!r} is not a call outcome; use one of {', '.join(CALL_OUTCOMES)}")
        if outcome == "meeting-booked" and not meeting_time:
            raise UsageError("--outcome meeting-booked needs --meeting-time (and --meeting-place, --attendee, --topic)")
        if outcome != "meeting-booked" and meeting_flags:
            raise UsageError(f"{meeting_flags[0]} describes a booked meeting: use --outcome meeting-booked")


def _record(store, deal, playbook, catalog, script, outcome, pains, meeting_flags, meeting_time, meeting_place,
            attendees, topics, we_prepare, they_prepare, note, lang):
    from dealcoach import settings
    from dealcoach.deals.calls import call_record
    from dealcoach.usecases.activity import log_call

    meeting = None
    if meeting_flags:
        meeting = {"when": meeting_time, "place": meeting_place, "attendees": attendees, "topics": topics,
                   "we_prepare": we_prepare, "they_prepare": they_prepare}
    record = call_record({"outcome": outcome, "contact": script.contact.name, "confirmed_pains": pains,
                          "meeting": meeting, "note": note})
    return log_call(store, deal, record, script, playbook, catalog, settings.current_user(), lang)


def _show(script, lang, format: ScriptFormat | None, output: Path | None, json: bool, no_color: bool) -> None:
    if json:
        emit_json(script.model_dump(mode="json"))
        return
    if format is ScriptFormat.markdown or output is not None:
        from dealcoach.render.callscript import to_markdown

        from dealcoach.cli.options import write_or_echo
        from dealcoach.i18n import message

        write_or_echo(output, to_markdown(script, lang), message("call.written", lang, path=str(output)))
        return
    from dealcoach.render.callscript import render_script
    from dealcoach.render.console import console

    render_script(console(no_color), script, lang)
