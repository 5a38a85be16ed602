"""The power map as text a team can paste into its wiki (Mermaid, Graphviz DOT), and as a picture.

Labels are user text: they are escaped for each language, never interpreted. Node ids are
generated (n0, n1, ...), so no name can break the syntax.
"""

from __future__ import annotations

import shutil
import subprocess

from dealcoach.coaching.people import MapNode, PowerMap
from dealcoach.errors import DealcoachError
from dealcoach.i18n import Lang, message
from dealcoach.typeset import colon
from dealcoach.safetext import one_line

ATTITUDE_FILL = {"supporter": "#c8e6c9", "neutral": "#eeeeee", "opponent": "#ffcdd2", "unknown": "#ffffff"}
ATTITUDE_STROKE = {"supporter": "#2e7d32", "neutral": "#616161", "opponent": "#c62828", "unknown": "#9e9e9e"}
INFLUENCE_WIDTH = {"high": 4, "medium": 2, "low": 1, "unknown": 1}
INFLUENCE_FONT = {"high": 16, "medium": 13, "low": 11, "unknown": 12}


def _flatten(nodes: list[MapNode]) -> list[MapNode]:
    flat = []
    for node in nodes:
        flat.append(node)
        flat.extend(_flatten(node.children))
    return flat


def _label_lines(node: MapNode, lang: Lang) -> list[str]:
    person = node.person
    lines = [person.name]
    if person.title:
        lines.append(person.title)
    if node.role_names:
        lines.append(" / ".join(node.role_names))
    lines.append(f"{colon(message('map.influence', lang), lang)}{message('value.' + person.influence, lang)} · "
                 f"{colon(message('map.contact', lang), lang)}{message('value.' + person.contact, lang)}")
    return lines


def _edges(power: PowerMap) -> tuple[list[MapNode], dict[str, str], list[tuple[str, str]]]:
    nodes = _flatten(power.roots)
    ids = {node.person.name: f"n{index}" for index, node in enumerate(nodes)}
    edges = [(ids[node.person.reports_to], ids[node.person.name]) for node in nodes
             if node.person.reports_to in ids]
    return nodes, ids, edges


def _mermaid_text(text: str) -> str:
    return (one_line(text).replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;"))


def to_mermaid(power: PowerMap, lang: Lang) -> str:
    nodes, ids, edges = _edges(power)
    out = ["flowchart TD"]
    for node in nodes:
        label = "<br/>".join(_mermaid_text(line) for line in _label_lines(node, lang))
        out.append(f'    {ids[node.person.name]}["{label}"]')
    for boss, report in edges:
        out.append(f"    {boss} --> {report}")
    for node in nodes:
        person = node.person
        dash = ",stroke-dasharray:5 3" if person.contact == "none" else ""
        out.append(f"    style {ids[person.name]} fill:{ATTITUDE_FILL[person.attitude]},"
                   f"stroke:{ATTITUDE_STROKE[person.attitude]},stroke-width:{INFLUENCE_WIDTH[person.influence]}px{dash}")
    out.append(f'    subgraph legend["{_mermaid_text(message("map.legend", lang))}"]')
    for attitude in ATTITUDE_FILL:
        out.append(f'        legend_{attitude}["{_mermaid_text(message("value." + attitude, lang))}"]')
    out.append(f'        legend_dashed["{_mermaid_text(message("map.legend_dashed", lang))}"]')
    out.append(f'        legend_thick["{_mermaid_text(message("map.legend_thick", lang))}"]')
    out.append("    end")
    for attitude in ATTITUDE_FILL:
        out.append(f"    style legend_{attitude} fill:{ATTITUDE_FILL[attitude]},stroke:{ATTITUDE_STROKE[attitude]}")
    out.append("    style legend_dashed fill:#ffffff,stroke:#9e9e9e,stroke-dasharray:5 3")
    out.append("    style legend_thick fill:#ffffff,stroke:#424242,stroke-width:4px")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def to_dot(power: PowerMap, lang: Lang) -> str:
    nodes, ids, edges = _edges(power)
    out = [
        "digraph power_map {",
        f'    label="{_dot_text(power.deal)} · {_dot_text(message("map.title", lang))}";',
        '    labelloc="t"; rankdir="TB"; fontname="sans-serif";',
        '    node [shape=box, style="rounded,filled", fontname="sans-serif"];',
    ]
    for node in nodes:
        person = node.person
        label = "\\n".join(_dot_text(line) for line in _label_lines(node, lang))
        style = "rounded,filled,dashed" if person.contact == "none" else "rounded,filled"
        out.append(f'    {ids[person.name]} [label="{label}", fillcolor="{ATTITUDE_FILL[person.attitude]}", '
                   f'color="{ATTITUDE_STROKE[person.attitude]}", penwidth={INFLUENCE_WIDTH[person.influence]}, '
                   f'fontsize={INFLUENCE_FONT[person.influence]}, style="{style}"];')
    for boss, report in edges:
        out.append(f"    {boss} -> {report};")
    out.append("    subgraph cluster_legend {")
    out.append(f'        label="{_dot_text(message("map.legend", lang))}"; fontsize=11; color="#bdbdbd";')
    for attitude in ATTITUDE_FILL:
        out.append(f'        legend_{attitude} [label="{_dot_text(message("value." + attitude, lang))}", '
                   f'fillcolor="{ATTITUDE_FILL[attitude]}", color="{ATTITUDE_STROKE[attitude]}", fontsize=10];')
    out.append(f'        legend_dashed [label="{_dot_text(message("map.legend_dashed", lang))}", '
               'fillcolor="#ffffff", style="rounded,filled,dashed", fontsize=10];')
    out.append(f'        legend_thick [label="{_dot_text(message("map.legend_thick", lang))}", '
               'fillcolor="#ffffff", penwidth=4, fontsize=10];')
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def render_picture(dot_text: str, image_format: str) -> bytes:
    """SVG or PNG bytes from DOT through Graphviz's `dot` program."""
    program = shutil.which("dot")
    if program is None:
        raise DealcoachError("the `dot` program of Graphviz is not installed: install the graphviz package "
                             "(apt install graphviz, brew install graphviz), or use --format dot|mermaid")
    try:
        result = subprocess.run([program, f"-T{image_format}"], input=dot_text.encode("utf-8"),
                                capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise DealcoachError("Graphviz took more than 60 s to draw the map") from None
    if result.returncode != 0:
        first = result.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise DealcoachError(f"Graphviz could not draw the map: {first[0] if first else 'unknown error'}")
    return result.stdout


CJK_FONT_PACKAGES = "fonts-noto-cjk or fonts-wqy-zenhei (apt), google-noto-sans-cjk-fonts (dnf), font-noto-cjk (apk)"


def needs_cjk_font(power: PowerMap) -> bool:
    """The picture has Chinese (or other wide) text, and fontconfig knows no font for Chinese: the
    names would come out as boxes. Without fontconfig (`fc-list`), nothing can be said: False."""
    import re

    text = " ".join(node.person.name + (node.person.title or "") for node in _flatten(power.roots))
    if not re.search(r"[\u3000-\u9fff\uf900-\ufaff]", text):
        return False
    program = shutil.which("fc-list")
    if program is None:
        return False
    try:
        found = subprocess.run([program, ":lang=zh", "family"], capture_output=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return False
    return found.returncode == 0 and not found.stdout.strip()
