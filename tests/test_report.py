"""`dealcoach report`: the deal brief and the pipeline review as self-contained pages, opened in a
real headless Chromium (Playwright driving Debian's /usr/bin/chromium): the power map, warnings and
charts are in the DOM, user text stays text, no request leaves the page, a phone can read it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from dealcoach.deals.models import Activity, Deal, Person

HOSTILE = "<script>alert(1)</script>"
BROWSER = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)


def _browser_or_skip() -> str:
    if BROWSER is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("no Chromium on this machine (apt install chromium): the pages cannot be opened in a browser")
    return BROWSER


def _fill(store) -> int:
    """The Ningxia example plus a deal and a person named like an attack, in two currencies."""
    from dealcoach.deals.dealfile import load_deal_file

    ningxia, _ = load_deal_file(EXAMPLES / "ningxia-industrial-oil.yaml")
    people = [*ningxia.people, Person(name=HOSTILE, title="<img src=x onerror=alert(2)>", reports_to="项目经理")]
    stored = store.add(ningxia.model_copy(update={
        "people": people, "expected_close": dt.date.today() + dt.timedelta(days=20),
        "activities": [Activity(date=dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc), kind="call",
                                outcome="meeting-booked", contact="负责人A", note=HOSTILE)]}), "amy")
    store.add(Deal(name=HOSTILE, amount=5000, currency="USD", probability=0.4, owner="bob",
                   expected_close=dt.date.today() + dt.timedelta(days=60)), "bob")
    return stored.id  # type: ignore[return-value]


def _open(path: Path, tmp_path: Path, width: int = 1200, height: int = 900):
    """Open `path` in a fresh headless Chromium profile; returns (facts from the DOM, requests made)."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{path.stem}-{width}"), executable_path=_browser_or_skip(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            viewport={"width": width, "height": height})
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        shot = tmp_path / f"{path.stem}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        facts = page.evaluate("""() => ({
            title: document.title,
            scripts: document.querySelectorAll('script').length,
            powerMap: document.querySelectorAll('svg.power-map').length,
            powerMapPeople: document.querySelectorAll('svg.power-map g.person, svg.power-map g.node').length,
            powerMapText: Array.from(document.querySelectorAll('svg.power-map text, svg.power-map title'))
                .map(t => t.textContent).join('|'),
            warnings: Array.from(document.querySelectorAll('li.warning')).map(li => li.textContent.trim()),
            actions: document.querySelectorAll('ol.actions > li').length,
            gridCells: document.querySelectorAll('#chart-stage-step svg rect.cell').length,
            gradeBars: document.querySelectorAll('#chart-grades svg rect.bar').length,
            forecastBars: document.querySelectorAll('#chart-forecast svg rect.bar').length,
            funnelBars: document.querySelectorAll('#chart-funnel svg rect.bar').length,
            dealRows: Array.from(document.querySelectorAll('table.deals tbody tr')).map(tr => tr.textContent),
            bodyText: document.body.innerText,
            overflow: document.documentElement.scrollWidth - window.innerWidth,
        })""")
        context.close()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    return facts, requests, dialogs


def _only_the_page(requests: list[str], path: Path) -> None:
    left = [url for url in requests if url != path.as_uri() and not url.startswith("data:")]
    assert not left, f"requests left the page: {left}"


def test_deal_brief_in_a_real_browser(store, run, tmp_path):
    deal_id = _fill(store)
    path = tmp_path / "brief.html"
    result = run("report", str(deal_id), "-o", str(path))
    assert result.exit_code == 0 and "Wrote" in result.stderr
    html = path.read_text(encoding="utf-8")
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    facts, requests, dialogs = _open(path, tmp_path)
    _only_the_page(requests, path)
    assert dialogs == [] and facts["scripts"] == 0
    assert facts["powerMap"] == 1 and facts["powerMapPeople"] >= 5
    assert HOSTILE in facts["powerMapText"] or shutil.which("dot")  # Graphviz splits labels its own way
    diagnosis = store.get(deal_id)
    from dealcoach.coaching.diagnosis import diagnose
    from dealcoach.playbook.loader import load_catalog, load_playbook

    expected = diagnose(diagnosis, load_playbook("six-step"), load_catalog(), "en")
    assert len(facts["warnings"]) == len(expected.warnings) >= 2
    assert any(w.message in text for w in expected.warnings for text in facts["warnings"])
    assert facts["actions"] == len(expected.next_actions)
    assert HOSTILE in facts["bodyText"]  # shown as text, never run
    phone, requests, _ = _open(path, tmp_path, width=390, height=844)
    _only_the_page(requests, path)
    assert phone["overflow"] <= 1 and phone["powerMap"] == 1


def test_tree_layout_without_graphviz_in_a_real_browser(store, tmp_path):
    """Where Graphviz is missing the map is laid out as a tree by dealcoach itself."""
    from dealcoach.coaching.brief import deal_brief
    from dealcoach.playbook.loader import load_catalog, load_playbook
    from dealcoach.render.html import brief_html

    deal = store.get(_fill(store))
    brief = deal_brief(deal, load_playbook("six-step"), load_catalog(), dt.date(2026, 6, 1), "zh")
    path = tmp_path / "tree.html"
    path.write_text(brief_html(brief, "zh", use_graphviz=False), encoding="utf-8")
    facts, requests, dialogs = _open(path, tmp_path)
    _only_the_page(requests, path)
    assert dialogs == [] and facts["powerMap"] == 1
    assert facts["powerMapPeople"] == len(deal.people)
    assert HOSTILE in facts["powerMapText"] and "项目经理" in facts["powerMapText"]
    assert "权力地图" in facts["bodyText"] and "下一步行动" in facts["bodyText"]


def test_pipeline_review_in_a_real_browser_and_on_a_phone(store, run, tmp_path):
    _fill(store)
    path = tmp_path / "review.html"
    assert run("report", "--pipeline", "-o", str(path), "--lang", "zh-Hant").exit_code == 0
    facts, requests, dialogs = _open(path, tmp_path)
    _only_the_page(requests, path)
    assert dialogs == [] and facts["scripts"] == 0
    assert facts["gridCells"] >= 1 and facts["gradeBars"] >= 1 and facts["funnelBars"] == 6
    assert facts["forecastBars"] == 3  # 30 days: CNY; 90 days: CNY and USD (never added together)
    assert len(facts["dealRows"]) == 2 and any(HOSTILE in row for row in facts["dealRows"])
    assert "商機分析會" in facts["bodyText"]
    phone, requests, _ = _open(path, tmp_path, width=390, height=844)
    _only_the_page(requests, path)
    assert phone["overflow"] <= 1, "the page is wider than a phone: tables must scroll inside their box"


def test_report_edges(run, store, tmp_path):
    assert run("report").exit_code == 2
    assert run("report", "1", "--pipeline").exit_code == 2
    assert run("report", "--pipeline", "--format", "doc").exit_code == 2
    empty = tmp_path / "empty.html"
    assert run("report", "--pipeline", "-o", str(empty)).exit_code == 0
    assert "No deals yet." in empty.read_text(encoding="utf-8")
    missing = run("report", "nothing-like-this")
    assert missing.exit_code == 1 and "no deal matches" in missing.stderr


def test_pdf_through_headless_chromium(store, run, tmp_path):
    _browser_or_skip()
    _fill(store)
    pdf = tmp_path / "review.pdf"
    result = run("report", "--pipeline", "--format", "pdf", "-o", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_pdf_without_a_browser_says_what_to_install(store, run, tmp_path, monkeypatch):
    _fill(store)
    monkeypatch.setattr("dealcoach.render.html.find_browser", lambda: None)
    result = run("report", "--pipeline", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "--format pdf needs Chromium or Google Chrome" in result.stderr
