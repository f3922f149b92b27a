"""The workbench in a real browser (Chromium through Playwright) against a real server:
log in with a password and TOTP, triage an alert, open an entity, be refused an entity
of another case. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from filet.store import Workspace
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

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser: {CHROMIUM} is absent"),
]


@pytest.fixture
def world(sqlite_workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    yield seed_world(sqlite_workspace, tmp_path)


def test_analyst_logs_in_triages_opens_an_entity_and_is_refused_another(world: World) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with served(world) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(locale="fr-FR")
        page.on("console", lambda message: blocked.append(message.text))

        page.goto(f"{base}/alerts")
        expect(page).to_have_url(re.compile(r"/login\?next="))
        page.get_by_label("Identifiant").fill("ana-a")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_label("Code à usage unique (TOTP)").fill(world.code("ana-a"))
        page.screenshot(path=str(SHOTS / "01-login.png"))
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("File des alertes (3)")
        page.screenshot(path=str(SHOTS / "02-alerts.png"), full_page=True)

        page.locator(f"#sel-{world.alerts_a[0]}").check()
        page.get_by_label("Trier la sélection").select_option("escalated")
        page.get_by_role("button", name="Trier", exact=True).click()
        expect(page.get_by_role("status")).to_have_text("1 alerte(s) triée(s)")
        row = page.locator("tr", has=page.locator(f"#sel-{world.alerts_a[0]}"))
        expect(row).to_contain_text("Transmise à une enquête")
        page.screenshot(path=str(SHOTS / "03-triaged.png"), full_page=True)

        page.goto(f"{base}/alerts/{world.alerts_a[0]}")
        expect(page.get_by_text("Welch et al. 2022, Sci. Adv.")).to_be_visible()
        page.screenshot(path=str(SHOTS / "04-alert.png"), full_page=True)
        page.get_by_role("link", name="a-alice").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Martinez")
        expect(page.get_by_text("X4", exact=True)).to_be_visible()
        page.screenshot(path=str(SHOTS / "05-entity.png"), full_page=True)

        refused = page.goto(f"{base}/entities/b-bravo")
        assert refused is not None and refused.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Introuvable")
        expect(page.get_by_text("Bravo Star")).to_have_count(0)
        page.screenshot(path=str(SHOTS / "06-refused.png"))

        page.keyboard.press("Tab")  # the skip link comes first and shows when focused
        expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
        browser.close()
    assert [text for text in blocked if "Content Security Policy" in text] == []
