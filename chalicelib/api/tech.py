"""GET /tech: the technician's web app (shell, assets under /tech/<version>/, its manifest and its service
worker), served like the console (api/console.py). The service worker lives at /tech/sw.js, never cached by
the browser's HTTP cache, so that a new version of the assets installs a new worker; it may control /tech."""
from chalice import Blueprint, Response

from .. import bootstrap, tech, webapp
from .console import COMMON, serve_asset, serve_shell, sign_in

bp = Blueprint(__name__)
FRESH = {**COMMON, "Cache-Control": "no-cache", "Content-Security-Policy": webapp.policy(None)}


@bp.route("/tech", methods=["GET"])
def shell():
    # The token is kept on the device (localStorage): an installed app reopens signed in, offline too. Photos go
    # to and come from the bucket by presigned URLs: its origin is allowed.
    from ..services import notes
    return serve_shell(tech.APP, sign_in("tech", role="technician", keep="device"),
                       notes.photos_origin(bootstrap.repos()))


@bp.route("/tech/sw.js", methods=["GET"])
def service_worker():
    return Response(body=tech.APP.page("sw.js"), status_code=200, headers={
        **FRESH, "Content-Type": "text/javascript; charset=utf-8", "Service-Worker-Allowed": "/"})


@bp.route("/tech/manifest.webmanifest", methods=["GET"])
def manifest():
    return Response(body=tech.APP.page("manifest.webmanifest"), status_code=200,
                    headers={**FRESH, "Content-Type": "application/manifest+json"})


@bp.route("/tech/{version}/{name}", methods=["GET"])
def asset(version: str, name: str):
    return serve_asset(tech.APP, version, name)
