"""The customer's pages: sandboxed Jinja2 templates, one stylesheet and one small script shipped in the
package (no CDN, no build step). Everything here is read lazily and kept for the container's life."""
import secrets
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ASSETS = {"page.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}


@cache
def _env():
    from jinja2 import FileSystemLoader, select_autoescape  # on the first page view, not at cold start
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    return ImmutableSandboxedEnvironment(loader=FileSystemLoader(HERE / "templates"),
                                         autoescape=select_autoescape(default=True), trim_blocks=True,
                                         lstrip_blocks=True)


@cache
def asset(name: str) -> bytes | None:
    return (HERE / "static" / name).read_bytes() if name in ASSETS else None


def render(template: str, **values) -> tuple[str, str]:
    """The HTML and the Content-Security-Policy that lets exactly it run: our own script and stylesheet,
    one inline <style> for the brand colour (by nonce), the logo's and the technician photo's origins, and nothing
    else."""
    nonce = secrets.token_urlsafe(12)
    html = _env().get_template(template).render(nonce=nonce, form_nonce=secrets.token_urlsafe(12), **values)
    page = values.get("page")
    shown = {_origin(url) for url in (getattr(page, "logo_url", None), getattr(page, "technician_photo_url", None))
             if url}
    images = " ".join(["'self'", *sorted(shown)])
    policy = (f"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src {images}; "
              "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    return html, policy


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
