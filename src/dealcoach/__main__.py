"""The `dealcoach` command (and `python -m dealcoach`): the collector set around start-up and exit,
then `cli.main`.

Importing Typer, Pydantic and the command's modules builds hundreds of thousands of objects that live
until exit and are never garbage: while `dealcoach.cli` is imported the collector is off (at its
default threshold it would walk them dozens of times), and `cli.main` freezes them out of its walks.
At exit everything alive dies with the process: frozen first, the collections Python runs while it
shuts down walk none of it (~25 ms of `stage --json`, bench/bench_startup.py). Kept out of
`cli.main`, which the tests call in-process.
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
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
