"""The dispatcher console: a single-page app of plain ES modules, HTML and CSS shipped in the package (no
build step, no CDN), a client of the documented API only. Its assets are served under one content hash
of them all (/console/<hash>/<name>), so a module's relative imports stay versioned and cacheable for
good; the shell (/console) is never cached and names the hash. Read once per container."""
import hashlib
import html
import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml"}
# The vendored library, as taken from the npm registry (`npm pack htm@3.1.1`, its preact/standalone.module.js:
# htm with the Preact it is built against, hooks included): tests/browser/test_console.py checks this hash.
VENDORED = {"htm-preact-3.1.1.js": "72284e8e9079c87817145df1110f74e8a2aa040b2fc384922e18dfcb46fc1fd7"}


@cache
def assets() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(STATIC.iterdir()) if p.suffix in TYPES}


@cache
def version() -> str:
    digest = hashlib.sha256()
    for name, content in assets().items():
        digest.update(name.encode() + b"\0" + content + b"\0")
    return digest.hexdigest()[:16]


def asset(name: str) -> tuple[bytes, str] | None:
    content = assets().get(name)
    return None if content is None else (content, TYPES[Path(name).suffix])


def policy(sign_in_origin: str | None) -> str:
    """Our own scripts, styles and API only (the hosted sign-in's token endpoint besides, when deployed)."""
    connect = "'self'" + (f" {sign_in_origin}" if sign_in_origin else "")
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {connect}; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def shell(config: dict) -> str:
    """index.html with the assets' version and the sign-in configuration (a <meta> tag: no inline script)."""
    text = (HERE / "index.html").read_text()
    return text.replace("{{version}}", version()).replace("{{config}}", html.escape(json.dumps(config), quote=True))
