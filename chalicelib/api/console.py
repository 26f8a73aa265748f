"""GET /console: the dispatcher console's shell, and its assets under /console/<version>/. Public, like any
page: every datum it shows comes from the API with the signed-in user's bearer token (docs/api.md)."""
import os
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from .. import console
from ..config import environment

bp = Blueprint(__name__)
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _sign_in() -> dict:
    """Local stage: pick a demo user (GET /dev/demo). Deployed: Cognito's hosted sign-in with PKCE."""
    if environment().stage == "local":
        return {"mode": "local"}
    return {"mode": "cognito", "domain": os.environ.get("COGNITO_DOMAIN", ""),
            "client_id": os.environ.get("CONSOLE_CLIENT_ID", "")}


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" and parts.netloc else None


@bp.route("/console", methods=["GET"])
def shell():
    config = _sign_in()
    return Response(body=console.shell(config), status_code=200, headers={
        **COMMON, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
        "Content-Security-Policy": console.policy(_origin(config.get("domain", "")))})


@bp.route("/console/{version}/{name}", methods=["GET"])
def asset(version: str, name: str):
    found = console.asset(name) if version == console.version() else None
    if found is None:  # an old version's asset: the shell names the current one
        return Response(body={"error": {"code": "not_found", "message": "no such console asset"}}, status_code=404,
                        headers={**COMMON, "Content-Type": "application/json", "Cache-Control": "no-store"})
    content, kind = found
    return Response(body=content.decode(), status_code=200, headers={
        **COMMON, "Content-Type": kind, "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Security-Policy": console.policy(None)})
