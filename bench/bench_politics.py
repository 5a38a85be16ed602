"""What the politics, needs and follow-up coaching (#17 points 4, 5, 7) costs the bulk commands, in one
process, interleaved: the pipeline's per-deal diagnosis (`diagnose_brief`) with the bundled playbook
against the same playbook without the rules of docs/stable-ids.md's "Politics, needs and follow-up"
section; and the follow-up plan (`plan_follow_ups`) against the same playbook without `follow_up:`.
Deals are copies of the Ningxia example (its people, no activities).

    python bench/bench_politics.py [--deals 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import time
from pathlib import Path

from dealcoach.coaching.diagnosis import diagnose_brief
from dealcoach.coaching.followup import plan_follow_ups
from dealcoach.examples import load_example
from dealcoach.playbook.loader import load_catalog, load_playbook

DOC = (Path(__file__).parent.parent / "docs" / "stable-ids.md").read_text(encoding="utf-8")


def politics_rule_ids() -> set[str]:
    section = DOC.split("## Politics, needs and follow-up", 1)[1].split("\n## ", 1)[0]
    table = section.split("| id | fires when |", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.M))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    example = load_example("ningxia-industrial-oil")
    deals = [example.deal.model_copy(update={"id": n, "name": f"deal {n}"}) for n in range(args.deals)]
    catalog = load_catalog()
    full = load_playbook(example.deal.playbook)
    ids = politics_rule_ids()
    without_rules = full.model_copy(update={"rules": [r for r in full.rules if r.id not in ids]})
    without_follow_up = full.model_copy(update={"follow_up": None})
    today = dt.date(2026, 12, 1)
    cases = {
        "diagnose_brief, all rules": lambda: [diagnose_brief(d, full, catalog, "en") for d in deals],
        f"diagnose_brief, without the {len(ids)} politics/needs rules":
            lambda: [diagnose_brief(d, without_rules, catalog, "en") for d in deals],
        "plan_follow_ups, with follow_up:": lambda: plan_follow_ups(deals, {full.id: full}, today, 0, "en"),
        "plan_follow_ups, without follow_up:":
            lambda: plan_follow_ups(deals, {full.id: without_follow_up}, today, 0, "en"),
    }
    samples: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(args.runs):
        for label, case in cases.items():  # interleaved: machine load hits every case alike
            start = time.perf_counter()
            case()
            samples[label].append(time.perf_counter() - start)
    print(f"{args.deals:,} deals, median of {args.runs} runs")
    for label, times in samples.items():
        print(f"  {label:<58} {statistics.median(times):7.3f} s")


if __name__ == "__main__":
    main()
