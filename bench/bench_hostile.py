"""Hostile YAML/JSON inputs: wall time and peak memory of each, beside a bare `dealcoach --version`.

Each input is built here (the anchor bomb in every YAML reader, 990 levels of nesting, the biggest
file the 2 MiB cap lets through, 5,000-deep and 2 MiB-deep JSON, 4,400-digit numbers, explicit tags,
lone surrogates) and run in its own process; peak memory is the child's maximum resident set
(`wait4` rusage). Targets: every input under 5 s and 500 MiB.

Run: .venv/bin/python bench/bench_hostile.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point  # noqa: E402

MIB = 1024 * 1024


def anchor_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def build_inputs(folder: Path) -> list[tuple[str, Path, list[str]]]:
    """(label, file, argv after `dealcoach`) for each hostile input; FILE in argv is the file."""
    bomb = anchor_bomb()
    deal = "name: x\nplaybook: six-step\n"
    files = {
        "anchor bomb, deal file": ("bomb-deal.yaml", bomb + deal + "people: *a9\n", ["stage", "--deal-file", "FILE"]),
        "anchor bomb, --answers": ("bomb-answers.yaml", bomb + "done: *a9\n", ["stage", "x", "--answers", "FILE"]),
        "anchor bomb, profile.yaml": ("home/profile.yaml", bomb + "name: *a9\n", ["profile", "show"]),
        "anchor bomb, user playbook": ("bomb-playbook.yaml", bomb + "id: mine\nstages: *a9\n",
                                       ["playbook", "validate", "FILE"]),
        "anchor bomb, grade YAML": ("bomb-grade.yaml", bomb + "prospects:\n  - name: x\n    notes: *a9\n",
                                    ["grade", "FILE"]),
        "990 levels, flow": ("deep-flow.yaml", deal + "notes: " + "[" * 990 + "]" * 990 + "\n",
                             ["stage", "--deal-file", "FILE"]),
        "990 levels, block": ("deep-block.yaml", deal + "notes:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(990))
                              + " " * 991 + "b\n", ["stage", "--deal-file", "FILE"]),
        "2 MiB of list items": ("wide.yaml", deal + "notes: [" + ",".join(["1"] * (MIB - 40)) + "]\n",
                                ["stage", "--deal-file", "FILE"]),
        "2 MiB of aliases": ("aliases.yaml", deal + "x: &x 1\nnotes: [" + ",".join(["*x"] * (MIB // 2 - 40)) + "]\n",
                             ["stage", "--deal-file", "FILE"]),
        "accepted: YAML grade, 8,000 rows": ("rows.yaml", "".join(
            f"- name: 客户{i}\n  close: 2026-03-{i % 28 + 1:02d}\n  probability: {i % 100}%\n  amount: {i * 1000}\n"
            f"  owner: 王{i % 7}\n" for i in range(8_000)), ["grade", "FILE"]),
        "probability 1 + 400 zeros": ("prob.yaml", deal + "probability: 1" + "0" * 400 + "\n",
                                      ["stage", "--deal-file", "FILE"]),
        "explicit tags (!!float x)": ("tags.yaml", "done: !!float x\n", ["stage", "x", "--answers", "FILE"]),
        "JSON 5,000 deep": ("deep.json", '[{"name": ' + "[" * 5000 + "]" * 5000 + "}]", ["grade", "FILE"]),
        "JSON 2 MiB of [": ("brackets.json", "[" * (2 * MIB), ["grade", "FILE"]),
        "JSON 4,400-digit integer": ("digits.json", '[{"name": "x", "amount": 1' + "0" * 4400 + "}]", ["grade", "FILE"]),
        "JSON lone surrogate": ("surrogate.json", '[{"name": "\\ud800"}]', ["grade", "FILE"]),
        "JSON backup 5,000 deep": ("backup.json", '{"format": "dealcoach-backup", "deals": ' + "[" * 5000 + "]" * 5000
                                   + "}", ["db", "restore", "FILE"]),
    }
    inputs = []
    for label, (name, text, argv) in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        inputs.append((label, path, argv))
    return inputs


def measure(argv: list[str], env: dict) -> tuple[int, float, float]:
    """(exit code, seconds, peak MiB) of one run in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="runs per input; the slowest and largest are kept")
    options = parser.parse_args()
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = {**os.environ, "DEALCOACH_HOME": str(root / "home"), "DEALCOACH_LANG": "en", "NO_COLOR": "1"}
        subprocess.run([dealcoach, "deal", "new", "--name", "x"], env=env, check=True, capture_output=True)
        rows = [("baseline: dealcoach --version", 0, [dealcoach, "--version"])]
        for label, path, argv in build_inputs(root):
            rows.append((label, path.stat().st_size, [dealcoach, *[str(path) if a == "FILE" else a for a in argv]]))
        results = []
        for label, size, argv in rows:
            runs = [measure(argv, env) for _ in range(options.runs)]
            code = runs[-1][0]
            results.append((label, size, code, max(r[1] for r in runs), max(r[2] for r in runs)))
    print(f"{'input':<34} {'bytes':>9} {'exit':>4} {'max s':>7} {'peak MiB':>9}")
    for label, size, code, seconds, peak in results:
        print(f"{label:<34} {size:>9,} {code:>4} {seconds:7.2f} {peak:9.1f}")
    hostile = results[1:]
    slowest = max(hostile, key=lambda r: r[3])
    largest = max(hostile, key=lambda r: r[4])
    print(f"\nslowest: {slowest[0]} ({slowest[3]:.2f} s); largest: {largest[0]} ({largest[4]:.1f} MiB); "
          f"targets 5 s and 500 MiB: {'met' if slowest[3] < 5 and largest[4] < 500 else 'NOT met'}")
    bad = [r for r in hostile if r[2] not in (1, 2) and not r[0].startswith("accepted")]
    if bad:
        print("inputs not refused with exit 1 or 2: " + ", ".join(f"{r[0]} (exit {r[2]})" for r in bad))
    print(json.dumps({"slowest_s": round(slowest[3], 2), "largest_mib": round(largest[4], 1)}))


if __name__ == "__main__":
    main()
