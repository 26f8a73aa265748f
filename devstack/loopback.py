"""The local stack's own AWS calls handed to the emulator in the calling thread, not through a socket.

Every call the stack's code makes (the API's, the driver's handlers', the stream pump's) went to the moto
server it runs in the same process: botocore opened a loopback connection, moto's threaded server started a
thread for it, parsed the HTTP request, ran the same WSGI app, and botocore parsed the HTTP answer. On a
2-core machine with other work on it, each call also waited for the scheduler twice (the server's thread
woken by the request, the caller woken by the answer): most of a status change's way to its text.

`serve_in_process` registers the server's WSGI app under its address; botocore's last step, sending the
signed request, then calls that app with the request as a WSGI environ (as moto's request handler builds
it) and hands botocore the status, headers and body the app answered: the same bytes as over the socket.
Everything before (serialization, signing) and after (parsing the answer) is botocore's own. Requests to
any other address, and every client outside this process, still go through the socket."""
import functools
from io import BytesIO
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse
from botocore.httpsession import URLLib3Session
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from werkzeug.test import EnvironBuilder, run_wsgi_app

_apps: dict[str, object] = {}  # "host:port" → the WSGI app the server there runs
botocore_send = URLLib3Session.send


class _Body(BytesIO):
    """An answer's body as botocore reads a urllib3 response: whole (`stream`) or in parts (`read`)."""

    def stream(self, **_):
        if chunk := self.read():
            yield chunk


def serve_in_process(address: str, app) -> None:
    """Calls from this process to http://`address` go to `app` directly (idempotent)."""
    _apps[address] = app
    if getattr(URLLib3Session.send, "in_process", False):
        return

    @functools.wraps(botocore_send)
    def send(self, request):
        url = urlsplit(request.url)
        app = _apps.get(url.netloc)
        if app is None:
            return botocore_send(self, request)
        status, headers, body = _call(app, url, request)
        return AWSResponse(request.url, status, headers, _Body(body))
    send.in_process = True
    URLLib3Session.send = send


def stop_serving(address: str) -> None:
    _apps.pop(address, None)


def _call(app, url, request) -> tuple[int, list[tuple[str, str]], bytes]:
    body = request.body
    if hasattr(body, "read"):  # a streamed upload: the socket would have carried all of it
        body = body.read()
    headers = [(name, value.decode() if isinstance(value, bytes) else value) for name, value in request.headers.items()]
    # werkzeug's server drops every header spelled with an underscore; moto's handler puts some back (below)
    environ = EnvironBuilder(method=request.method, base_url=f"{url.scheme}://{url.netloc}", path=url.path,
                             query_string=url.query, headers=[h for h in headers if "_" not in h[0]],
                             data=body or b"").get_environ()
    _preserve_underscored_names(environ, headers)
    app_iter, status, answer = run_wsgi_app(app, environ, buffered=True)
    try:
        content = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    return int(status.split(" ", 1)[0]), list(answer.items()), content


def _preserve_underscored_names(environ: dict, headers: list[tuple[str, str]]) -> None:
    """What moto's request handler adds to werkzeug's environ (moto_server/werkzeug_app.MotoRequestHandler):
    a header spelled with an underscore (an S3 metadata key) keeps its spelling, never standing in for a
    dashed one."""
    dashed = {environ_key_for_header(name) for name, _ in headers if "_" not in name}
    names: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if not should_preserve_original_header_name(name):
            continue
        key = environ_key_for_header(name)
        if key in dashed:
            continue
        names.setdefault(key, name)
        values.setdefault(key, []).append(value.replace("\r\n", ""))
    for key, key_values in values.items():
        environ[key] = ",".join(key_values)
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names
