"""The deal brief and the pipeline review as one self-contained HTML page (and PDF through a
headless browser).

Pages come from Jinja2 templates shipped in the package (dealcoach/templates), rendered by a
SandboxedEnvironment with autoescape on: every user string is escaped by the engine. The pictures
are SVG drawn here, inline: every text that goes into them passes `escape` (markupsafe) first.
Nothing is fetched: no fonts, scripts, images or styles from anywhere; the CSS is in the page.

The power map is a tree (reporting lines), laid out here without any graph engine: leaves side by
side, each boss centred over their reports. When Graphviz is installed its layout is used instead.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from dealcoach.coaching.brief import DealBrief
from dealcoach.coaching.people import MapNode, PowerMap
from dealcoach.coaching.pipeline import PipelineReview, Totals
from dealcoach.errors import DealcoachError
from dealcoach.i18n import Lang, message
from dealcoach.typeset import colon
from dealcoach.render.powermap import ATTITUDE_FILL, ATTITUDE_STROKE, INFLUENCE_WIDTH

HTML_LANG = {"zh": "zh-Hans", "zh-Hant": "zh-Hant", "zh-HK": "zh-Hant-HK", "en": "en"}
SEVERITY_COLOR = {"high": "#c62828", "medium": "#ef6c00", "low": "#757575"}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


# --- text in pictures ------------------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    """Rough width in px of `text` at font `size`: wide (CJK) characters count one em, others 0.6."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def clip(text: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` px."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for char in text:
        if text_width(out + char + "…", size) > width:
            break
        out += char
    return out + "…"


def _svg_text(x: float, y: float, text: str, size: float = 12, anchor: str = "start", weight: str = "normal",
              fill: str = "#212121", css: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}"{f" class={chr(34)}{css}{chr(34)}" if css else ""}>{escape(text)}</text>')


# --- the power map -----------------------------------------------------------------------------------

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 180, 66, 16, 46, 12


def _all_nodes(power: PowerMap) -> list[MapNode]:
    flat: list[MapNode] = []

    def walk(node: MapNode) -> None:
        flat.append(node)
        for child in node.children:
            walk(child)

    for root in power.roots:
        walk(root)
    return flat


def tree_layout(roots: list[MapNode]) -> tuple[list[tuple[MapNode, float, float]], list[tuple[float, float, float, float]], float, float]:
    """Positions (node, x, y of its top-left corner), edges (x1, y1, x2, y2), width and height."""
    placed: list[tuple[MapNode, float, float]] = []
    edges: list[tuple[float, float, float, float]] = []
    next_leaf = [0]
    depth_max = [0]

    def place(node: MapNode, depth: int) -> float:
        depth_max[0] = max(depth_max[0], depth)
        y = MARGIN + depth * (NODE_H + GAP_Y)
        if not node.children:
            x = MARGIN + next_leaf[0] * (NODE_W + GAP_X)
            next_leaf[0] += 1
        else:
            centres = [place(child, depth + 1) for child in node.children]
            x = (centres[0] + centres[-1]) / 2 - NODE_W / 2
            for centre in centres:
                edges.append((x + NODE_W / 2, y + NODE_H, centre, y + NODE_H + GAP_Y))
        placed.append((node, x, y))
        return x + NODE_W / 2

    for root in roots:
        place(root, 0)
    width = MARGIN * 2 + max(1, next_leaf[0]) * (NODE_W + GAP_X) - GAP_X
    height = MARGIN * 2 + (depth_max[0] + 1) * (NODE_H + GAP_Y) - GAP_Y
    return placed, edges, width, height


def power_map_svg(power: PowerMap, lang: Lang, use_graphviz: bool | None = None) -> Markup:
    """The power map as inline SVG: Graphviz's layout when it is installed (or asked for), else the
    tree laid out here. Returns markup whose every user string is escaped."""
    if not power.roots:
        return Markup(f'<p class="empty">{escape(message("map.empty", lang))}</p>')
    if use_graphviz is None:
        use_graphviz = shutil.which("dot") is not None
    if use_graphviz:
        drawn = _graphviz_svg(power, lang)
        if drawn is not None:
            return drawn
    placed, edges, width, height = tree_layout(power.roots)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="power-map" data-layout="tree" role="img" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
             f'aria-label="{escape(message("map.title", lang))}">']
    for x1, y1, x2, y2 in edges:
        middle = (y1 + y2) / 2
        parts.append(f'<path class="edge" d="M{x1:.1f},{y1:.1f} V{middle:.1f} H{x2:.1f} V{y2:.1f}" '
                     'fill="none" stroke="#9e9e9e" stroke-width="1.5"/>')
    for node, x, y in placed:
        person = node.person
        dash = ' stroke-dasharray="5 3"' if person.contact == "none" else ""
        parts.append(f'<g class="person" data-attitude="{person.attitude}">'
                     f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="8" '
                     f'fill="{ATTITUDE_FILL[person.attitude]}" stroke="{ATTITUDE_STROKE[person.attitude]}" '
                     f'stroke-width="{INFLUENCE_WIDTH[person.influence]}"{dash}/>')
        inner = NODE_W - 14
        parts.append(_svg_text(x + 7, y + 18, clip(person.name, 13, inner), 13, weight="bold", css="name"))
        if person.title:
            parts.append(_svg_text(x + 7, y + 34, clip(person.title, 11, inner), 11, fill="#424242"))
        if node.role_names:
            parts.append(_svg_text(x + 7, y + 48, clip(" / ".join(node.role_names), 11, inner), 11, fill="#424242"))
        line = (f"{colon(message('map.influence', lang), lang)}{message('value.' + person.influence, lang)} · "
                f"{colon(message('map.contact', lang), lang)}{message('value.' + person.contact, lang)}")
        parts.append(_svg_text(x + 7, y + 61, clip(line, 10, inner), 10, fill="#616161"))
        parts.append(f"<title>{escape(person.name)}</title></g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _graphviz_svg(power: PowerMap, lang: Lang) -> Markup | None:
    """Graphviz's SVG of the map, inline (its prolog and doctype dropped); None if it fails."""
    from dealcoach.render.powermap import render_picture, to_dot

    try:
        svg = render_picture(to_dot(power, lang), "svg").decode("utf-8")
    except DealcoachError:
        return None
    start = svg.find("<svg")
    if start < 0:
        return None
    # labels reach Graphviz escaped for DOT and come back escaped as XML text
    body = svg[start:].replace("<svg ", '<svg class="power-map" data-layout="graphviz" role="img" ', 1)
    body = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", body, count=1)
    return Markup(body)


# --- charts ------------------------------------------------------------------------------------------


def bar_chart(bars: list[tuple], label: str, unit_format=lambda v: f"{v:g}", css: str = "chart") -> Markup:
    """Horizontal bars: (label, value, colour[, value text]). Values at or below zero draw no bar."""
    if not bars:
        return Markup("")
    row, label_w, bar_w = 26, 150, 150
    top = max((bar[1] for bar in bars), default=0) or 1
    height = len(bars) * row + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" aria-label="{escape(label)}" '
             f'viewBox="0 0 {label_w + bar_w + 90} {height}" width="{label_w + bar_w + 90}" height="{height}">']
    for index, (name, value, colour, *shown) in enumerate(bars):
        y = 5 + index * row
        value_text = shown[0] if shown else unit_format(value)
        parts.append(_svg_text(label_w - 8, y + 16, clip(name, 12, label_w - 12), 12, anchor="end"))
        length = max(0.0, value) / top * bar_w
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
                     f'rx="3" fill="{colour}"><title>{escape(name)}: {escape(value_text)}</title></rect>')
        parts.append(_svg_text(label_w + length + 6, y + 16, value_text, 11, fill="#424242"))
    parts.append("</svg>")
    return Markup("".join(parts))


def stage_step_grid(review: PipelineReview, lang: Lang) -> Markup:
    """Open deals by our stage (rows) and the customer's step (columns); the customer ahead of us is red."""
    rows = [r for r in review.rows if r.status == "open"]
    if not rows:
        return Markup("")
    # keyed by position and name: two playbooks may name their third stage differently
    stages = sorted({(r.stage_index, r.stage_name) for r in rows})
    steps = sorted({(r.customer_step_index, r.customer_step_name) for r in rows})
    counts: dict[tuple, int] = {}
    for row in rows:
        key = ((row.stage_index, row.stage_name), (row.customer_step_index, row.customer_step_name))
        counts[key] = counts.get(key, 0) + 1
    cell, label_w, head_h = 44, 170, 90
    # room on the right for the last column's slanted label
    width, height = label_w + cell * len(steps) + 90, head_h + cell * len(stages) + 10
    top = max(counts.values())
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart stage-step" role="img" '
             f'aria-label="{escape(message("report.chart_stage_step", lang))}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}">']
    for column, (_, name) in enumerate(steps):
        x = label_w + column * cell + cell / 2
        parts.append(f'<text x="{x:.1f}" y="{head_h - 6}" font-size="11" transform="rotate(-40 {x:.1f} {head_h - 6})" '
                     f'fill="#424242">{escape(clip(name, 11, 120))}</text>')
    for line, stage in enumerate(stages):
        stage_index, name = stage
        y = head_h + line * cell
        parts.append(_svg_text(label_w - 8, y + cell / 2 + 4, clip(name, 12, label_w - 12), 12, anchor="end"))
        for column, step in enumerate(steps):
            step_index = step[0]
            count = counts.get((stage, step), 0)
            ahead = step_index > stage_index
            shade = 0.15 + 0.85 * count / top if count else 0
            colour = f"rgba(198,40,40,{shade:.2f})" if ahead else f"rgba(46,125,50,{shade:.2f})"
            x = label_w + column * cell
            parts.append(f'<rect class="cell" x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{colour if count else "#f5f5f5"}"/>')
            if count:
                parts.append(_svg_text(x + cell / 2 - 1, y + cell / 2 + 4, str(count), 13, anchor="middle",
                                       weight="bold", fill="#ffffff" if shade > 0.5 else "#212121"))
    parts.append("</svg>")
    return Markup("".join(parts))


def money_text(amount: float | None, currency: str) -> str:
    return "" if amount is None else f"{amount:,.0f} {currency}"


def forecast_chart(review: PipelineReview, lang: Lang) -> Markup:
    bars = []
    for window in review.forecast:
        for money in window.money:
            bars.append((f"{window.name} · {money.currency}", money.weighted, "#1565c0"))
    return bar_chart(bars, message("report.chart_forecast", lang), lambda v: f"{v:,.0f}", "chart forecast")


def grade_chart(review: PipelineReview, lang: Lang) -> Markup:
    colours = {"A": "#2e7d32", "B": "#558b2f", "C": "#f9a825", "D": "#c62828"}
    return bar_chart([(g.name, g.count, colours.get(g.key, "#9e9e9e")) for g in review.by_grade],
                     message("report.chart_grades", lang), css="chart grades")


def funnel_chart(review: PipelineReview, lang: Lang) -> Markup:
    if review.funnel is None:
        return Markup("")
    bars = [(r.name, (r.rate or 0) * 100, "#c62828" if r.id == review.funnel.weakest else "#00838f",
             f"{message('funnel.no_rate', lang) if r.rate is None else format(r.rate, '.0%')} ({r.numerator}/{r.denominator})")
            for r in review.funnel.rates]
    return bar_chart(bars, message("report.chart_funnel", lang), lambda v: f"{v:.0f}%", "chart funnel")


# --- pages -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    templates = Path(__file__).resolve().parent.parent / "templates"
    environment = SandboxedEnvironment(loader=FileSystemLoader(str(templates)), autoescape=True,
                                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["money"] = lambda amount, currency: money_text(amount, currency)
    environment.filters["percent"] = lambda value: "" if value is None else f"{value:.0%}"
    return environment


def _common(lang: Lang) -> dict:
    return {"lang": lang, "html_lang": HTML_LANG[lang], "t": lambda key, **fields: message(key, lang, **fields),
            "severity_color": SEVERITY_COLOR, "generated": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}


def apart(totals: Totals, lang: Lang) -> str:
    from dealcoach.render.pipeline import apart_text

    return apart_text(totals, lang)


def brief_html(brief: DealBrief, lang: Lang, use_graphviz: bool | None = None) -> str:
    from dealcoach.render.pipeline import status_text  # noqa: F401  (labels shared with the terminal)

    return _environment().get_template("brief.html.j2").render(
        **_common(lang), brief=brief, deal=brief.deal, diagnosis=brief.diagnosis,
        power_map=power_map_svg(brief.power_map, lang, use_graphviz))


def pipeline_html(review: PipelineReview, lang: Lang) -> str:
    from dealcoach.render.pipeline import follow_up_text, step_gap, touch_text

    return _environment().get_template("pipeline.html.j2").render(
        **_common(lang), review=review, step_gap=step_gap, touch=lambda row: touch_text(row, lang),
        follow_up=lambda row: follow_up_text(row, lang), apart=lambda totals: apart(totals, lang),
        charts={"stage_step": stage_step_grid(review, lang), "grades": grade_chart(review, lang),
                "forecast": forecast_chart(review, lang), "funnel": funnel_chart(review, lang)})


# --- PDF ---------------------------------------------------------------------------------------------


def find_browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, output: Path) -> None:
    """Print the page to PDF with a headless Chromium (A4 from the page's print stylesheet)."""
    import tempfile

    browser = find_browser()
    if browser is None:
        raise DealcoachError("--format pdf needs Chromium or Google Chrome (e.g. apt install chromium); "
                             "or write HTML with -o FILE.html and print it from any browser")
    with tempfile.TemporaryDirectory(prefix="dealcoach-pdf-") as work:
        page = Path(work) / "page.html"
        page.write_text(html, encoding="utf-8")
        target = Path(work) / "page.pdf"
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={Path(work) / 'profile'}",
                   f"--print-to-pdf={target}", page.as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            raise DealcoachError("the browser took more than 120 s to print the PDF") from None
        if result.returncode != 0 or not target.exists():
            first = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise DealcoachError(f"the browser could not print the PDF: {first[0] if first else 'no output'}")
        from dealcoach.files import write_atomic

        write_atomic(output, target.read_bytes())  # 0600, in place only when complete
