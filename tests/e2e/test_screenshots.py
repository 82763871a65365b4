"""Screenshots of the public face, for people to look at: the home page, the directory and a mini-site of the demo
world, on a small phone (360 px) and on a desk (1280 px), as full-page PNGs in var/screenshots/ (not in Git).

They are artefacts of the run, not compared to anything; the test only checks the pages are whole (no sideways
scrolling on the phone) and accessible, and that each picture was written."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_positioning import shipped_referentiel  # noqa: F401
from tests.e2e.test_small_screens import demo_world, files  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
WIDTHS = {"phone": {"width": 360, "height": 740}, "desk": {"width": 1280, "height": 800}}


def shoot(page, name: str, width: str) -> None:
    page.wait_for_load_state("networkidle")
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name}: {scroll_width}px wide for a {inner_width}px screen"
    assert_accessible(page)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_home_the_directory_and_a_mini_site(open_browser, demo_world, width):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_browser(viewport=WIDTHS[width]).page
    page.goto("/")
    shoot(page, "home", width)
    page.goto("/annuaire/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, "directory", width)
    page.locator("main a[href^='/c/']").first.click()
    expect(page).to_have_url(re.compile(r"/c/[\w-]+/$"))
    shoot(page, "mini-site", width)
