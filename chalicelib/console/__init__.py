"""The dispatcher console: a single-page app of plain ES modules (chalicelib/webapp.py says how it is served)."""
from pathlib import Path

from ..webapp import TYPES, WebApp, policy  # noqa: F401 - the console's serving names them here

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
# The vendored library, as taken from the npm registry (`npm pack htm@3.1.1`, its preact/standalone.module.js:
# htm with the Preact it is built against, hooks included): tests/browser/test_console.py checks this hash.
VENDORED = {"htm-preact-3.1.1.js": "72284e8e9079c87817145df1110f74e8a2aa040b2fc384922e18dfcb46fc1fd7"}
APP = WebApp(HERE)
assets, version, asset = APP.assets, APP.version, APP.asset


def shell(config: dict) -> str:
    return APP.page("index.html", config)
