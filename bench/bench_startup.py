"""Startup: `dealcoach --help`, `stage DEAL --json` and `stage --help`, each against a bare Typer
app doing nothing in the same run (absolute times drift between machines; the ratio is what to
watch). Every process is timed as a whole (wall time, and CPU time from its rusage: on a shared
machine CPU time moves less than wall time); medians, runs interleaved.

    python bench/bench_startup.py [--runs 30]

The baselines: `python -c "import typer"`; a bare 3-command Typer app's `--help`; a Typer app whose
one subcommand takes exactly `stage`'s parameters (names, types, flags and help) and does nothing,
run with the same arguments and with `--help`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point  # noqa: E402

TRIVIAL_APP = """
import typer
app = typer.Typer()
@app.command()
def a(x: str = "1"): print(x)
@app.command()
def b(): pass
@app.command()
def c(): pass
app()
"""


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(argv)} failed ({child.returncode})")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def medians(commands: dict[str, list[str]], runs: int, env: dict, warmup: int = 2) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for round_number in range(warmup + runs):
        for label, argv in commands.items():  # interleaved, so machine load hits all alike
            measured = timed(argv, env)
            if round_number >= warmup:
                samples[label].append(measured)
    return {label: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
            for label, s in samples.items()}


def report(title: str, results: dict[str, tuple[float, float]], pairs: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    print(f"  {'command':<44} {'wall':>9} {'CPU':>9}")
    for label, (wall, cpu) in results.items():
        print(f"  {label:<44} {wall * 1000:7.1f}ms {cpu * 1000:7.1f}ms")
    for command, baseline in pairs:
        wall, cpu = results[command]
        bare_wall, bare_cpu = results[baseline]
        print(f"  {command} / {baseline}: wall {wall / bare_wall:.2f}x, CPU {cpu / bare_cpu:.2f}x")


def with_bytecode(env: dict) -> None:
    """Measure dealcoach as installed, with its modules' bytecode: pip compiles an installed package,
    but an editable install writes its bytecode on first use, which PYTHONDONTWRITEBYTECODE (set by
    some shells and tools) forbids, so every run would compile dealcoach's source again (~100 ms of
    `stage --json`) while Typer and Pydantic load theirs. The warm-up runs write it."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DEALCOACH_HOME": home, "DEALCOACH_LANG": "en"}
        env.pop("DEALCOACH_DATABASE_URL", None)
        with_bytecode(env)
        trivial, bare_stage = Path(home) / "trivial.py", Path(home) / "bare_stage.py"
        trivial.write_text(TRIVIAL_APP)
        from bench_bulk import bare_stage_app

        bare_stage.write_text(bare_stage_app())
        example = Path(__file__).resolve().parents[1] / "playbooks" / "examples" / "ningxia-industrial-oil.yaml"
        subprocess.run([dealcoach, "deal", "import", str(example)], env=env, check=True, stdout=subprocess.DEVNULL)
        results = medians({
            "python -c 'import typer'": [sys.executable, "-c", "import typer"],
            "trivial typer app --help": [sys.executable, str(trivial), "--help"],
            "dealcoach --help": [dealcoach, "--help"],
            "bare typer stage 1": [sys.executable, str(bare_stage), "stage", "1"],
            "dealcoach stage 1 --json": [dealcoach, "stage", "1", "--json"],
            "bare typer stage --help": [sys.executable, str(bare_stage), "stage", "--help"],
            "dealcoach stage --help": [dealcoach, "stage", "--help"],
        }, runs, env)
    report(f"startup, median of {runs} runs", results, [
        ("dealcoach --help", "trivial typer app --help"),
        ("dealcoach stage 1 --json", "bare typer stage 1"),
        ("dealcoach stage --help", "bare typer stage --help")])
    print("\n  targets: stage 1 --json within 1.2x the bare Typer subcommand with the same options")


if __name__ == "__main__":
    main()
