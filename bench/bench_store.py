"""The store and the diagnosis: `stage DEAL --json` on a stored deal, and `deal list --json` on a
store of 10,000 deals, against a trivial Typer subcommand in the same run.

    python bench/bench_store.py [--runs 20] [--deals 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point, median_times, report  # noqa: E402
from bench_startup import TRIVIAL_APP  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def fill_store(count: int) -> None:
    """`count` deals like the Ningxia example, inserted in one transaction through the store."""
    from dealcoach.deals.dealfile import load_deal_file
    from dealcoach.store import open_store

    deal, _ = load_deal_file(ROOT / "playbooks" / "examples" / "ningxia-industrial-oil.yaml")
    with open_store() as store, store.transaction():
        for number in range(count):
            store.add(deal.model_copy(update={"name": f"{deal.name} #{number}"}), "bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--deals", type=int, default=10_000)
    args = parser.parse_args()
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as home:
        os.environ["DEALCOACH_HOME"] = home
        started = time.perf_counter()
        fill_store(args.deals)
        print(f"filled {args.deals} deals in {time.perf_counter() - started:.2f} s")
        subprocess.run([dealcoach, "stage", "1", "--json"], check=True, stdout=subprocess.DEVNULL)  # warm the cache
        app = Path(home) / "trivial.py"
        app.write_text(TRIVIAL_APP)
        medians = median_times({
            "trivial typer app subcommand": [sys.executable, str(app), "a"],
            "dealcoach stage 1 --json": [dealcoach, "stage", "1", "--json"],
            "dealcoach stage --example ... --json": [dealcoach, "stage", "--example", "ningxia-industrial-oil", "--json"],
            f"dealcoach deal list --json ({args.deals} deals)": [dealcoach, "deal", "list", "--json"],
        }, args.runs, env={"DEALCOACH_HOME": home})
    report(f"store and diagnosis, median of {args.runs} runs", medians, "trivial typer app subcommand")
    print("\n  targets: stage DEAL --json under 250 ms; deal list --json on 10,000 deals under 500 ms")


if __name__ == "__main__":
    main()
