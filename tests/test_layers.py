"""Dependencies run one way: every import in src/dealcoach, read with `ast` (function-level and
TYPE_CHECKING imports too), must point at the importer's own layer or a lower one.

To add a module, put it in LAYERS below; AGENTS.md describes the layers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dealcoach"

# Highest first. A module may import its own layer and any layer after it, never one before it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("cli", ("dealcoach.cli", "dealcoach.__main__")),
    ("ui", ("dealcoach.render", "dealcoach.prompts", "dealcoach.interactive")),
    ("usecases", ("dealcoach.usecases",)),
    ("gradefiles", ("dealcoach.gradeio",)),
    ("coaching", ("dealcoach.coaching",)),
    ("store", ("dealcoach.store",)),
    ("deals", ("dealcoach.deals", "dealcoach.examples", "dealcoach.profile")),
    # the user's words: the UI message catalogue and the parser of typed values (its enum labels come
    # from the catalogue). Above the playbook: the models pick a text (language.py) but never load
    # every message.
    ("words", ("dealcoach.i18n", "dealcoach.messages", "dealcoach.parse", "dealcoach.sources", "dealcoach.error_text")),
    ("playbook", ("dealcoach.playbook",)),
    ("base", ("dealcoach", "dealcoach.errors", "dealcoach.settings", "dealcoach.language", "dealcoach.textfill",
              "dealcoach.typeset", "dealcoach.safetext", "dealcoach.files", "dealcoach.yamlfile",
              "dealcoach.jsonfile", "dealcoach.jsonout")),
]
# The layers that are the core: no terminal libraries, and no command-line syntax (a UsageError
# names a flag, so it is raised where flags are parsed: cli/).
CORE = ("usecases", "gradefiles", "coaching", "store", "deals", "words", "playbook", "base")
TERMINAL_LIBRARIES = ("typer", "click", "rich", "questionary", "prompt_toolkit")
CLI_ONLY_NAMES = {"dealcoach.errors": {"UsageError"}}
# Base modules that turn a flag or an environment variable into a setting may name the flag.
FLAG_RESOLVERS = {"dealcoach.language", "dealcoach.settings"}

# Known exceptions: (importing module, imported name) -> why it is still there. An entry that no
# longer matches an import fails the test, so the list only shrinks.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
}


@dataclass(frozen=True)
class Import:
    importer: str
    target: str        # a module, e.g. dealcoach.coaching.people
    name: str | None   # the name taken from it, for `from module import name`
    path: Path
    line: int
    top_level: bool


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path = SRC) -> bool:
    relative = Path(*name.split("."))
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def imports_of(path: Path, root: Path = SRC) -> list[Import]:
    importer = module_name(path, root)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(importer, alias.name, None, path, node.lineno, id(node) in top_level))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if is_module(submodule, root) or is_module(submodule):
                    found.append(Import(importer, submodule, None, path, node.lineno, id(node) in top_level))
                else:
                    found.append(Import(importer, module, alias.name, path, node.lineno, id(node) in top_level))
    return found


def all_imports() -> list[Import]:
    return [found for path in sorted(PACKAGE.rglob("*.py")) for found in imports_of(path)]


def layer_of(module: str) -> int | None:
    """The index in LAYERS of the longest prefix naming this module; None outside dealcoach (or for a
    module of dealcoach that no layer names: the package itself stands only for `dealcoach/__init__`)."""
    best, best_length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            covers = module == prefix or (module.startswith(prefix + ".") and prefix != "dealcoach")
            if covers and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def _where(found: Import) -> str:
    shown = found.path.relative_to(SRC.parent) if found.path.is_relative_to(SRC) else found.path.name
    return f"{shown}:{found.line}"


def backward_imports(imports: list[Import]) -> list[str]:
    wrong = []
    for found in imports:
        target = layer_of(found.target)
        if target is None:
            continue  # not ours (test_every_module_has_a_layer catches a module of ours without a layer)
        source = layer_of(found.importer)
        assert source is not None, found.importer
        if target < source:
            wrong.append(f"{_where(found)}: {found.importer} ({LAYERS[source][0]}) imports {found.target} "
                         f"({LAYERS[target][0]}), a higher layer")
    return wrong


def test_the_walk_sees_function_level_and_relative_imports(tmp_path):
    """The checker itself: an import inside a function, and one in a TYPE_CHECKING block, count."""
    stage = [f for f in imports_of(PACKAGE / "cli" / "stage.py") if f.target == "dealcoach.interactive.stage_walk"]
    assert stage and not stage[0].top_level
    loader = imports_of(PACKAGE / "playbook" / "loader.py")
    assert any(f.target == "dealcoach.yamlfile" and f.name == "LocatedData" for f in loader)
    assert any(f.target == "dealcoach.playbook.cache" for f in loader)


def test_every_module_has_a_layer():
    unplaced = [module_name(path) for path in sorted(PACKAGE.rglob("*.py")) if layer_of(module_name(path)) is None]
    assert unplaced == [], f"put these in LAYERS in tests/test_layers.py: {unplaced}"
    assert layer_of("dealcoach") == len(LAYERS) - 1  # the package itself (__version__) is base
    assert layer_of("dealcoach.newmodule") is None and layer_of("typer") is None


def test_imports_point_down_the_layers():
    wrong = backward_imports(all_imports())
    assert wrong == [], "\n".join(wrong)


def test_the_core_imports_no_terminal_library_and_names_no_flag():
    core = {index for index, (name, _) in enumerate(LAYERS) if name in CORE}
    wrong = []
    matched = set()
    for found in all_imports():
        if layer_of(found.importer) not in core:
            continue
        if found.target.split(".")[0] in TERMINAL_LIBRARIES:
            wrong.append(f"{_where(found)}: {found.importer} imports {found.target}")
        if found.name in CLI_ONLY_NAMES.get(found.target, ()) and found.importer not in FLAG_RESOLVERS:
            key = (found.importer, f"{found.target}.{found.name}")
            if key in KNOWN_EXCEPTIONS:
                matched.add(key)
            else:
                wrong.append(f"{_where(found)}: {found.importer} imports {found.name}: parse flags in cli/ and "
                             "raise a DealcoachError (or a subclass that is not about usage) from the core")
    assert wrong == [], "\n".join(wrong)
    stale = sorted(set(KNOWN_EXCEPTIONS) - matched)
    assert stale == [], f"these exceptions no longer apply; delete them from KNOWN_EXCEPTIONS: {stale}"


# What a command module may import before its command runs: its own layer's helpers, the error type
# and the messages. Everything else (the core, renderers, prompts, interactive flows) is imported
# inside the command function, so `dealcoach --help` pays for none of it.
EAGER_IN_CLI = ("dealcoach.cli", "dealcoach.errors", "dealcoach.i18n")


def test_commands_import_the_core_and_flows_only_when_they_run():
    eager = [f"{_where(found)}: {found.target}" for found in all_imports()
             if found.importer.startswith("dealcoach.cli") and found.top_level and layer_of(found.target) is not None
             and not any(found.target == allowed or found.target.startswith(allowed + ".") for allowed in EAGER_IN_CLI)]
    assert eager == [], "import these inside the command function:\n" + "\n".join(eager)
    stage = [f for f in imports_of(PACKAGE / "cli" / "stage.py") if f.target == "dealcoach.interactive.stage_walk"]
    assert stage and not stage[0].top_level  # the walk is there, and imported late


def test_a_backward_import_inside_a_function_is_reported(tmp_path):
    """The checker can fail: a playbook module importing coaching inside a function is caught."""
    bad = tmp_path / "dealcoach" / "playbook" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("def f():\n    from dealcoach.coaching.grading import rank\n    from ..errors import DealcoachError\n",
                   encoding="utf-8")
    found = imports_of(bad, tmp_path)
    assert [(f.target, f.name) for f in found] == [("dealcoach.coaching.grading", "rank"),
                                                   ("dealcoach.errors", "DealcoachError")]
    assert backward_imports(found) == ["bad.py:2: dealcoach.playbook.bad (playbook) imports "
                                       "dealcoach.coaching.grading (coaching), a higher layer"]


def import_cycles(imports: list[Import]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        if layer_of(found.target) is not None and found.target != found.importer:
            graph.setdefault(found.importer, set()).add(found.target)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return cycles


def test_no_import_cycles_not_even_through_function_level_imports():
    """A cycle hidden by importing inside a function (deals.edit <-> coaching) is still a cycle."""
    assert import_cycles(all_imports()) == []


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    one = Import("dealcoach.deals.edit", "dealcoach.coaching.people", "find_person", tmp_path / "a.py", 1, False)
    two = Import("dealcoach.coaching.people", "dealcoach.deals.edit", None, tmp_path / "b.py", 1, True)
    other = Import("dealcoach.coaching.people", "dealcoach.errors", None, tmp_path / "b.py", 2, True)
    assert import_cycles([one, two, other]) == [["dealcoach.coaching.people", "dealcoach.deals.edit"]]
