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
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            # Typer's own usage errors pass through (exit 2); anything else is our bug: one line,
            # no traceback and no local variables (they hold deal data) unless asked for
            if os.environ.get("DEALCOACH_DEBUG") or type(exc).__module__.startswith("typer"):
                raise
            typer.echo(f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}; "
                       "please report it, with the output of the same command run with --debug", err=True)
            raise typer.Exit(1) from None


def report_error(exc: DealcoachError) -> None:
    lines = [f"error: {exc.message}"]
    # a summary line ("file: 3 errors") is followed by each error on its own line
    lines += [f"  {line}" for line in exc.details if line != exc.message]
    typer.echo("\n".join(lines), err=True)


app = typer.Typer(
    name="dealcoach",
    cls=_Boundary,
    help="A coach for B2B big-account sales: where a deal stands, what to say, whom to work first. "
    "Add --debug anywhere to see a traceback (for bug reports).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _register() -> None:
    from dealcoach.cli import deal, example, grade, path, playbook, stage
    from dealcoach.cli import map as map_command
    from dealcoach.cli import db, followup, log, people
    from dealcoach.cli import call_script, profile

    app.add_typer(playbook.app, name="playbook")
    app.add_typer(deal.app, name="deal")
    app.add_typer(example.app, name="example")
    app.command("stage")(stage.stage)
    app.command("path")(path.path)
    app.command("grade")(grade.grade)
    app.add_typer(people.app, name="people")
    app.command("map")(map_command.power_map)
    app.add_typer(log.app, name="log")
    app.command("followup")(followup.followup)
    app.command("funnel")(followup.funnel)
    app.add_typer(db.app, name="db")
    app.command("call-script")(call_script.call_script)
    app.add_typer(profile.app, name="profile")


_register()


def main() -> None:
    # dealcoach uses no Pydantic plugins; looking them up scans every installed package (~30 ms)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    # --debug is read here rather than by a root callback: a callback with an option makes Typer
    # build Pydantic adapters for every `GROUP --help` (~100 ms)
    if "--debug" in sys.argv[1:]:
        sys.argv.remove("--debug")
        os.environ["DEALCOACH_DEBUG"] = "1"
    app(prog_name="dealcoach")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
