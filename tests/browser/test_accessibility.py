"""Accessibility in a real browser (Chromium through Playwright) against a real server.

axe-core (vendored in ``vendor/axe-core/``) checks every main page against its WCAG 2 A
and AA rules (contrast, labels, landmarks, names, language…), and the keyboard alone
signs in, reaches the alert queue through the skip link, opens an alert and triages it,
every element it lands on showing a focus indicator. Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import test_web_browser as web_browser

from filet.store import Workspace
from test_web_graph import seed_graph
from test_web_map import VESSEL_A, seed_ais
from test_web_phone_map import account_id, seed_calls
from web_support import PASSWORD, World, api_client, chromium_page, seed_world, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = web_browser.pytestmark  # slow, and skipped without Chromium
SHOTS = web_browser.SHOTS
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa"]

# axe's findings, one line per failing rule and element, to read in an assertion message.
RUN_AXE = """async (tags) => {
  const found = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return found.violations.flatMap((rule) => rule.nodes.map((node) =>
    `${rule.id} (${rule.impact}): ${node.target.join(" ")}: ${node.failureSummary}`));
}"""
# What shows that the focused element has focus: its outline or its box shadow.
FOCUS_RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    element: element.outerHTML.slice(0, 120),
    shown: outlined || style.boxShadow !== "none",
  };
}"""


@pytest.fixture
def world(sqlite_workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    seeded = seed_world(sqlite_workspace, tmp_path)
    seed_graph(seeded, tmp_path)
    seed_ais(seeded, tmp_path)
    seed_calls(seeded, tmp_path)
    escalation = {"status": "escalated", "case": "case-a"}
    answer = api_client(seeded, seeded.token_a).post(
        f"/api/alerts/{seeded.alerts_a[0]}/triage", json=escalation
    )
    assert answer.status_code == 200
    yield seeded


def violations(page: Page) -> list[str]:
    """axe-core's WCAG 2 A/AA violations on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(RUN_AXE, WCAG_TAGS)
    return found


def data_pages(world: World) -> dict[str, tuple[str, str | None]]:
    """Each page a case member reads, by name: its path and, for a page its script
    draws, the element that says the drawing is done."""
    return {
        "alerts": ("/alerts", None),
        "alert": (f"/alerts/{world.alerts_a[0]}", None),
        "entity": ("/entities/a-alice", None),
        "entity-mentions": (f"/entities/{account_id(world)}", None),
        "search": ("/search?q=Alice", None),
        "graph": ("/graph?entity=a-alice&depth=1", '#graph[data-nodes="3"]'),
        "map": (f"/map?mmsi={VESSEL_A}", "#map path.track"),
        "map-calls": ("/map?phone=0612345678", "#map circle.cell-marker"),
        "timeline": ("/timeline?entity=a-alice", None),
        "cases": ("/cases", None),
        "case": ("/cases/case-a", None),
        "report": ("/cases/case-a/report", None),
    }


def test_main_pages_have_no_wcag_a_or_aa_violation(world: World) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    args = web_browser.ARGS
    with chromium_page(world, web_browser.CHROMIUM, args, bypass_csp=True) as (page, base, _):
        page.goto(f"{base}/login")
        found["login"] = violations(page)
        sign_in(page, base, world, "chef-a")
        page.wait_for_url("**/alerts")
        for name, (path, drawn) in data_pages(world).items():
            page.goto(f"{base}{path}")
            if drawn is not None:
                page.wait_for_selector(drawn, state="attached")
            found[name] = violations(page)
        page.get_by_role("button", name="Se déconnecter").click()
        sign_in(page, base, world, "insp")
        page.wait_for_url("**/alerts")
        page.goto(f"{base}/audit")
        found["audit"] = violations(page)
        page.screenshot(path=str(SHOTS / "30-audit-axe.png"), full_page=True)
    assert {name: lines for name, lines in found.items() if lines} == {}


def tab_to(page: Page, selector: str, limit: int = 60) -> list[dict[str, Any]]:
    """Press Tab until the focused element matches ``selector``; returns how each
    element on the way showed its focus."""
    rings = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        rings.append(page.evaluate(FOCUS_RING))
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return rings
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def test_keyboard_alone_signs_in_opens_and_triages_an_alert(world: World) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    alert_id = world.alerts_a[1]
    rings: list[dict[str, Any]] = []
    with chromium_page(world, web_browser.CHROMIUM, web_browser.ARGS) as (page, base, messages):
        world.clock.advance(seconds=30)
        page.goto(f"{base}/alerts")
        for selector, text in (("#name", "ana-a"), ("#password", PASSWORD)):
            rings += tab_to(page, selector)
            page.keyboard.type(text)
        rings += tab_to(page, "#totp")
        page.keyboard.type(world.code("ana-a"))
        page.screenshot(path=str(SHOTS / "31-keyboard-login.png"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("File des alertes")

        rings += tab_to(page, ".skip-link")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        rings += tab_to(page, f'a[href="/alerts/{alert_id}"]')
        page.screenshot(path=str(SHOTS / "32-keyboard-queue.png"), full_page=True)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text(alert_id[:10])

        rings += tab_to(page, "#status")
        page.keyboard.press("ArrowDown")  # from « Nouvelle » to « Écartée »
        expect(page.locator("#status")).to_have_value("dismissed")
        rings += tab_to(page, "form.triage button")
        page.screenshot(path=str(SHOTS / "33-keyboard-triage.png"))
        page.keyboard.press("Enter")
        expect(page.locator("dd .status")).to_have_text("Écartée")
    assert [ring["element"] for ring in rings if not ring["shown"]] == []
    assert [text for text in messages if "Content Security Policy" in text] == []
