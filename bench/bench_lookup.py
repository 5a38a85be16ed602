"""Finding a deal by what was typed (`DealStore.find`, the one rule of deals/lookup.py) on a store of
10,000 deals, against the SQL `LIKE` scan over every row that the store used before for a part of a
name, in the same run. The exact name goes through the `deals_name` index (migration 004); a part
is matched in Python over the names read from that index.

    python bench/bench_lookup.py [--deals 10000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import fill_store  # noqa: E402


def median_ms(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["DEALCOACH_HOME"] = home
        os.environ.pop("DEALCOACH_DATABASE_URL", None)
        fill_store(args.deals)
        from dealcoach.store import open_store

        with open_store() as store:
            exact = store.get(args.deals // 2).name
            part = f"#{args.deals // 2}"  # no other name contains it: #5000 of 10,000 (no #50000)

            def like_scan():  # the store's lookup before deals/lookup.py: a LIKE over every name
                pattern = "%" + part.lower() + "%"
                rows = store._execute("SELECT id, name FROM deals WHERE LOWER(name) LIKE ? ESCAPE '\\' ORDER BY id",
                                      (pattern,)).fetchall()
                return store.get(rows[0][0])

            results = {
                "find(exact name)": median_ms(lambda: store.find(exact), args.runs),
                f"find(part {part!r})": median_ms(lambda: store.find(part), args.runs),
                "baseline: LIKE scan + get": median_ms(like_scan, args.runs),
            }
    print(f"lookup on {args.deals} deals (SQLite), median of {args.runs}")
    for name, ms in results.items():
        print(f"  {name:32} {ms:8.2f} ms")


if __name__ == "__main__":
    main()
