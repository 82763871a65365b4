"""The layout for keyboard users and small phones."""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(), tag: document.activeElement.tagName})"
    )
    assert focused == {"text": "Aller au contenu", "tag": "A"}
    skip_link = page.locator("a.skip-link")
    box = skip_link.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1 and box["y"] >= 0, "the focused skip link must be visible"

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    # The next Tab continues from the content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize(
    ("path", "logged_in"),
    [("/", False), ("/", True), ("/espace/", True)],
    ids=["home-visitor", "home-member", "dashboard"],
)
def test_small_phone_has_no_horizontal_scrolling(open_browser, charter, path, logged_in):
    session = open_browser(viewport=SMALL_PHONE)
    if logged_in:
        # Every role, staff included: the longest header (Journal) and every section of the dashboard.
        member = UserFactory(apprentice=True, compagnon=True, client=True, formateur=True, first_name="Maximilienne")
        session.log_in(member)
    page = session.page
    response = page.goto(path)
    assert response.ok and page.url.endswith(path), f"{path}: {response.status} at {page.url}"
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= SMALL_PHONE["width"], f"{path}: {scroll_width}px wide for a {client_width}px screen"
    assert_accessible(page)
