"""The `dealcoach` command (and `python -m dealcoach`): `cli.main`, with the collector off while
`dealcoach.cli` is imported.

Importing Typer, Pydantic and dealcoach's command table builds tens of thousands of objects that
live until exit and are never garbage: at its default threshold the collector would walk them again
and again (~7 ms of every command, bench/bench_startup.py). They are frozen out of its walks, as
`cli.main` freezes what it adds (and, at exit, what the command built). Kept out of `dealcoach.cli`
itself, which the tests import.
"""

from __future__ import annotations


def run() -> None:
    import gc

    gc.disable()
    try:
        from dealcoach.cli import main
    finally:
        gc.freeze()  # what was imported lives until exit; enabling now does not start with a walk of it
        gc.enable()
    main()


if __name__ == "__main__":
    run()
