"""`grade --deals` on stores of 1,000, 10,000 (and, with --big, 100,000) copies of the Ningxia example
with 10 activities each (80% open), against a bare baseline in the same run: a plain SELECT of the
fields grading reads (what `usecases/grading.py` GRADING_FIELDS names) of the open deals and
`json.loads` of them, in a bare Python process. Prints wall time, peak memory (max RSS) and the ratio.

    python bench/bench_grade_deals.py [--sizes 1000,10000] [--big] [--runs 3] [--postgres URL]

Measured per size: the first `grade --deals --json` (saves every open deal's grade, once), then,
interleaved with the baseline, `grade --deals --json` (nothing left to save: every prospect with its
reasons, ~6 KB of JSON each) and `grade --deals` (the table of the best 50).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point  # noqa: E402
from bench_bulk import bench_home, compare, filled_stores, print_rows, run_once  # noqa: E402

BARE = r'''
import json, sys
url, fields = sys.argv[1], sys.argv[2].split(",")
if url.startswith("sqlite:///"):
    import sqlite3
    connection = sqlite3.connect(url[len("sqlite:///"):])
    field = lambda name: f"data -> '$.{name}'"
    cursor = connection.cursor()
else:
    import psycopg
    connection = psycopg.connect(url)
    field = lambda name: f"(data::json -> '{name}')::text"
    cursor = connection.cursor(name="bare")
    cursor.itersize = 500
cursor.execute(f"SELECT id, version, owner, name, playbook, status, {', '.join(field(f) for f in fields)} "
               "FROM deals WHERE status = 'open' ORDER BY id")
kept = [[json.loads(value) for value in row[6:] if value is not None] for row in cursor]
print(len(kept))
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--big", action="store_true", help="also 100,000 deals (minutes on a small machine)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server: run on it instead of SQLite")
    args = parser.parse_args()
    from dealcoach.usecases.grading import GRADING_FIELDS

    sizes = [int(size) for size in args.sizes.split(",")] + ([100_000] if args.big else [])
    dealcoach = entry_point()
    today = ["--today", "2026-12-01"]
    with tempfile.TemporaryDirectory() as home:
        env, bare = bench_home(home, BARE)
        for size, url in filled_stores(home, env, sizes, args.postgres):
            baseline = [sys.executable, str(bare), url, ",".join(sorted(GRADING_FIELDS))]
            first = run_once([dealcoach, "grade", "--deals", "--json", *today], env)
            bare_first = run_once(baseline, env)
            print(f"  first grade --deals --json (saves {int(size * 0.8):,} grades): {first[0]:.2f} s, "
                  f"{first[1]:.0f} MiB; bare {bare_first[0]:.2f} s, {bare_first[1]:.0f} MiB "
                  f"({first[0] / bare_first[0]:.2f}x)", flush=True)
            runs = args.runs if size < 100_000 else 1
            rows = compare({
                "grade --deals --json (no change)": ([dealcoach, "grade", "--deals", "--json", *today], baseline),
                "grade --deals (table of the best 50)": ([dealcoach, "grade", "--deals", *today], baseline),
            }, runs, env)
            print_rows(f"{size:,} deals, median of {runs} runs (bare: SELECT + json.loads of the fields grading "
                       "reads, open deals)", rows)


if __name__ == "__main__":
    main()
