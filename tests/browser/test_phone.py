"""On a phone (390 x 844 px): the menu folds away, the tables stack, the page's heading is in view.

Issue 12 §6. Before, the header and the menu took 384 px of the AF's 844 (the heading started at
416 px) and the inbox and the dossier list were wider than the screen, their step columns out of
sight. Now the menu is a native <details> ("Menu", opened with Enter like any button, no JavaScript
needed), the data tables are cards with each value under its column's name, and on a wide screen
both look as before.
"""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
# Header and folded menu together, at most (they were 384 px for the AF).
HEADER_LIMIT_PX = 180

MEASURE = """() => {
  const nav = document.querySelector('nav.haven-nav').getBoundingClientRect();
  const heading = document.querySelector('main h1').getBoundingClientRect();
  return {header: document.querySelector('header').getBoundingClientRect().height, menuBottom: nav.bottom,
          headingTop: heading.top, headingBottom: heading.bottom,
          sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""

# Every body cell of the page's data tables: its label, whether it shows, and its right edge.
CELLS = """() => [...document.querySelectorAll('main table[data-haven-stack] > tbody > tr > td')].map(td => {
  const box = td.getBoundingClientRect();
  return {label: td.dataset.label || '', text: td.innerText.trim(), right: box.right, left: box.left,
          shown: box.width > 0 && box.height > 0,
          before: getComputedStyle(td, '::before').content};
})"""

HEADERS = """() => [...document.querySelectorAll('main table[data-haven-stack] > thead th')]
  .map(th => th.innerText.trim())"""


def _signed_in(new_page, live_server, username: str, size: dict):
    page = new_page()
    page.set_viewport_size(size)
    login(page, live_server, username)
    return page


def test_on_a_phone_the_menu_is_folded_and_opens_with_the_keyboard(transactional_db, cast, live_server, new_page):
    page = _signed_in(new_page, live_server, "af", PHONE)
    page.goto(f"{live_server.url}{reverse('meldcode:inbox')}")
    menu = page.locator("nav.haven-nav details.haven-nav__menu")
    button = page.locator("#haven-menu-button")
    dossiers = page.locator(f"nav.haven-nav a[href='{reverse('meldcode:case_list')}']")
    expect(button).to_be_visible()
    expect(dossiers).to_be_hidden()
    measured = page.evaluate(MEASURE)
    print(
        f"\nphone, AF, inbox: header {measured['header']:.0f} px, header and menu {measured['menuBottom']:.0f} px, "
        f"heading at {measured['headingTop']:.0f} px (before: 384 px and 416 px)"
    )
    assert measured["menuBottom"] <= HEADER_LIMIT_PX, measured
    assert measured["headingBottom"] <= PHONE["height"] / 3, "the page's heading is high in the first screen"
    assert measured["sideways"] <= 0
    screenshot(page, "phone/menu-folded-390", full_page=False)

    # From the top of the page with Tab only: the button is reached, Enter opens it, Tab goes into it.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _press in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "haven-menu-button":
            break
    else:
        raise AssertionError("Tab never reached the menu button")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    expect(dossiers).to_be_visible()
    expect(page.locator("nav.haven-nav a[aria-current='page']")).to_have_attribute("href", reverse("meldcode:inbox"))
    screenshot(page, "phone/menu-open-390", full_page=False)
    page.keyboard.press("Tab")
    first = page.locator("nav.haven-nav li a").first
    expect(first).to_be_focused()
    dossiers.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('meldcode:case_list')}")
    # On the new page the menu is folded again and says where the user is.
    expect(page.locator(f"nav.haven-nav a[href='{reverse('meldcode:case_list')}']")).to_be_hidden()
    expect(page.locator("#haven-menu-button .haven-nav__current")).to_be_visible()
    # Space folds it as well as Enter opens it.
    page.locator("#haven-menu-button").focus()
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Space")
    expect(menu).not_to_have_attribute("open", "")


def test_without_javascript_the_menu_folds_and_opens_too(transactional_db, cast, live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="nl-NL")
    try:
        page = context.new_page()
        login(page, live_server, "teacher")
        page.goto(f"{live_server.url}{reverse('home')}")
        link = page.locator(f"nav.haven-nav a[href='{reverse('meldcode:signal_create')}']")
        expect(link).to_be_hidden()
        page.locator("#haven-menu-button").click()
        expect(link).to_be_visible()
        link.click()
        page.wait_for_url(f"**{reverse('meldcode:signal_create')}")
    finally:
        context.close()


def test_on_a_phone_the_inbox_and_the_dossier_list_show_every_column(transactional_db, cast, live_server, new_page):
    cast.signal("teacher")
    cast.signal("teacher2", pupil=cast.sibling)
    cast.case(author="teacher")
    cast.case(author="teacher2", pupil=cast.sibling)
    page = _signed_in(new_page, live_server, "af", PHONE)
    for name, shot in (("meldcode:inbox", "inbox"), ("meldcode:case_list", "dossiers")):
        page.goto(f"{live_server.url}{reverse(name)}")
        headers = [header for header in page.evaluate(HEADERS) if header]
        cells = page.evaluate(CELLS)
        assert len(headers) >= 4 and cells, (name, headers, cells)
        rows = len(cells) // len(headers)
        assert rows >= 2, (name, cells)
        for cell in cells:
            assert cell["label"] in headers, (name, cell)
            assert cell["shown"] and cell["left"] >= 0 and cell["right"] <= PHONE["width"], (name, cell)
            assert cell["label"] in cell["before"], (name, cell)  # the column's name is shown beside the value
        # Every column of every row is there: each header labels one cell per row.
        assert sorted(cell["label"] for cell in cells) == sorted(headers * rows), (name, headers, cells)
        assert page.evaluate(MEASURE)["sideways"] <= 0, name
        # The header row stays for screen readers, out of sight.
        assert page.locator("main table[data-haven-stack] > thead").first.bounding_box()["height"] <= 1
        screenshot(page, f"phone/{shot}-390")


def test_on_a_wide_screen_the_menu_and_the_tables_are_as_before(transactional_db, cast, live_server, new_page):
    cast.case(author="teacher")
    page = _signed_in(new_page, live_server, "af", WIDE)
    page.goto(f"{live_server.url}{reverse('meldcode:case_list')}")
    expect(page.locator("#haven-menu-button")).to_be_hidden()
    expect(page.locator(f"nav.haven-nav a[href='{reverse('meldcode:inbox')}']")).to_be_visible()
    nav = page.locator("nav.haven-nav").bounding_box()
    assert nav["height"] < 60, nav  # one row of links
    row = page.locator("main table[data-haven-stack] > tbody > tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    expect(page.locator("main table[data-haven-stack] > thead")).to_be_visible()
    screenshot(page, "phone/dossiers-1280")
