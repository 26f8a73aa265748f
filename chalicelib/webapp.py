"""What the web apps (the console at /console, the technician's app at /tech) share: plain ES modules, HTML and
CSS shipped in the package (no build step, no CDN), clients of the documented API only. An app's assets are
served under one content hash of them all (/<app>/<hash>/<name>), so a module's relative imports stay versioned
and cacheable for good; the shell (/<app>) is never cached and names the hash. Read once per container."""
import hashlib
import html
import json
from functools import cache
from pathlib import Path

TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png"}


class WebApp:
    """One app: its index.html and static/ under `here`, plus the named files it shares from another's."""

    def __init__(self, here: Path, shared_from: Path | None = None, shared: tuple[str, ...] = ()) -> None:
        self.here, self.static = here, here / "static"
        self.shared = {name: shared_from / name for name in shared} if shared_from else {}

    @cache  # noqa: B019 - one instance per app, for the process's life
    def assets(self) -> dict[str, bytes]:
        own = {p.name: p for p in self.static.iterdir() if p.suffix in TYPES}
        return {name: path.read_bytes() for name, path in sorted((self.shared | own).items())}

    @cache  # noqa: B019
    def version(self) -> str:
        digest = hashlib.sha256()
        for name, content in self.assets().items():
            digest.update(name.encode() + b"\0" + content + b"\0")
        return digest.hexdigest()[:16]

    def asset(self, name: str) -> tuple[bytes, str] | None:
        content = self.assets().get(name)
        return None if content is None else (content, TYPES[Path(name).suffix])

    def page(self, name: str, config: dict | None = None) -> str:
        """A file of the app (index.html, sw.js) with the assets' version, their names and the sign-in
        configuration (in the shell: a <meta> tag, no inline script)."""
        text = (self.here / name).read_text().replace("{{version}}", self.version())
        text = text.replace("{{assets}}", json.dumps(sorted(self.assets())))
        return text.replace("{{config}}", html.escape(json.dumps(config or {}), quote=True))


def policy(sign_in_origin: str | None, photos_origin: str | None = None) -> str:
    """Our own scripts, styles and API only (the hosted sign-in's token endpoint besides, when deployed; the
    photos bucket's presigned URLs for an app that uploads and shows photos)."""
    connect = " ".join(["'self'", *(o for o in (sign_in_origin, photos_origin) if o)])
    images = " ".join(["'self'", "data:", *([photos_origin] if photos_origin else [])])
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; connect-src {connect}; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
