"""A real browser for the customer's pages: Playwright (PyPI) driving Debian's Chromium at a phone's size.
No browser download: without Chromium these tests fail and say how to install it."""
import shutil

import pytest

PHONE = {"width": 390, "height": 844}
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
