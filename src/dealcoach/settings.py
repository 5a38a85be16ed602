"""Where things live. The only module that reads DEALCOACH_HOME / DEALCOACH_DATABASE_URL.

Tests point DEALCOACH_HOME at tmp_path; nothing else in the code guesses a path.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "dealcoach"


def home() -> Path:
    """The folder holding the database, user playbooks and the profile."""
    configured = os.environ.get("DEALCOACH_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # ~17 ms: only when the default location is needed

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Validated playbooks, cached so a command need not parse YAML on every run."""
    return home() / "cache"


def user_playbook_dir() -> Path:
    return home() / "playbooks"


def profile_path() -> Path:
    return home() / "profile.yaml"


def database_url() -> str:
    configured = os.environ.get("DEALCOACH_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{home() / 'dealcoach.db'}"


def current_user() -> str:
    """Who is recorded on every change."""
    from dealcoach.safetext import one_line

    configured = one_line(os.environ.get("DEALCOACH_USER", "")).strip()  # it is shown in every history line
    if configured:
        return configured
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass(frozen=True)
class Paths:
    home: Path
    database_url: str
    user_playbooks: Path
    profile: Path


def paths() -> Paths:
    return Paths(home(), redact_url(database_url()), user_playbook_dir(), profile_path())


def redact_url(url: str) -> str:
    """A database URL fit to print: the password never appears, in the user part or the query."""
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    rest, question, query = rest.partition("?")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    if query:
        query = "&".join(
            part.split("=", 1)[0] + "=***" if part.split("=", 1)[0].lower() in ("password", "passfile") else part
            for part in query.split("&"))
    return f"{scheme}://{credentials}{at}{host}{question}{query}"


def url_secrets(url: str) -> list[str]:
    """The password as written in the URL (user part and query), to scrub from driver messages."""
    from urllib.parse import unquote

    found = []
    rest = url.split("://", 1)[-1]
    rest, _, query = rest.partition("?")
    credentials, at, _ = rest.rpartition("@")
    if at and ":" in credentials:
        found.append(credentials.split(":", 1)[1])
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key.lower() == "password" and value:
            found.append(value)
    pieces = [p for secret in found for p in {secret, unquote(secret), *unquote(secret).split("@")} if len(p) >= 3]
    return sorted(set(pieces), key=len, reverse=True)
