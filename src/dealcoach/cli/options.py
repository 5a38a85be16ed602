"""Options shared by every command, so each one spells them the same way."""

from __future__ import annotations

from typing import Annotated

import typer

LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language: zh, zh-Hant, zh-HK or en (default: DEALCOACH_LANG, else the locale).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colours (also: NO_COLOR=1).")]


def language(flag: str | None):
    from dealcoach.language import resolve_language, set_active_language

    lang = resolve_language(flag)
    set_active_language(lang)
    return lang


def emit_json(data: object) -> None:
    """JSON goes to stdout, uncoloured, stable: for scripts (`json.dumps(indent=2)`'s text, faster)."""
    from dealcoach.jsonout import indented_json

    typer.echo(indented_json(data))


def emit_json_list(head: dict, key: str, items) -> None:
    """`emit_json({**head, key: [...]})`, byte for byte, written as `items` come (Pydantic models,
    e.g. a generator of results, or their `model_dump_json(indent=2)` bytes) so a list of 100,000
    is never held or encoded at once."""
    import json

    text = json.dumps({**head, key: []}, ensure_ascii=False, indent=2, default=str)
    marker = f"\n  {json.dumps(key, ensure_ascii=False)}: []"
    before, after = text.split(marker, 1)
    _write_list(before.encode() + marker[:-1].encode(), (_encoded(item) for item in items), b"  ",
                after.encode() + b"\n")


def emit_json_encoded(rows) -> None:
    """`emit_json([...])` of items each given as its `model_dump_json(indent=2)` bytes (no float
    under 1e-4 in them: see `_tiny_float`), written as they come."""
    _write_list(b"[", rows, b"", b"\n")


def _encoded(item) -> bytes:
    """A Pydantic model (or its `model_dump_json(indent=2)` bytes) as json.dumps(indent=2) writes
    its model_dump(mode="json")."""
    import json

    # encoded in Rust (~20x faster than json.dumps(indent=2))
    encoded = item if isinstance(item, bytes) else item.model_dump_json(indent=2).encode()
    if _tiny_float(encoded):
        # Rust writes the shortest text that reads back as the same float: read back, the values
        # are those of model_dump(mode="json")
        data = json.loads(encoded) if isinstance(item, bytes) else item.model_dump(mode="json")
        encoded = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    return encoded


def _write_list(opening: bytes, rows, indent: bytes, tail: bytes) -> None:
    """`opening`, then the list's items (encoded) each on its own lines, indented one level below
    `indent`, then `]` and `tail`: written in chunks of about 1 MiB."""
    chunk, size, first = [opening], 0, True
    newline = b"\n" + indent + b"  "
    for encoded in rows:
        # as bytes, searched and indented at memchr speed
        chunk.append((newline if first else b"," + newline) + encoded.replace(b"\n", newline))
        first = False
        size += len(encoded)
        if size > 1 << 20:
            _write_bytes(b"".join(chunk))
            chunk, size = [], 0
    chunk.append(b"]" if first else b"\n" + indent + b"]")
    chunk.append(tail)
    _write_bytes(b"".join(chunk))


def _write_bytes(data: bytes) -> None:
    import sys

    if getattr(sys.stdout, "buffer", None) is None:  # a text-only stream (a caller's StringIO)
        typer.echo(data.decode(), nl=False)
    else:
        typer.echo(data, nl=False)


def _tiny_float(encoded: bytes) -> bool:
    """Pydantic writes what json.dumps(indent=2) writes except floats under 1e-4 (0.00005 or 1.2e-7
    where Python writes 5e-05 and 1.2e-07): True when `encoded` may hold one (text may, harmlessly)."""
    import re

    return b"0.0000" in encoded or (b"e-" in encoded and re.search(rb"\de-\d", encoded) is not None)


def write_or_echo(output, data: str | bytes, written_message: str) -> None:
    """Write `data` to the file `output` (then say so on stderr), or print it when no file is given."""
    import typer

    from dealcoach.files import write_atomic

    if output is None:
        typer.echo(data.decode("utf-8") if isinstance(data, bytes) else data, nl=False)
        return
    write_atomic(output, data)  # atomic, 0600: exports carry notes and phone numbers
    typer.echo(written_message, err=True)


def flag_choice(text: str, keys: list[str], flag: str) -> str:
    """An enum flag by its id or any label (`keys`: the messages `PREFIX.ID` labelling each id), as
    the one parser reads enums; a usage error that lists what is accepted, in the reader's language."""
    from dealcoach import parse
    from dealcoach.errors import UsageError
    from dealcoach.messages import MESSAGES

    choices = [parse.Choice(key.split(".", 1)[1], MESSAGES[key]) for key in keys]
    try:
        return parse.resolve_choice(text, choices, flag)
    except parse.InputError as error:
        raise UsageError(error.message, key=error.key, params=error.params) from None


def typed_date(text: str | None, flag: str):
    """A date flag as people type it (2027/3/15, 明天, 下周二, 月底): the one parser, a usage error."""
    if text is None:
        return None
    from dealcoach import parse
    from dealcoach.errors import UsageError

    try:
        return parse.parse_date(text, what=flag)
    except parse.InputError as error:
        raise UsageError(error.message) from None


def typed_datetime(text: str, flag: str):
    """A date-and-time flag (2026-12-03 10:00, 下周二上午10点, 明天14:30); a date alone is at 09:00."""
    import datetime as dt

    from dealcoach import parse
    from dealcoach.errors import UsageError

    try:
        return parse.parse_datetime(text, what=flag, default_time=dt.time(9))
    except parse.InputError as error:
        raise UsageError(error.message) from None
