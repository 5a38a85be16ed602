"""The `dealcoach` command: a thin Typer layer. Parse, call one core function, render.

The one error boundary lives here (`_Boundary.invoke`): a DealcoachError becomes a one-line message
on stderr and its exit code (1 user error, 2 usage); Ctrl-C exits 130; tracebacks only with --debug.
Command modules import the core and renderers inside the command functions, so `--help` stays fast.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from dealcoach.errors import DealcoachError


class _Boundary(TyperGroup):
    def invoke(self, ctx):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DealcoachError as exc:
            if os.environ.get("DEALCOACH_DEBUG"):
                raise
            report_error(exc, ctx.meta.get(LANGUAGE_KEY, "en"))
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except EOFError:
            # Ctrl-D at a prompt (or its input closed) cancels as Ctrl-C does: exit 130, a form's
            # draft kept; Typer alone would print an English "Aborted!" and exit 1
            raise KeyboardInterrupt from None
        except BrokenPipeError:
            # the reader stopped reading (`dealcoach grade --deals --json | head`): not an error;
            # what was to be saved is saved before anything is printed. Nothing more goes to the
            # closed pipe, not even Python's last flush.
            _silence_stdout()
            raise typer.Exit(0) from None
        except BaseException as exc:  # not only Exception: a Rust library's panic derives from BaseException
            # Typer's own usage errors pass through (exit 2); anything else is our bug: one line,
            # no traceback and no local variables (they hold deal data) unless asked for
            if os.environ.get("DEALCOACH_DEBUG") or type(exc).__module__.startswith("typer"):
                raise
            from dealcoach.safetext import one_line

            first = one_line(str(exc).splitlines()[0]) if str(exc).strip() else ""
            typer.echo(f"internal error: {type(exc).__name__}: {first}; "
                       "please report it, with the output of the same command run as `dealcoach --debug ...`", err=True)
            raise typer.Exit(1) from None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


LANGUAGE_KEY = "dealcoach.language"  # ctx.meta: the language read from the command line


def report_error(exc: DealcoachError, lang: str = "en") -> None:
    from dealcoach.error_text import error_prefix, localize_error
    from dealcoach.safetext import one_line

    # one line per error, whatever the file or the deal held (an ESC, a CR, a newline in a name)
    lines = [error_prefix(lang) + localize_error(exc, lang)]  # type: ignore[arg-type]
    # a summary line ("file: 3 errors") is followed by each error on its own line
    lines += [f"  {localize_error(line if isinstance(line, DealcoachError) else one_line(line), lang)}"  # type: ignore[arg-type]
              for line in exc.details if str(line) != exc.message]
    typer.echo("\n".join(lines), err=True)


# Every command, in the order `--help` lists them: name -> (module in dealcoach.cli, attribute,
# one-line summary). A command's module is imported only when that command runs, so `--help` and
# each command pay for their own imports only. The summary is written here only: `load_command`
# puts it at the head of the command's own help (its docstring or `help=` says the rest).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "stage": ("stage", "stage", "Where a deal really stands in both processes, what is missing, what to do next."),
    "deal": ("deal", "app", "Your deals: create, list, show, edit, remove, import and export."),
    "people": ("people", "app", "The people on a deal's buying side: roles, attitude, influence, contact."),
    "map": ("map", "power_map", "The power map of a deal: reporting lines, roles, coverage and gaps."),
    "objections": ("objections", "objections", "What each person may object to at this stage: the evidence and the risk commitments."),
    "call-script": ("call_script", "call_script", "The phone invitation (电话邀约): pre-call check, the three steps, objections, visit plan."),
    "grade": ("grade", "grade", "Grade prospects A/B/C/D by expected close and win probability, capped by the assessment."),
    "log": ("log", "app", "The activity log: calls, visits, emails, meetings."),
    "followup": ("followup", "followup", "Today's call list by grade rhythm, with a fresh pretext."),
    "funnel": ("followup", "funnel", "The conversion funnel from the log, and where the work leaks."),
    "pipeline": ("pipeline", "pipeline", "The manager's pipeline review: every deal ranked by risk, totals, forecast."),
    "report": ("report", "report", "A deal brief or the pipeline review as one self-contained page (HTML or PDF)."),
    "playbook": ("playbook", "app", "The bundled and your own playbooks (the methodology as data)."),
    "example": ("example", "app", "Bundled example deals from the source cases."),
    "profile": ("profile", "app", "Your own details for call scripts: name, company, offer, phone (set once)."),
    "db": ("db", "app", "The database: migrations, and a portable backup to move between SQLite and PostgreSQL."),
    "path": ("path", "path", "Where the database, your playbooks and your profile live (DEALCOACH_HOME moves them all)."),
}


class _LazyRoot(_Boundary):
    """The root group: commands are built from their modules on first use."""

    def parse_args(self, ctx, args):  # type: ignore[override]
        # the language is known before any help is formatted or command built (--help is translated)
        from dealcoach.cli.help_text import use_language_for_help
        from dealcoach.language import language_from_args, set_language_before_command, split_language_before_command

        # `dealcoach --lang zh stage --help`: the root takes --lang for the command that follows
        args, before_command = split_language_before_command(args)
        set_language_before_command(before_command)
        ctx.meta[LANGUAGE_KEY] = language_from_args(args)
        use_language_for_help(ctx.meta[LANGUAGE_KEY])
        if args[:1] == ["--version"]:
            # read here, not by a root option: a root callback option costs every `--help` ~100 ms
            from dealcoach import __version__

            typer.echo(f"dealcoach {__version__}")
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def get_help_option(self, ctx):  # type: ignore[override]
        return _plain_help_option(super().get_help_option(ctx))

    def format_options(self, ctx, formatter) -> None:  # type: ignore[override]
        rows = [record for param in self.get_params(ctx) if (record := param.get_help_record(ctx))]
        with formatter.section("Options"):
            formatter.write_dl([("--version", "Show the version and exit."), (f"--lang {_lang_metavar()}", _LANG_HELP),
                                *rows])
        self.format_commands(ctx, formatter)

    def list_commands(self, ctx):  # type: ignore[override]
        return list(COMMANDS)

    def get_command(self, ctx, name):  # type: ignore[override]
        if name not in COMMANDS:
            return None
        return load_command(name)

    def format_commands(self, ctx, formatter) -> None:  # type: ignore[override]
        rows = [(name, summary) for name, (_, _, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


# the root's --lang is read by parse_args, not by an option (a root option costs every --help ~100 ms);
# every command's own --lang says the same (cli/options.py)
_LANG_HELP = "Language: zh, zh-Hant, zh-HK or en (default: DEALCOACH_LANG, else the locale)."


def _lang_metavar() -> str:
    from dealcoach.cli.help_text import metavar_for

    return metavar_for("--lang")


def _plain_help_option(option):
    """--help not given reads as False, not None: a bool, which Typer takes as it is, instead of
    importing Pydantic and building a validator to read "not given" (~40 ms of `dealcoach SUB --help`)."""
    if option is not None and option.default is None:
        option.default = False
    return option


def _plain_help_options(command) -> None:
    """`_plain_help_option` for a command and, in a group, every command under it."""
    original = command.get_help_option
    command.get_help_option = lambda ctx: _plain_help_option(original(ctx))
    for child in getattr(command, "commands", {}).values():
        _plain_help_options(child)


class _CoercedWhenGiven:
    """Typer builds a Pydantic adapter for every parameter of the command run, given or not (~1 ms
    each; `stage` has 14, and the first one imports Typer's adapter module, ~5 ms). A value not given
    (None) is converted by no adapter: Typer's own `RuntimeParam.coerce` turns None into () or None
    before it looks at the adapter. A text given for a `str` (or `list[str]`) parameter without a
    parser is what Typer's adapter returns as it is (`_parse_cli_str`: a str stays that str; a list
    is a list of them). Anything else gets the adapter, built exactly as Typer builds it."""

    def __init__(self, param) -> None:
        self._param = param
        self._built = None
        descriptor = param.type_descriptor
        plain = descriptor.parameter_info.parser is None and descriptor.file_annotation is None
        self._text = plain and descriptor.annotation is str
        self._texts = plain and descriptor.annotation == list[str]

    def coerce(self, value, param, ctx):
        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        if self._text and type(value) is str:
            return value
        if self._texts and type(value) in (list, tuple) and all(type(item) is str for item in value):
            return list(value)
        if self._built is None:
            from typer.core import build_runtime_param

            self._built = build_runtime_param(self._param.type_descriptor)
        return self._built.coerce(value, param=param, ctx=ctx)


def _coerce_only_given(command) -> None:
    """`_CoercedWhenGiven` for each parameter of a command and, in a group, of every command under it."""
    for param in command.params:
        if getattr(param, "_runtime_param", False) is None:  # Typer's, not built yet
            param._runtime_param = _CoercedWhenGiven(param)
    for child in getattr(command, "commands", {}).values():
        _coerce_only_given(child)


_LOADED: dict = {}


def load_command(name: str):
    """The Click command of `name`, built from its Typer app or function."""
    if name not in _LOADED:
        import importlib

        import typer.main

        module_name, attribute, _ = COMMANDS[name]
        target = getattr(importlib.import_module(f"dealcoach.cli.{module_name}"), attribute)
        if isinstance(target, typer.Typer):
            target.rich_markup_mode = None  # plain help: Rich help costs ~70 ms per --help
            command = typer.main.get_group(target)
        else:
            single = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
            single.command(name)(target)
            command = typer.main.get_command(single)
        command.name = name
        from dealcoach.cli.help_text import name_values

        name_values(command)
        _plain_help_options(command)
        _coerce_only_given(command)
        summary = COMMANDS[name][2]
        command.help = f"{summary}\n\n{command.help}" if command.help else summary
        _LOADED[name] = command
    return _LOADED[name]


app = typer.Typer(
    name="dealcoach",
    cls=_LazyRoot,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """A coach for B2B big-account sales: where a deal stands, what to say, whom to work first.
    Put --debug before the command to see a traceback (for bug reports), e.g. dealcoach --debug stage 宁夏."""


def split_debug_flag(args: list[str]) -> tuple[list[str], bool]:
    """dealcoach's own --debug stands before the command (`dealcoach --debug stage 宁夏`); after the
    command name every word is the command's, so `deal new --name --debug` names a deal "--debug"."""
    leading = 0
    while leading < len(args) and args[leading].startswith("-"):
        leading += 1
    debug = "--debug" in args[:leading]
    return [arg for arg in args[:leading] if arg != "--debug"] + args[leading:], debug


def _without_pydantic_plugins() -> None:
    """dealcoach uses no Pydantic plugins. PYDANTIC_DISABLE_PLUGINS stops the scan of installed
    packages, but Pydantic's plugin loader still imports importlib.metadata to offer it (~13 ms): a
    loader that knows there are none is put in its place, unless someone asked for plugins."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in ("1", "true", "__all__"):
        import types

        loader = types.ModuleType("pydantic.plugin._loader")
        loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules.setdefault("pydantic.plugin._loader", loader)


START_UP_GC_THRESHOLD = 1_000_000


def main() -> None:
    import gc

    _without_pydantic_plugins()
    # what is alive now (Typer, the command table) lives until exit: the collector need not walk it
    gc.freeze()
    # a command imports and builds hundreds of thousands of long-lived objects (modules, Pydantic
    # validators, playbooks) and makes few cycles: a young collection every 1,000,000 net allocations
    # instead of 700. Each collection walks what is young, ~11 ms apiece at 50,000 while `stage`
    # imports the core; `stage --json` makes none (~20 ms less), the bulk commands no slower and no
    # bigger than at 50,000 (10k deals: followup 1.53 -> 1.43 s, pipeline 9.9 -> 8.7 s, same peak
    # memory); the collector still runs
    gc.set_threshold(max(gc.get_threshold()[0], START_UP_GC_THRESHOLD))
    # --debug is read here rather than by a root callback: a callback with an option makes Typer
    # build Pydantic adapters for every `GROUP --help` (~100 ms)
    args, debug = split_debug_flag(sys.argv[1:])
    if debug:
        os.environ["DEALCOACH_DEBUG"] = "1"
    try:
        app(args=args, prog_name="dealcoach")
    finally:
        # everything alive now dies with the process: frozen, the collections Python runs while it
        # shuts down walk none of it (~25 ms of `stage --json`: every object the command built)
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
