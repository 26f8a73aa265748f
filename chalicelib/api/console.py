"""GET /console: the dispatcher console's shell, and its assets under /console/<version>/. Public, like any
page: every datum it shows comes from the API with the signed-in user's bearer token (docs/api.md). The
technician's app (api/tech.py) is served the same way, through the functions here."""
import os
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from .. import console, webapp
from ..config import environment

bp = Blueprint(__name__)
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def sign_in(app: str, **more) -> dict:
    """Local stage: pick a demo user (GET /dev/demo). Deployed: Cognito's hosted sign-in with PKCE."""
    if environment().stage == "local":
        return {"mode": "local", "app": app, **more}
    return {"mode": "cognito", "app": app, "domain": os.environ.get("COGNITO_DOMAIN", ""),
            "client_id": os.environ.get("CONSOLE_CLIENT_ID", ""), **more}


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" and parts.netloc else None


def serve_shell(app: webapp.WebApp, config: dict, photos_origin: str | None = None) -> Response:
    return Response(body=app.page("index.html", config), status_code=200, headers={
        **COMMON, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
        "Content-Security-Policy": webapp.policy(_origin(config.get("domain", "")), photos_origin)})


def serve_asset(app: webapp.WebApp, version: str, name: str) -> Response:
    found = app.asset(name) if version == app.version() else None
    if found is None:  # an old version's asset: the shell names the current one
        return Response(body={"error": {"code": "not_found", "message": "no such asset"}}, status_code=404,
                        headers={**COMMON, "Content-Type": "application/json", "Cache-Control": "no-store"})
    content, kind = found
    return Response(body=content if kind == "image/png" else content.decode(), status_code=200, headers={
        **COMMON, "Content-Type": kind, "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Security-Policy": webapp.policy(None)})


@bp.route("/console", methods=["GET"])
def shell():
    from .. import bootstrap
    from ..services import notes
    return serve_shell(console.APP, sign_in("console"), notes.photos_origin(bootstrap.repos()))  # the job's photos


@bp.route("/console/{version}/{name}", methods=["GET"])
def asset(version: str, name: str):
    return serve_asset(console.APP, version, name)
