"""The case workspace in a real browser (Chromium through Playwright): escalate an alert
to the case from its page, open the case from the navigation, see its members and the
escalated alert, open the printable report. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import test_web_browser as web_browser

from filet.store import Workspace
from web_support import World, chromium_page, seed_world, sign_in

pytestmark = web_browser.pytestmark  # slow, and skipped without Chromium
SHOTS = web_browser.SHOTS


@pytest.fixture
def world(sqlite_workspace: Workspace, tmp_path: Path) -> Iterator[World]:
    yield seed_world(sqlite_workspace, tmp_path)


def test_escalate_then_open_the_case_and_its_report(world: World) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(world, web_browser.CHROMIUM, web_browser.ARGS) as (page, base, messages):
        sign_in(page, base, world, "chef-a")
        page.goto(f"{base}/alerts/{world.alerts_a[0]}")
        page.get_by_label("Transmettre à l'affaire").select_option("case-a")
        page.get_by_role("button", name="Transmettre à l'affaire").click()
        expect(page.get_by_role("link", name="case-a")).to_be_visible()

        page.get_by_role("link", name="Affaires").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes affaires (1)")
        page.get_by_role("link", name="case-a").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("case-a")
        accounts = page.locator("#members tbody td:first-child")
        expect(accounts).to_have_text(["ana-a", "chef-a", "svc-a"])
        alerts = page.locator("#alerts")
        expect(alerts.get_by_role("link", name="Silence AIS de 7 h (a-alice)")).to_be_visible()
        expect(page.get_by_role("link", name="Dossier coffre")).to_have_count(0)
        page.screenshot(path=str(SHOTS / "20-case.png"), full_page=True)

        page.get_by_role("link", name="Rapport imprimable").click()
        expect(page.locator("ul.evidence")).to_have_text("ais_positions · ds-a.ftm.jsonl:1")
        expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator("header.topbar")).to_be_hidden()
        page.screenshot(path=str(SHOTS / "21-case-report-print.png"), full_page=True)
    assert [text for text in messages if "Content Security Policy" in text] == []
