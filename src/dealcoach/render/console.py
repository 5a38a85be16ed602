"""Consoles for people: stdout for results, stderr for diagnostics. Rich honours NO_COLOR itself."""

from __future__ import annotations

from rich.console import Console


def console(no_color: bool = False, stderr: bool = False) -> Console:
    return Console(no_color=no_color or None, stderr=stderr, highlight=False, soft_wrap=False)
