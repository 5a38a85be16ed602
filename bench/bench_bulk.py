"""A team's whole history: `deal list`, `followup`, `funnel`, `pipeline` and `grade --deals` on stores of 1,000,
10,000 (and, with --big, 100,000) copies of the Ningxia example with 10 activities each, each
command interleaved in the same run with a bare baseline: a plain SELECT of what the command needs
and `json.loads` of those fields, in a bare Python process. Prints wall time, peak memory (max RSS
of that process) and the ratio to the baseline. Then `stage DEAL --json` against a bare Typer
subcommand with the same options.

    python bench/bench_bulk.py [--sizes 1000,10000] [--big] [--runs 3] [--postgres URL]
                               [--commands list,followup,funnel,pipeline,grade] [--no-stage | --only-stage]

--postgres runs the same on a fresh database of that server (e.g. the one of tools/pg-test-server.sh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import inspect
import os
import statistics
import subprocess
import sys
import tempfile
import time
import typing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ACTIVITIES = 10


# --- the store -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _ningxia():
    from dealcoach.deals.dealfile import load_deal_file

    return load_deal_file(ROOT / "playbooks" / "examples" / "ningxia-industrial-oil.yaml")[0]


def example_deal(number: int):
    """The Ningxia example with ten activities (calls, a visit, emails) across its people."""
    from dealcoach.deals.models import Activity

    deal = _ningxia()
    names = [person.name for person in deal.people] or [None]
    start = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    kinds = [("call", "no-answer"), ("call", "connected"), ("call", "meeting-booked"), ("visit", "held"),
             ("email", "sent"), ("call", "call-back"), ("email", "replied"), ("call", "connected"),
             ("meeting", "held"), ("call", "refused")]
    activities = [Activity(date=start + dt.timedelta(days=(number % 40) + 3 * i, hours=i), kind=kind,
                           outcome=outcome, contact=names[i % len(names)], note=f"第{i + 1}次跟进：确认需求和时间")
                  for i, (kind, outcome) in enumerate(kinds[:ACTIVITIES])]
    return deal.model_copy(update={"name": f"{deal.name} #{number}", "activities": activities,
                                   "owner": ("amy", "bob", "chen", "dana")[number % 4],
                                   "status": "open" if number % 10 < 8 else ("won", "lost")[number % 2]})


def fill_store(url: str, count: int) -> float:
    """`count` deals written through the store's own column mapping, in one transaction."""
    from dealcoach.store import open_store
    from dealcoach.store.base import DEAL_COLUMNS

    started = time.perf_counter()
    now = "2026-11-01T00:00:00+00:00"
    with open_store(url) as store, store.transaction():
        for start in range(0, count, 1000):
            rows, history = [], []
            for number in range(start, min(count, start + 1000)):
                deal = example_deal(number)
                rows.append((*store._columns(deal.model_copy(update={"version": 1})), 1, now, now))
            store._executemany(f"INSERT INTO deals ({DEAL_COLUMNS}, version, created_at, updated_at) "
                               f"VALUES ({', '.join(['?'] * 13)})", rows)
        store._execute("INSERT INTO deal_history (deal_id, at, who, what) SELECT id, created_at, 'bench', 'created' "
                       "FROM deals")
    return time.perf_counter() - started


# --- bare baselines: a SELECT of what each command needs, and json.loads of it -------------------

BARE = r'''
import json, sys
url, which = sys.argv[1], sys.argv[2]
# what each command reads: whole documents, or these fields of them ("activities.X": X of every activity)
FIELDS = {
    "list": "data",  # deal list shows each deal's stage, grade and next follow-up: it reads whole deals
    "pipeline": "data",  # the review diagnoses every deal: whole deals
    "followup": ["account", "activities", "people", "manual_grade", "computed_grade"],
    "funnel": ["closed_on", "vip", "loyal", "done", "activities.date"],
    "grade": "data",
}[which]
if url.startswith("sqlite:///"):
    import sqlite3
    connection = sqlite3.connect(url[len("sqlite:///"):])
    def field(name):
        head, _, item = name.partition(".")
        if item:
            return (f"(SELECT json_group_array(a.value -> '$.{item}') FROM json_each(deals.data, '$.activities') a)")
        return f"data -> '$.{name}'"
    cursor = connection.cursor()
    counts = connection.cursor()
    activity = "json_each(deals.data, '$.activities') AS a", "a.value ->> '$.{}'"
else:
    import psycopg
    connection = psycopg.connect(url)
    def field(name):
        head, _, item = name.partition(".")
        if item:
            return (f"(SELECT COALESCE(json_agg(a -> '{item}'), '[]'::json) "
                    "FROM json_array_elements(data::json -> 'activities') a)::text")
        return f"(data::json -> '{name}')::text"
    cursor = connection.cursor(name="bare")
    cursor.itersize = 500
    counts = connection.cursor()
    activity = "json_array_elements(deals.data::json -> 'activities') AS a", "a ->> '{}'"
status = " WHERE status = 'open'" if which in ("followup", "grade") else ""
if which == "funnel":  # the funnel's counts are a GROUP BY over every activity
    table, value = activity
    counts.execute(f"SELECT deals.id, deals.status, {value.format('kind')}, {value.format('outcome')}, COUNT(*) "
                   f"FROM deals, {table} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")
    grouped = counts.fetchall()
if FIELDS == "data":
    cursor.execute(f"SELECT id, owner, data FROM deals{status} ORDER BY id")
    kept = [json.loads(row[2]) for row in cursor]
else:
    cursor.execute(f"SELECT id, owner, status, playbook, {', '.join(field(f) for f in FIELDS)} FROM deals{status} ORDER BY id")
    kept = [[json.loads(value) for value in row[4:] if value is not None] for row in cursor]
print(len(kept))
'''


# --- measuring -----------------------------------------------------------------------------------

# Peak RSS through a small parent: on Linux a child's max RSS starts from its parent's at fork
# (this benchmark holds tens of MiB), so the command is forked from a bare `python -S` (~9 MiB).
_MEASURE = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    with tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        process = subprocess.run([sys.executable, "-S", "-c", _MEASURE, peak.name, *argv], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - started
        if process.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed ({process.returncode}): {process.stderr.decode()}")
        return elapsed, int(peak.read()) / 1024


def compare(pairs: dict[str, tuple[list[str], list[str]]], runs: int, env: dict) -> list[tuple]:
    """Each command and its baseline, interleaved; medians of `runs` (after one warm-up)."""
    samples: dict[str, list[tuple[float, float]]] = {f"{label}|{side}": [] for label in pairs for side in "cb"}
    for round_number in range(runs + 1):
        for label, (command, baseline) in pairs.items():
            for side, argv in (("c", command), ("b", baseline)):
                measured = run_once(argv, env)
                if round_number:
                    samples[f"{label}|{side}"].append(measured)
    rows = []
    for label in pairs:
        command = samples[f"{label}|c"]
        baseline = samples[f"{label}|b"]
        seconds = statistics.median(s for s, _ in command)
        bare = statistics.median(s for s, _ in baseline)
        rows.append((label, seconds, max(m for _, m in command), bare, max(m for _, m in baseline)))
    return rows


def print_rows(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}")
    print(f"  {'command':<36} {'time':>9} {'peak RSS':>10}   {'bare':>9} {'bare RSS':>10}   ratio")
    for label, seconds, rss, bare, bare_rss in rows:
        print(f"  {label:<36} {seconds:8.2f}s {rss:8.0f}MiB   {bare:8.2f}s {bare_rss:8.0f}MiB   {seconds / bare:5.2f}x")
    sys.stdout.flush()


def bare_stage_app() -> str:
    """A Typer app with one subcommand taking exactly `stage`'s parameters, and doing nothing."""
    from dealcoach.cli.stage import stage

    hints = typing.get_type_hints(stage, include_extras=True)
    lines = ["from pathlib import Path", "from typing import Annotated", "import typer", "app = typer.Typer()",
             "@app.command()", "def a(x: str = '1'): pass", "@app.command()", "def stage("]
    for name, parameter in inspect.signature(stage).parameters.items():
        annotation = hints[name]
        base, info = typing.get_args(annotation)[0], typing.get_args(annotation)[1]
        kind = "Argument" if type(info).__name__ == "ArgumentInfo" else "Option"
        # in Annotated, Typer keeps the first flag in `default`
        flags = [info.default] if isinstance(info.default, str) and info.default.startswith("-") else []
        declarations = ", ".join(repr(d) for d in [*flags, *(getattr(info, "param_decls", ()) or ())])
        type_text = repr(base).replace("typing.", "").replace("pathlib.", "").replace("<class '", "").replace("'>", "")
        help_text = repr(info.help or "")
        lines.append(f"    {name}: Annotated[{type_text}, typer.{kind}({declarations}{', ' if declarations else ''}"
                     f"help={help_text})] = {parameter.default!r},")
    lines += ["):", "    pass", "app()"]
    return "\n".join(lines) + "\n"


# each command measured: (label -> (its argv, its baseline's argv)), given the entry point, --today, the baselines
COMMANDS = {
    "list": lambda dealcoach, today, bare: {
        "deal list --json": ([dealcoach, "deal", "list", "--json"], bare["list"]),
        "deal list (rendered, 50 rows)": ([dealcoach, "deal", "list"], bare["list"])},
    "followup": lambda dealcoach, today, bare: {
        "followup --json": ([dealcoach, "followup", "--json", *today], bare["followup"]),
        "followup (rendered, 50 rows)": ([dealcoach, "followup", *today], bare["followup"])},
    "funnel": lambda dealcoach, today, bare: {
        "funnel --json": ([dealcoach, "funnel", "--json"], bare["funnel"])},
    "pipeline": lambda dealcoach, today, bare: {
        "pipeline --json": ([dealcoach, "pipeline", "--json", *today], bare["pipeline"]),
        "pipeline (rendered, 50 rows)": ([dealcoach, "pipeline", *today], bare["pipeline"])},
    "grade": lambda dealcoach, today, bare: {
        "grade --deals --json (no change)": ([dealcoach, "grade", "--deals", "--json", *today], bare["grade"])},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--big", action="store_true", help="also 100,000 deals (minutes on a small machine)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stage-runs", type=int, default=15)
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server: run on it instead of SQLite")
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help=f"which to measure, of: {', '.join(COMMANDS)} (grade: grade --deals, and a first "
                             "grade that saves every grade before the others run)")
    parser.add_argument("--no-stage", action="store_true", help="skip stage --json against a bare Typer app")
    parser.add_argument("--only-stage", action="store_true", help="only stage --json against a bare Typer app")
    args = parser.parse_args()
    chosen = args.commands.split(",")
    unknown = sorted(set(chosen) - set(COMMANDS))
    if unknown:
        parser.error(f"unknown --commands {', '.join(unknown)}")
    sizes = [] if args.only_stage else [int(size) for size in args.sizes.split(",")] + ([100_000] if args.big else [])
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as home:
        env, bare = bench_home(home, BARE)
        for size, url in filled_stores(home, env, sizes, args.postgres):
            baseline = {which: [sys.executable, str(bare), url, which]
                        for which in ("list", "pipeline", "followup", "funnel", "grade")}
            today = ["--today", "2026-12-01"]
            if "grade" in chosen:
                first = run_once([dealcoach, "grade", "--deals", "--json", *today], env)
                print(f"  first grade --deals (saves {int(size * 0.8):,} grades): {first[0]:.2f} s, {first[1]:.0f} MiB")
            pairs = {}
            for command in chosen:
                pairs.update(COMMANDS[command](dealcoach, today, baseline))
            runs = args.runs if size < 100_000 else 1
            rows = compare(pairs, runs, env)
            print_rows(f"{size:,} deals, median of {runs} runs "
                       "(bare: SELECT + json.loads of the fields the command needs)", rows)
        if args.no_stage:
            return
        url, drop = fresh_database(args.postgres, home, 1)
        env["DEALCOACH_DATABASE_URL"] = url
        fill_store(url, 1)
        app = Path(home) / "bare_stage.py"
        app.write_text(bare_stage_app())
        run_once([dealcoach, "stage", "1", "--json"], env)  # the playbook cache
        rows = compare({"stage 1 --json": ([dealcoach, "stage", "1", "--json"], [sys.executable, str(app), "stage", "1"])},
                       args.stage_runs, env)
        print_rows(f"stage, median of {args.stage_runs} runs (bare: a Typer subcommand with stage's options)", rows)
        drop()


def bench_home(home: str, bare_source: str) -> tuple[dict[str, str], Path]:
    """The environment the commands run in (their home is `home`) and the bare script, written there."""
    env = {**os.environ, "DEALCOACH_HOME": home, "DEALCOACH_LANG": "en", "COLUMNS": "120"}
    # dealcoach as installed, with its bytecode (an editable install writes it on first use)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare = Path(home) / "bare.py"
    bare.write_text(bare_source)
    return env, bare


def filled_stores(home: str, env: dict[str, str], sizes: list[int], admin: str | None):
    """Each size in turn: a fresh store filled with that many deals, named in `env`, dropped after."""
    for size in sizes:
        url, drop = fresh_database(admin, home, size)
        env["DEALCOACH_DATABASE_URL"] = url
        print(f"\n{size:,} deals ({'PostgreSQL' if admin else 'SQLite'}): filled in "
              f"{fill_store(url, size):.1f} s", flush=True)
        yield size, url
        drop()


def fresh_database(admin: str | None, home: str, size: int):
    if not admin:
        path = Path(home) / f"bench-{size}.db"
        return f"sqlite:///{path}", lambda: [p.unlink() for p in Path(home).glob(f"bench-{size}.db*")]
    import psycopg

    name = f"dealcoach_bench_{size}_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return admin.rsplit("/", 1)[0] + f"/{name}", drop


if __name__ == "__main__":
    main()
