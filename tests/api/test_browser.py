"""The page in headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): load,
filter by topic, open a story, see a live update arrive over SSE, take a screenshot.

Skipped when /usr/bin/chromium (or the driver, or selenium) is missing; CI installs them with
``apt-get install -y chromium chromium-driver`` and ``pip install selenium``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dedupe import DedupeConfig
from storage.connection import Store
from storage.story_index import StoryIndex
from tests.api.builders import Ingested, add_article, load_fixture

CHROMIUM = "/usr/bin/chromium"
WAIT = 60  # generous: a loaded CI machine must not fail on time

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium chromium-driver)", allow_module_level=True)
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not os.path.exists(DRIVER):
    pytest.skip("chromedriver is absent (apt-get install -y chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1200,1400", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=DRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def card_ids(driver: Any) -> list[str]:
    return [c.get_attribute("data-story") for c in driver.find_elements(By.CSS_SELECTOR, "#stories article.card")]


def test_page_in_chromium(browser: Any, live_url: str, store: Store, ingested: Ingested, tmp_path: Path) -> None:
    wait = WebDriverWait(browser, WAIT)
    browser.get(live_url + "/")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#stories article.card")))
    assert sorted(card_ids(browser)) == sorted(ingested.stories.values())
    assert browser.execute_script("return window.__xss === undefined && !document.querySelector('#stories img')")

    # Filter by topic: click its chip.
    browser.find_element(By.CSS_SELECTOR, ".topic-chip[data-topic='energy']").click()
    wait.until(ec.url_contains("topic=energy"))
    energy = {ingested.stories[s["key"]] for s in load_fixture() if "energy" in s["topics"]}
    wait.until(lambda d: set(card_ids(d)) == energy)
    browser.find_element(By.CSS_SELECTOR, ".topic-chip[data-topic='']").click()
    wait.until(lambda d: len(card_ids(d)) == len(ingested.stories))

    # Open a story in place: its articles and timeline appear inside the card.
    grain = ingested.stories["grain"]
    browser.find_element(By.CSS_SELECTOR, f"#story-{grain} a.open").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f"#story-{grain} .detail ol.articles li")))
    rows = browser.find_elements(By.CSS_SELECTOR, f"#story-{grain} .detail ol.articles li")
    assert len(rows) == 4
    assert len(browser.find_elements(By.CSS_SELECTOR, f"#story-{grain} svg circle")) == 4

    # Live: a new outlet joins another story; its card moves to the top without a reload.
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#live.on")))
    refugees = ingested.stories["refugees"]
    text = next(s for s in load_fixture() if s["key"] == "refugees")["text"]
    add_article(StoryIndex(store, DedupeConfig()), source="relief-wire", title="Thousands flee",
                text=text + " Relief Wire.", published=ingested.last_now, topics=("sahel",),
                now=ingested.last_now + 60)
    wait.until(lambda d: card_ids(d)[:1] == [refugees])
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, f"#story-{refugees} .count"), "2 outlets"))
    assert browser.find_elements(By.CSS_SELECTOR, f"#story-{grain} .detail ol.articles li")  # still open

    shots = [tmp_path / "wirewatch-page.png", tmp_path / "wirewatch-story.png"]
    browser.save_screenshot(str(shots[0]))
    browser.get(f"{live_url}/story/{grain}")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.track circle")))
    browser.save_screenshot(str(shots[1]))
    assert all(shot.stat().st_size > 10_000 for shot in shots)
    keep = os.environ.get("WIREWATCH_SCREENSHOT_DIR")  # to look at them after the run
    if keep:
        for shot in shots:
            shutil.copy(shot, keep)
