"""SQLite against PostgreSQL: 10,000 deals listed, 1,000 deals diagnosed, concurrent writers.

    python bench/bench_backends.py --postgres postgresql://dealcoach@127.0.0.1:54329/postgres
(start a throw-away server with `eval "$(tools/pg-test-server.sh start)"`; without --postgres, or
DEALCOACH_TEST_POSTGRES_URL, only SQLite is measured)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import entry_point, median_times  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WRITER = Path(__file__).resolve().parents[1] / "tests" / "test_durability.py"


def _fresh_postgres(admin: str) -> str:
    import psycopg

    name = f"dealcoach_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres(admin: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def measure(label: str, url: str, deals: int, diagnosed: int, runs: int) -> dict[str, float]:
    os.environ["DEALCOACH_DATABASE_URL"] = url
    from dealcoach.coaching.diagnosis import diagnose
    from dealcoach.deals.dealfile import load_deal_file
    from dealcoach.playbook.loader import load_catalog, load_playbook
    from dealcoach.store import open_store

    template, _ = load_deal_file(ROOT / "playbooks" / "examples" / "ningxia-industrial-oil.yaml")
    results: dict[str, float] = {}
    with open_store(url) as store:
        started = time.perf_counter()
        with store.transaction():
            for number in range(deals):
                store.add(template.model_copy(update={"name": f"{template.name} #{number}"}), "bench")
        results["insert"] = time.perf_counter() - started
        playbook, catalog = load_playbook("six-step"), load_catalog()
        started = time.perf_counter()
        for deal_id in range(1, diagnosed + 1):
            diagnose(store.get(deal_id), playbook, catalog, "en")
        results["diagnose"] = time.perf_counter() - started
    dealcoach = entry_point()
    results["list"] = median_times({"list": [dealcoach, "deal", "list", "--json"]}, runs,
                                   env={"DEALCOACH_DATABASE_URL": url})["list"]
    results["stage"] = median_times({"stage": [dealcoach, "stage", "1", "--json"]}, runs,
                                    env={"DEALCOACH_DATABASE_URL": url})["stage"]
    workers, updates = 4, 50
    worker_code = WRITER.read_text().split('WORKER = """')[1].split('"""')[0]
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", worker_code, str(w), str(updates), "1,2,3"],
                                  env={**os.environ, "DEALCOACH_DATABASE_URL": url}) for w in range(workers)]
    for process in processes:
        process.wait()
    results["writes_per_second"] = workers * updates / (time.perf_counter() - started)
    print(f"\n{label}")
    print(f"  insert {deals} deals (one transaction)   {results['insert']:8.2f} s")
    print(f"  diagnose {diagnosed} stored deals          {results['diagnose']:8.2f} s "
          f"({results['diagnose'] / diagnosed * 1000:.2f} ms each)")
    print(f"  deal list --json ({deals} deals)       {results['list'] * 1000:8.0f} ms (median of {runs})")
    print(f"  stage 1 --json                       {results['stage'] * 1000:8.0f} ms (median of {runs})")
    print(f"  {workers} concurrent writers, same 3 deals   {results['writes_per_second']:8.0f} saves/s "
          "(every save merged, none lost)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--diagnosed", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("DEALCOACH_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["DEALCOACH_HOME"] = home
        measure("SQLite", f"sqlite:///{home}/bench.db", args.deals, args.diagnosed, args.runs)
        if args.postgres:
            url = _fresh_postgres(args.postgres)
            try:
                measure("PostgreSQL", url, args.deals, args.diagnosed, args.runs)
            finally:
                _drop_postgres(args.postgres, url)


if __name__ == "__main__":
    main()
