"""The link chart and the map in a real browser (Chromium through Playwright): expand a
node and see its neighbours appear, see a vessel's track drawn over the offline
basemap, then the cells a phone's calls went through. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from filet.store import Workspace
from test_web_graph import seed_graph
from test_web_map import POINTS_A, VESSEL_A, seed_ais
from test_web_phone_map import seed_calls
from web_support import PASSWORD, World, seed_world, served

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Where Cytoscape drew a node, in page coordinates.
NODE_ON_SCREEN = """(id) => {
  const box = document.getElementById("graph").getBoundingClientRect();
  const at = window.filetGraph.getElementById(id).renderedPosition();
  return [box.left + at.x, box.top + at.y];
}"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser: {CHROMIUM} is absent"),
]


@pytest.fixture
def world(sqlite_workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    seeded = seed_world(sqlite_workspace, tmp_path)
    seed_graph(seeded, tmp_path)
    seed_ais(seeded, tmp_path)
    seed_calls(seeded, tmp_path)
    yield seeded


def test_expand_the_chart_and_see_a_track_on_the_map(world: World) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    console: list[str] = []
    with served(world) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{base}/login")
        page.get_by_label("Identifiant").fill("ana-a")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_label("Code à usage unique (TOTP)").fill(world.code("ana-a"))
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/alerts")

        page.goto(f"{base}/graph?entity=a-alice&depth=1")
        chart = page.locator("#graph")
        expect(chart).to_have_attribute("data-nodes", "3")
        page.screenshot(path=str(SHOTS / "graph-01-alice.png"), full_page=True)
        # Click p1 where Cytoscape drew it: its neighbours p2 and p3 join the chart.
        page.mouse.click(*page.evaluate(NODE_ON_SCREEN, "p1"))
        expect(chart).to_have_attribute("data-nodes", "5")
        expect(chart).to_have_attribute("data-expanded", "p1")
        expect(chart).to_have_attribute("data-ranked", "5")
        page.get_by_label("Communautés").check()
        # Choose p1 and Alice as the ends, then ask for the path: one link joins them.
        path = page.get_by_role("button", name="Plus court chemin entre les deux nœuds choisis")
        expect(path).to_be_disabled()
        page.get_by_label("Chemin depuis").select_option("p1")
        page.get_by_label("jusqu'à").select_option("a-alice")
        expect(path).to_be_enabled()
        path.click()
        expect(page.locator("#graph")).to_have_attribute("data-path", "1")
        page.screenshot(path=str(SHOTS / "graph-02-expanded.png"), full_page=True)

        page.goto(f"{base}/map?mmsi={VESSEL_A}")
        track = page.locator("#map path.track")
        expect(track).to_have_attribute("data-points", str(POINTS_A))
        expect(page.locator("#map path.land")).to_have_count(1)
        marker = page.locator("#map circle.alert-marker")
        expect(marker).to_have_count(1)
        marker.click()
        expect(page.locator("#map-popup")).to_contain_text("Silence AIS de 7 h")
        page.screenshot(path=str(SHOTS / "map-01-track.png"), full_page=True)

        # A number typed nationally, chosen from the map's own form.
        page.get_by_label("MMSI du navire").fill("")
        page.get_by_label("Numéro de téléphone").fill("06 12 34 56 78")
        page.get_by_role("button", name="Afficher").click()
        cells = page.locator("#map circle.cell-marker")
        expect(cells).to_have_count(2)
        expect(page.locator("#map-status")).to_contain_text("2 appels placés sur un relais")
        expect(page.locator("#map-cells li")).to_have_count(2)
        page.locator('#map circle[data-cell="208-01-1"]').press("Enter")
        expect(page.locator("#map-popup")).to_contain_text("208-01-1 · 2 appel(s)")
        expect(page.locator("#map-popup")).to_contain_text("1 quai du Port Marseille")
        page.screenshot(path=str(SHOTS / "map-02-calls.png"), full_page=True)
        browser.close()
    assert [text for text in console if "Content Security Policy" in text] == []
