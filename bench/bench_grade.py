"""`dealcoach grade` on big files, against a bare polars script in the same run.

    python bench/bench_grade.py [--rows 1000000] [--xlsx-rows 100000] [--runs 5] [--json-rows 20000]
                                [--no-big-json]

Generates its own data with a fixed seed: a HubSpot-style deals export of 1,000,000 rows x 10
columns (CSV) and 100,000 rows (XLSX). Times, as whole processes, interleaved run by run:
  - `dealcoach grade big.csv -o out.csv` against a bare polars script that reads, scores and sorts
    the same file (the ratio target is <= 1.5x), with the peak memory of each (target < 500 MiB);
  - `dealcoach grade big.csv --top 20`: the same work as the bare script (read, score, rank) plus
    the table, without writing the 20-column export, to show what the export itself costs;
  - `dealcoach grade big.xlsx --top 20` (target < 2 s; openpyxl alone takes ~7 s to read it);
  - `dealcoach grade FILE --json` (every prospect with its reasons, ~5.7 KB of JSON a row) on a
    20,000-row CSV, interleaved with a bare `polars.read_csv` of the same file and the bare script
    above; then once on the 1,000,000-row CSV (minutes: every row explained), beside the same two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point  # noqa: E402

SEED = 6
TODAY = "2026-01-15"
STAGES = [("Appointment Scheduled", 0.2), ("Qualified to Buy", 0.4), ("Presentation Scheduled", 0.6),
          ("Decision Maker Bought-In", 0.8), ("Contract Sent", 0.9)]
OWNERS = ["Ann Lee", "Bo Zhang", "Cai Wen", "Dee Roy", "王芳", "李强"]
WORDS = ["Acme", "Beta", "Delta", "华东", "宁夏", "Nova", "Orion", "Apex", "Zenith", "江南"]

BARE = r'''
import sys, datetime as dt, polars as pl
today = dt.date.fromisoformat(sys.argv[2])
close = pl.col("Close Date").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
days = (close - pl.lit(today)).dt.total_days()
p = pl.col("Deal probability").cast(pl.Float64, strict=False)
window = pl.when(days.is_null()).then(3).when(days <= 31).then(0).when(days <= 92).then(1).when(days <= 183).then(2).otherwise(3)
band = pl.when(p >= 0.6).then(0).when(p >= 0.3).then(1).otherwise(2)
table = pl.Series([0, 0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 3], dtype=pl.Int8)
out = (pl.scan_csv(sys.argv[1], infer_schema=False)
       .with_columns(close.alias("_close"), p.alias("_p"), (window * 3 + band).alias("_cell"))
       .with_columns(pl.lit(table).gather(pl.col("_cell")).alias("grade"))
       .sort(["grade", "_close", "_p"], descending=[False, False, True], nulls_last=True, maintain_order=True)
       .collect())
print(out.height)
'''


BARE_READ = r'''
import sys, polars as pl
print(pl.read_csv(sys.argv[1], infer_schema=False).height)
'''


def make_rows(count: int, rng: random.Random) -> dict[str, list[str]]:
    today = dt.date.fromisoformat(TODAY)
    columns: dict[str, list[str]] = {name: [] for name in (
        "Record ID", "Deal Name", "Associated Company", "Deal owner", "Deal Stage", "Pipeline", "Amount",
        "Close Date", "Deal probability", "Create Date")}
    for number in range(count):
        stage, probability = rng.choice(STAGES)
        columns["Record ID"].append(str(18_000_000_000 + number * 7))
        columns["Deal Name"].append(f"{rng.choice(WORDS)} {number % 9973}")
        columns["Associated Company"].append(f"{rng.choice(WORDS)} Co")
        columns["Deal owner"].append(rng.choice(OWNERS))
        columns["Deal Stage"].append(stage)
        columns["Pipeline"].append("default")
        columns["Amount"].append(str(rng.randrange(5, 5000) * 1000))
        columns["Close Date"].append((today + dt.timedelta(days=rng.randrange(-20, 400))).isoformat())
        columns["Deal probability"].append(str(probability))
        columns["Create Date"].append((today - dt.timedelta(days=rng.randrange(0, 700))).isoformat())
    return columns


def write_csv(path: Path, count: int) -> None:
    import polars as pl

    pl.DataFrame(make_rows(count, random.Random(SEED))).write_csv(path)


def write_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    columns = make_rows(count, random.Random(SEED + 1))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("deals")
    names = list(columns)
    sheet.append(names)
    for index in range(count):
        row = [columns[name][index] for name in names]
        row[6] = int(row[6])                       # amounts and probabilities as numbers, as HubSpot writes them
        row[8] = float(row[8])
        sheet.append(row)
    workbook.save(path)


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process (its own rusage, from wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    error = child.stderr.read().decode() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = 0  # reaped above
    if status != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def generate(folder: Path, rows: int, xlsx_rows: int) -> None:
    """In a child process, so the benchmark process stays small: a child's peak memory counts the
    pages it inherits from its parent."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; import bench_grade as b; "
            "b.write_csv(Path(sys.argv[2]), int(sys.argv[3])); b.write_xlsx(Path(sys.argv[4]), int(sys.argv[5]))")
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(folder / "big.csv"), str(rows),
                    str(folder / "big.xlsx"), str(xlsx_rows)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json-rows", type=int, default=20_000)
    parser.add_argument("--no-big-json", action="store_true", help="skip grade --json of the big CSV")
    args = parser.parse_args()
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        env = {**os.environ, "DEALCOACH_HOME": str(folder / "home"), "NO_COLOR": "1"}
        big, book, bare, small = folder / "big.csv", folder / "big.xlsx", folder / "bare.py", folder / "small.csv"
        bare_read = folder / "bare_read.py"
        started = time.perf_counter()
        generate(folder, args.rows, args.xlsx_rows)
        subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
                        "import bench_grade as b; b.write_csv(Path(sys.argv[2]), int(sys.argv[3]))",
                        str(Path(__file__).parent), str(small), str(args.json_rows)], check=True)
        bare.write_text(BARE)
        bare_read.write_text(BARE_READ)
        print(f"generated {args.rows:,} rows ({big.stat().st_size / 1e6:.0f} MB CSV), {args.xlsx_rows:,} rows "
              f"of XLSX ({book.stat().st_size / 1e6:.1f} MB) and {args.json_rows:,} rows of CSV in "
              f"{time.perf_counter() - started:.1f} s (seed {SEED})")
        commands = {
            "bare polars: read, score, sort": [sys.executable, str(bare), str(big), TODAY],
            "dealcoach grade big.csv -o out.csv": [dealcoach, "grade", str(big), "-o", str(folder / "out.csv"),
                                                   "--today", TODAY],
            "dealcoach grade big.csv --top 20": [dealcoach, "grade", str(big), "--top", "20", "--today", TODAY],
            "dealcoach grade big.xlsx --top 20": [dealcoach, "grade", str(book), "--top", "20", "--today", TODAY],
        }
        timed(commands["dealcoach grade big.xlsx --top 20"], env)  # warm the playbook cache and the page cache
        timed(commands["bare polars: read, score, sort"], env)
        medians = _medians(commands, args.runs, env)
        bare_time = medians["bare polars: read, score, sort"][0]
        print(f"\ngrade, median of {args.runs} runs (peak memory: the largest of the runs)")
        for label, (seconds, peak) in medians.items():
            print(f"  {label:<40} {seconds:6.2f} s  {peak:6.0f} MiB   {seconds / bare_time:4.2f}x bare")
        csv_time, csv_peak = medians["dealcoach grade big.csv -o out.csv"]
        xlsx_time = medians["dealcoach grade big.xlsx --top 20"][0]
        print(f"\n  ratio {csv_time / bare_time:.2f}x (target <= 1.5x); peak {csv_peak:.0f} MiB (target < 500 MiB); "
              f"XLSX {xlsx_time:.2f} s (target < 2 s)", flush=True)

        json_commands = {
            f"bare polars.read_csv, {args.json_rows:,} rows": [sys.executable, str(bare_read), str(small)],
            f"bare polars: read, score, sort, {args.json_rows:,} rows": [sys.executable, str(bare), str(small), TODAY],
            f"dealcoach grade --json, {args.json_rows:,} rows": [dealcoach, "grade", str(small), "--json",
                                                                  "--today", TODAY],
        }
        _report(f"grade FILE --json, median of {args.runs} runs", _medians(json_commands, args.runs, env),
                f"bare polars.read_csv, {args.json_rows:,} rows")
        if not args.no_big_json:
            big_json = {
                f"bare polars.read_csv, {args.rows:,} rows": [sys.executable, str(bare_read), str(big)],
                f"bare polars: read, score, sort, {args.rows:,} rows": [sys.executable, str(bare), str(big), TODAY],
                f"dealcoach grade --json, {args.rows:,} rows": [dealcoach, "grade", str(big), "--json", "--today",
                                                                 TODAY],
            }
            _report("grade FILE --json, one run", _medians(big_json, 1, env), f"bare polars.read_csv, {args.rows:,} rows")


def _medians(commands: dict[str, list[str]], runs: int, env: dict) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():  # interleaved, so machine load hits all alike
            samples[label].append(timed(argv, env))
    return {label: (statistics.median(s[0] for s in runs_), max(s[1] for s in runs_))
            for label, runs_ in samples.items()}


def _report(title: str, medians: dict[str, tuple[float, float]], baseline: str) -> None:
    base = medians[baseline][0]
    print(f"\n{title} (peak memory: the largest of the runs)")
    for label, (seconds, peak) in medians.items():
        print(f"  {label:<52} {seconds:7.2f} s  {peak:6.0f} MiB   {seconds / base:6.2f}x {baseline.split(',')[0]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
