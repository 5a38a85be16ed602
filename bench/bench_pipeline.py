"""The pipeline review on a big store: `pipeline --json`, `pipeline` (rendered) and `report --pipeline`
on N deals (the Ningxia example copied, as bench_store.py fills it), side by side in the same run
with a bare read of the same deals (one SELECT of every document + json.loads) and `deal list
--json`. Prints the median wall time, the peak memory (max RSS) of each command and the ratio to
the bare read.

    python bench/bench_pipeline.py [--deals 10000] [--runs 3]
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
from _timing import entry_point  # noqa: E402
from bench_bulk import run_once  # noqa: E402  (peak RSS of the command alone, not inherited at fork)
from bench_store import fill_store  # noqa: E402

BARE_READ = """
import json, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
deals = [json.loads(data) for (data,) in connection.execute("SELECT data FROM deals ORDER BY id")]
print(len(deals))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as home:
        os.environ["DEALCOACH_HOME"] = home
        started = time.perf_counter()
        fill_store(args.deals)
        print(f"filled {args.deals} deals in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "DEALCOACH_HOME": home, "COLUMNS": "160"}
        bare = Path(home) / "bare_read.py"
        bare.write_text(BARE_READ)
        commands = {
            "bare SELECT + json.loads (baseline)": [sys.executable, str(bare), str(Path(home) / "dealcoach.db")],
            "dealcoach deal list --json": [dealcoach, "deal", "list", "--json"],
            "dealcoach pipeline --json": [dealcoach, "pipeline", "--json"],
            "dealcoach pipeline (first 50 rows shown)": [dealcoach, "pipeline"],
            "dealcoach report --pipeline -o review.html": [dealcoach, "report", "--pipeline", "-o",
                                                           str(Path(home) / "review.html")],
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        memory: dict[str, float] = dict.fromkeys(commands, 0.0)
        for _ in range(args.runs):  # interleaved, so machine load hits every command alike
            for label, argv in commands.items():
                seconds, rss = run_once(argv, env)
                times[label].append(seconds)
                memory[label] = max(memory[label], rss)
    base = statistics.median(times["bare SELECT + json.loads (baseline)"])
    print(f"\npipeline review on {args.deals} deals, median of {args.runs} runs (interleaved)")
    for label in commands:
        median = statistics.median(times[label])
        print(f"  {label:<44} {median:8.2f} s  {memory[label]:7.0f} MiB  {median / base:6.1f}x bare read")


if __name__ == "__main__":
    main()
