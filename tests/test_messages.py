"""Message keys used <=> defined: every key the code asks for exists, and every key defined is used.

Keys are found by reading the source (ast): a string constant equal to a key uses it; a key built
from a prefix (`f"kind.{k}"`, `"severity." + s`) uses the keys of that family whose remaining part
is a value the code or the playbooks know (a Literal, an id).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT
from dealcoach.messages import MESSAGES

SOURCE = ROOT / "src" / "dealcoach"
KEY_PREFIX = re.compile(r"[a-z_]+(\.[a-z_]+)*[._]")


def _is_message_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "message"


def read_source() -> tuple[set[str], set[str], set[str]]:
    """(string constants, key prefixes of built keys, keys passed to message() as constants)."""
    constants: set[str] = set()
    prefixes: set[str] = set()
    asked: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            head = None
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = node.values[0].value
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
                head = node.left.value
            if isinstance(head, str) and KEY_PREFIX.fullmatch(head):
                prefixes.add(head)
            if _is_message_call(node) and node.args and isinstance(node.args[0], ast.Constant):
                asked.add(node.args[0].value)
    # the HTML templates ask with t("key") and build keys with t("prefix." ~ value)
    for path in (SOURCE / "templates").rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r'\bt\("([a-z_]+(?:\.[a-z_]+)+)"\s*[,)]', text):
            constants.add(key)
            asked.add(key)
        prefixes |= set(re.findall(r'\bt\("([a-z_]+(?:\.[a-z_]+)*[._])"\s*~', text))
        constants |= set(re.findall(r'\("(col\.[a-z_]+)"', text))
    return constants, prefixes, asked


def playbook_words() -> set[str]:
    words: set[str] = set()
    for path in (ROOT / "playbooks").rglob("*.yaml"):
        words |= set(re.findall(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*", path.read_text(encoding="utf-8")))
    return words


CONSTANTS, PREFIXES, ASKED = read_source()


def test_every_key_asked_for_is_defined():
    assert len(ASKED) > 100  # the reading found the calls
    assert sorted(ASKED - set(MESSAGES)) == []


def test_every_built_key_family_has_keys():
    families = {prefix for prefix in PREFIXES if any(key.startswith(prefix) for key in MESSAGES)}
    assert {"kind.", "outcome.", "value.", "severity.", "rate."} <= families


def test_every_defined_key_is_used():
    known_values = CONSTANTS | playbook_words()

    def used(key: str) -> bool:
        if key in CONSTANTS:
            return True
        return any(key.startswith(prefix) and key[len(prefix):] in known_values for prefix in PREFIXES)

    assert [key for key in MESSAGES if not used(key)] == []


def test_every_message_has_chinese_and_english_with_the_same_placeholders():
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
