"""Startup: `dealcoach --help` against `python -c "import typer"` and a bare 3-command Typer app,
measured in the same run (absolute times drift between machines; the ratio is what to watch).

    python bench/bench_startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point, median_times, report  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    dealcoach = entry_point()
    with tempfile.TemporaryDirectory() as home:
        app = Path(home) / "trivial.py"
        app.write_text(TRIVIAL_APP)
        medians = median_times({
            "python -c 'import typer'": [sys.executable, "-c", "import typer"],
            "trivial typer app --help": [sys.executable, str(app), "--help"],
            "trivial typer app subcommand": [sys.executable, str(app), "a"],
            "dealcoach --help": [dealcoach, "--help"],
            "dealcoach playbook --help": [dealcoach, "playbook", "--help"],
        }, runs, env={"DEALCOACH_HOME": home})
    report(f"startup, median of {runs} runs", medians, "python -c 'import typer'")
    target = medians["dealcoach --help"]
    print(f"\n  dealcoach --help: {target * 1000:.0f} ms (target: under 150 ms on the reference machine; "
          f"{target / medians['trivial typer app --help']:.2f}x a bare Typer app's --help)")


if __name__ == "__main__":
    main()
