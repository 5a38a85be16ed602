"""`dealcoach people add|list|show|edit|rm`: the people on a deal's buying side."""

from __future__ import annotations

from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language

app = typer.Typer(no_args_is_help=True)  # its summary is in COMMANDS

DealArg = Annotated[str, typer.Argument(metavar="DEAL", help="Deal id or an unambiguous part of its name.")]
PersonArg = Annotated[str, typer.Argument(metavar="NAME", help="The person's name (or an unambiguous part).")]
Name = Annotated[str | None, typer.Option("--name", help="Name (or how you call them, e.g. 涂主任).")]
Title = Annotated[str | None, typer.Option("--title", help="Job title.")]
Department = Annotated[str | None, typer.Option("--department", help="Department.")]
Level = Annotated[str | None, typer.Option("--level", help="senior, middle or staff.")]
Roles = Annotated[list[str] | None, typer.Option("--role", help="A buying role id, e.g. decision-maker, insider (repeat).")]
Attitude = Annotated[str | None, typer.Option("--attitude", help="supporter, neutral, opponent or unknown.")]
Influence = Annotated[str | None, typer.Option("--influence", help="high, medium, low or unknown.")]
Contact = Annotated[str | None, typer.Option("--contact", help="none, brief, regular or deep.")]
ReportsTo = Annotated[str | None, typer.Option("--reports-to", help="Their boss on this deal ('' for nobody).")]
Circle = Annotated[str | None, typer.Option("--circle", help="inner, edge or outer (around their boss).")]
Faction = Annotated[str | None, typer.Option("--faction", help="The camp (派系) they belong to, as you name it.")]
BossTrust = Annotated[str | None, typer.Option("--boss-trust", help="Does their boss trust them: trusted, doubted or nominal (上司认可/怀疑/名义上的中层).")]
FollowsBoss = Annotated[str | None, typer.Option("--follows-boss", help="Do they follow their boss: follows or resists (服从/不服从).")]
Increment = Annotated[list[str] | None, typer.Option("--increment", metavar="QUESTION=ANSWER", help="An increment answer, e.g. 获益=每年省80万 (repeat; QUESTION= clears it).")]
Needs = Annotated[list[str] | None, typer.Option("--need", help="safety, belonging, esteem, self-actualisation (repeat).")]
Kpi = Annotated[bool | None, typer.Option("--kpi/--no-kpi", help="The project is (not) on their KPI.")]
New = Annotated[bool | None, typer.Option("--new/--not-new", help="Recently joined or changed role.")]
Plan = Annotated[str | None, typer.Option("--plan", help="Our plan for this person.")]
Phone = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
Notes = Annotated[str | None, typer.Option("--notes", help="Notes.")]
Motive = Annotated[str | None, typer.Option("--motive", help="Why this insider wants us to win: against-competitor, against-competitor-backers or likes-us (or 喜欢我们的盟友...).")]
Support = Annotated[str | None, typer.Option("--support", help="How they have shown their support (e.g. introduced us to the purchase head).")]
Will = Annotated[str | None, typer.Option("--will", help="Their will to help us: high, medium, low or unknown.")]
Ability = Annotated[str | None, typer.Option("--ability", help="Their ability to help us: high, medium, low or unknown.")]
Style = Annotated[str | None, typer.Option("--style", help="How they lead a decision: telling, selling, participating or delegating (告之型...).")]
Delegate = Annotated[bool | None, typer.Option("--delegate/--not-delegate", help="The decision maker has delegated this decision to them.")]


def _fields(name, title, department, level, roles, attitude, influence, contact, reports_to, circle, needs, kpi,
            new, plan, phone, notes, politics: dict | None = None) -> dict:
    given = {"name": name, "title": title, "department": department, "level": level, "roles": roles,
             "attitude": attitude, "influence": influence, "contact": contact, "reports_to": reports_to,
             "circle": circle, "needs": needs, "kpi": kpi, "new": new, "plan": plan, "phone": phone, "notes": notes,
             **(politics or {})}
    fields = {key: value for key, value in given.items() if value is not None}
    for key in ("reports_to", "title", "department", "circle", "plan", "phone", "notes", "level", "faction",
                "boss_trust", "follows_boss", "support"):
        if fields.get(key) == "":
            fields[key] = None  # an empty flag clears the field
    return fields


def _politics(faction, boss_trust, follows_boss, increment) -> dict:
    return {"faction": faction, "boss_trust": boss_trust, "follows_boss": follows_boss, "increment": increment}


def _qualification(motive, support, will, ability, style, delegate) -> dict:
    """An insider's qualification and a leader's style ('' clears one)."""
    return {"motive": motive, "support": support, "will": will, "ability": ability, "style": style,
            "delegate": delegate}


def _load(store, deal_ref: str):
    from dealcoach.playbook.loader import load_catalog, load_playbook

    deal = store.find(deal_ref)
    return deal, load_playbook(deal.playbook), load_catalog()


@app.command("add")
def add(deal_ref: DealArg, name: Name = None, title: Title = None, department: Department = None, level: Level = None,
        role: Roles = None, attitude: Attitude = None, influence: Influence = None, contact: Contact = None,
        reports_to: ReportsTo = None, circle: Circle = None, need: Needs = None, kpi: Kpi = None, new: New = None,
        plan: Plan = None, phone: Phone = None, notes: Notes = None, faction: Faction = None,
        boss_trust: BossTrust = None, follows_boss: FollowsBoss = None, increment: Increment = None,
        motive: Motive = None, support: Support = None,
        will: Will = None, ability: Ability = None, style: Style = None, delegate: Delegate = None,
        lang: LangOption = None) -> None:
    """Add a person to a deal, by flags or (without --name, on a terminal) by answering questions.

    Example: dealcoach people add 宁夏 --name 涂主任 --title 技术部主任 --role technical-supporter --influence high
    """
    from dealcoach import settings
    from dealcoach.deals.edit import add_person
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    fields = _fields(name, title, department, level, role, attitude, influence, contact, reports_to, circle, need,
                     kpi, new, plan, phone, notes, {**_politics(faction, boss_trust, follows_boss, increment),
                     **_qualification(motive, support, will, ability, style, delegate)})
    with open_store() as store:
        deal, playbook, catalog = _load(store, deal_ref)
        if name is None:
            from dealcoach.prompts import ask_person, ask_person_qualification, require_terminal

            require_terminal(message("hint.people_no_tty", lang_))
            asked = ask_person(deal, catalog, lang_)
            fields = {**asked, **ask_person_qualification(asked.get("roles", []), catalog, lang_), **fields}
        updated = add_person(deal, fields, playbook, catalog)
        store.save(updated, settings.current_user())
    typer.echo(message("people.added", lang_, name=updated.people[-1].name, deal=deal.name))


@app.command("list")
def list_people(deal_ref: DealArg, lang: LangOption = None, json: JsonOption = False,
                no_color: NoColorOption = False) -> None:
    """List the people on a deal.

    Example: dealcoach people list 宁夏 --json
    """
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal, _, catalog = _load(store, deal_ref)
    if json:
        emit_json([p.model_dump(mode="json") for p in deal.people])
        return
    from dealcoach.i18n import message
    from dealcoach.render.console import console
    from dealcoach.render.people import people_table

    out = console(no_color)
    if not deal.people:
        from rich.text import Text

        out.print(Text(message("people.none", lang_, deal=deal.name)))
        return
    out.print(people_table(deal.people, {r.id: r.name.get(lang_) for r in catalog.roles}, lang_))


@app.command("show")
def show(deal_ref: DealArg, person: PersonArg, lang: LangOption = None, json: JsonOption = False,
         no_color: NoColorOption = False) -> None:
    """How to work with one person: role traits and strategy, what their department cares about,
    and the questions on their organisational need, personal desire and pressure points.

    Example: dealcoach people show 宁夏 项目经理
    """
    from dealcoach.coaching.people import coach_person
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal, playbook, catalog = _load(store, deal_ref)
    coaching = coach_person(deal, person, playbook, catalog, lang_)
    if json:
        emit_json(coaching.model_dump(mode="json"))
        return
    from dealcoach.render.console import console
    from dealcoach.render.people import coaching_panel

    console(no_color).print(coaching_panel(coaching, lang_))


@app.command("edit")
def edit(deal_ref: DealArg, person: PersonArg, name: Name = None, title: Title = None, department: Department = None,
         level: Level = None, role: Roles = None, attitude: Attitude = None, influence: Influence = None,
         contact: Contact = None, reports_to: ReportsTo = None, circle: Circle = None, need: Needs = None,
         kpi: Kpi = None, new: New = None, plan: Plan = None, phone: Phone = None, notes: Notes = None,
         faction: Faction = None, boss_trust: BossTrust = None, follows_boss: FollowsBoss = None,
         increment: Increment = None,
         motive: Motive = None, support: Support = None, will: Will = None, ability: Ability = None,
         style: Style = None, delegate: Delegate = None, lang: LangOption = None) -> None:
    """Change a person's fields (only those given; '' clears a text field; --role replaces the roles).
    With no flags, on a terminal: asks their circle, boss's trust, faction, KPI, needs and increment.

    Example: dealcoach people edit 宁夏 项目经理 --contact brief --attitude neutral
    """
    from dealcoach import settings
    from dealcoach.deals.edit import edit_person
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    changes = _fields(name, title, department, level, role, attitude, influence, contact, reports_to, circle, need,
                      kpi, new, plan, phone, notes, {**_politics(faction, boss_trust, follows_boss, increment),
                      **_qualification(motive, support, will, ability, style, delegate)})
    with open_store() as store:
        deal, playbook, catalog = _load(store, deal_ref)
        if not changes:  # on a terminal: the politics and needs of the person, asked one by one
            from dealcoach.deals.lookup import find_person
            from dealcoach.prompts import ask_person_politics, ask_person_qualification, require_terminal

            require_terminal("nothing to change: give --attitude, --contact, --role, --reports-to, --circle, ...")
            found = find_person(deal, person)
            changes = {**ask_person_politics(found, playbook, lang_),
                       **ask_person_qualification(found.roles, catalog, lang_, found)}
        updated = edit_person(deal, person, changes, playbook, catalog)
        store.save(updated, settings.current_user())
    typer.echo(message("people.saved", lang_, name=changes.get("name", person)))


@app.command("rm")
def remove(deal_ref: DealArg, person: PersonArg,
           yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
           lang: LangOption = None) -> None:
    """Remove a person from a deal (whoever reported to them then reports to their boss).

    Example: dealcoach people rm 宁夏 A的下属 --yes
    """
    from dealcoach import settings
    from dealcoach.deals.edit import remove_person
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal, _, _ = _load(store, deal_ref)
        updated, removed = remove_person(deal, person)
        if not yes:
            from dealcoach import prompts

            prompts.require_terminal(message("hint.rm_no_tty", lang_))
            if not prompts.ask_confirm(message("prompt.confirm_rm_person", lang_, name=removed)):
                typer.echo(message("deal.kept", lang_))
                return
        store.save(updated, settings.current_user())
    typer.echo(message("people.removed", lang_, name=removed, deal=deal.name))
