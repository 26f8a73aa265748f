"""A real browser for the customer's pages: Playwright (PyPI) driving Debian's Chromium at a phone's size.
No browser download: without Chromium these tests fail and say how to install it."""
import shutil

import pytest

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MISSING = ("Chromium is not installed: run `apt-get install -y chromium` as root (`make test` does it when run as "
           "root), then run the tests again")


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(MISSING)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="en-US")
    yield context.new_page()
    context.close()


def serious_violations(page) -> list[str]:
    """What axe-core finds at the serious or critical level on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def photos_origin(base: str, app: str) -> str:
    """The one origin besides the API's that a web app's shell lets it talk to and show images from: the photos
    bucket's presigned URLs."""
    import re
    import urllib.request
    with urllib.request.urlopen(f"{base}/{app}", timeout=30) as r:
        policy = r.headers["Content-Security-Policy"]
    (origin,) = re.search(r"connect-src 'self' (\S+);", policy).groups()
    assert f"img-src 'self' data: {origin};" in policy
    return origin


@pytest.fixture(scope="module")
def stack():
    """`make run`'s whole stack, one per test module (a module's tests build on each other's work)."""
    from tests.stack.test_local_stack import start, stop
    base, process = start()
    yield base
    stop(process)


def console_page(browser, base, viewport):
    """A page that records every request it makes: each test ends by checking that none left our origin."""
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    foreign: list[str] = []
    ours = (base + "/", "data:", photos_origin(base, "console") + "/")  # the API, and the bucket's presigned URLs
    page.on("request", lambda r: None if r.url.startswith(ours) else foreign.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert foreign == [], f"requests to another origin: {foreign}"
    assert errors == [], f"script errors: {errors}"


@pytest.fixture
def desk(browser, stack):
    """The console at a desk's size (1280x800)."""
    yield from console_page(browser, stack, DESK)
