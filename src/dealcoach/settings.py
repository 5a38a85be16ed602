"""Where things live. The only module that reads DEALCOACH_HOME / DEALCOACH_DATABASE_URL.

Tests point DEALCOACH_HOME at tmp_path; nothing else in the code guesses a path.
"""

from __future__ import annotations

import getpass
import os
import re
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


def private_dir(folder: Path) -> Path:
    """Create `folder` (and DEALCOACH_HOME, when it is inside it) readable by its owner only.

    Whoever needs the home first (the database, the playbook cache, the profile) creates it 0700:
    it holds deal notes and phone numbers. Folders that exist are left as they are."""
    folder = Path(folder)
    root = home()
    try:
        inside = folder == root or folder.is_relative_to(root)
        if inside and not root.exists():
            root.parent.mkdir(parents=True, exist_ok=True)
            _mkdir_private(root)
        start = root if inside else folder.parent
        if not inside:
            start.mkdir(parents=True, exist_ok=True)
        for part in [*reversed(folder.relative_to(start).parents)][1:] + [folder.relative_to(start)]:
            if str(part) != ".":
                _mkdir_private(start / part)
    except OSError as exc:
        from dealcoach.errors import DealcoachError

        raise DealcoachError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    return folder


def _mkdir_private(folder: Path) -> None:
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return
    os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; a folder we create is 0700


def cache_dir() -> Path:
    """Validated playbooks, cached so a command need not parse YAML on every run."""
    return home() / "cache"


def drafts_dir() -> Path:
    """Answers of a long form interrupted by Ctrl-C, offered back the next time (prompts.Form)."""
    return home() / "drafts"


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


# query parameters that hold a secret, or name where one is (libpq's and common drivers' spellings)
_SECRET_PARAMETERS = ("password", "passwd", "pass", "pwd", "sslpassword", "passfile", "sslkey", "secret", "token")


def _is_secret_parameter(name: str) -> bool:
    name = name.lower().replace("-", "").replace("_", "")
    return name in _SECRET_PARAMETERS or "password" in name or "secret" in name or "token" in name


def _split_url(url: str) -> tuple[str, str, str, str, str] | None:
    """(scheme, userinfo, host-and-path, query, fragment) of a URL, or None if it is not one.

    The user part ends at the LAST "@": a password may hold "?", "#", "/" or "@" unescaped, so the
    query is looked for only after it. An "@" inside a query value makes the user part too long,
    which hides more than needed, never less."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return None
    userinfo, at, hostpart = rest.rpartition("@")
    if not at:
        userinfo, hostpart = "", rest
    hostpath, _, fragment = hostpart.partition("#")
    hostpath, _, query = hostpath.partition("?")
    return scheme, (userinfo + at if at else ""), hostpath, query, fragment


def redact_url(url: str) -> str:
    """A database URL fit to print: no password, in the user part or in any password-like query
    parameter, whatever characters it holds (`postgresql://u:Que?stion77@host/db` -> `u:***@`)."""
    parts = _split_url(url)
    if parts is None:
        return url
    from urllib.parse import parse_qsl, quote

    scheme, userinfo, hostpath, query, fragment = parts
    if userinfo:
        user, colon, _ = userinfo[:-1].partition(":")
        userinfo = f"{user}:***@" if colon else userinfo
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(f"{quote(key, safe='')}={'***' if _is_secret_parameter(key) else quote(value, safe='/:,')}"
                         for key, value in pairs)
    text = f"{scheme}://{userinfo}{hostpath}"
    if query:
        text += "?" + query
    if fragment:
        text += "#***"
    return text


def url_secrets(url: str) -> list[str]:
    """Every password in the URL, as written and decoded, to scrub from driver messages."""
    parts = _split_url(url)
    if parts is None:
        return []
    from urllib.parse import parse_qsl, unquote

    _, userinfo, _, query, fragment = parts
    found = []
    if userinfo and ":" in userinfo[:-1]:
        found.append(userinfo[:-1].split(":", 1)[1])
    for key, value in parse_qsl(query, keep_blank_values=True):
        if _is_secret_parameter(key) and value:
            found.append(value)
    if fragment:
        found.append(fragment)
    # a secret parameter may sit inside what looked like the user part (an "@" in a later value)
    for part in re.split(r"[?&]", url):
        key, equals, value = part.partition("=")
        if equals and value and _is_secret_parameter(key):
            found.append(value.split("@")[0])
            found.append(value)
    pieces = {p for secret in found for p in (secret, unquote(secret), *unquote(secret).split("@")) if len(p) >= 3}
    return sorted(pieces, key=len, reverse=True)
