"""The local stack's own AWS calls handed to moto's backends in the calling thread, as moto's mock_aws hands them.

Every call the stack's code makes (the API's, the driver's handlers', the stream pump's) is to the moto server
it runs in the same process. Over a socket, each call also waited on the scheduler twice; handed to the server's
WSGI app instead (2026-12-06), each still paid for what only a server needs: a SigV4 signature (a canonical
request and its HMACs) and a User-Agent rebuilt for every request, werkzeug's environ and request, Flask's
dispatch and CORS, all so that the server can find the service in the signature's scope: a third of a call's
CPU (a GetItem: 1,195 µs that way, 772 µs this way).

`serve_in_process(address)`: botocore's requests from this process to http://`address` go unsigned (but S3's:
moto answers an unsigned object read as an anonymous one's), keep the User-Agent the client built, and at
their last step (`Endpoint._send`) are handed to moto's backend for the endpoint's service as mock_aws's
BotocoreStubber hands them: the URL in AWS's domain (https://<endpoint prefix>.<region>.amazonaws.com with
the same path and query), the same headers and body. moto reads the region from that URL and the account
from the access key (none here: its default account, the one the stack's "local" key maps to as well), so
both ways reach the same resources. Requests to any other address, every client outside this process, and
presigned URLs (signed on their own path) are as before."""
import functools
import re
import sys
from collections.abc import Callable
from io import BytesIO
from urllib.parse import SplitResult, urlsplit

import botocore.endpoint
import botocore.signers
import botocore.useragent
import moto.backend_index as backend_index
import moto.backends as backends
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.base_backend import BackendDict
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse
from moto.core.exceptions import HTTPException
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    Request,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from moto.moto_api import recorder

_addresses: set[str] = set()  # "host:port" of the moto servers this process runs
_unsigned: list[Callable[[SplitResult], bool]] = []  # `sent_unsigned`'s rules
_backends = BotocoreStubber()  # its `process_request` routes by URL (`enabled` is mock_aws's switch, unread there)


def serve_in_process(address: str) -> None:
    """Calls from this process to http://`address` go to moto's backends directly (idempotent)."""
    _addresses.add(address)
    if getattr(botocore.endpoint.Endpoint._send, "in_process", False):
        return
    sent_unsigned(lambda url: url.netloc in _addresses)
    endpoint_send = botocore.endpoint.Endpoint._send

    @functools.wraps(endpoint_send)
    def send(self, request):
        url = urlsplit(request.url)
        region = (request.context or {}).get("client_region")
        if url.netloc not in _addresses or not region:
            return endpoint_send(self, request)
        host = f"{self._endpoint_prefix}.{region}.amazonaws.com"
        if request.method == "POST" and url.path in ("", "/") and not url.query and (handler := _handler(host)):
            status, headers, body = _post(handler, host, request)
        else:
            status, headers, body = _backends.process_request(AWSPreparedRequest(
                request.method, f"https://{host}{url.path or '/'}" + (f"?{url.query}" if url.query else ""),
                request.headers, request.body, request.stream_output, request.context))
        return AWSResponse(request.url, status, headers, MockRawResponse(body))
    send.in_process = True

    botocore.endpoint.Endpoint._send = send


def sent_unsigned(where: Callable[[SplitResult], bool]) -> None:
    """botocore signs every request (SigV4: a canonical request, its HMACs) and rebuilds its User-Agent for each,
    both costing more than moto's work on a GetItem: a request whose URL `where` holds gets neither, for moto
    in this process reads neither (it takes the account from the access key alone, its default when there is
    none). S3's stay signed: moto answers an unsigned object read as an anonymous one's. Presigned URLs are
    signed on a path of their own. Each call adds a rule; the patch is made once."""
    _unsigned.append(where)
    if getattr(botocore.signers.RequestSigner.handler, "unsigned", False):
        return
    sign = botocore.signers.RequestSigner.handler
    rebuild_user_agent = botocore.useragent.UserAgentString.rebuild_and_replace_user_agent_handler

    def handler(self, operation_name=None, request=None, **kwargs):
        if self._signing_name != "s3" and _is_unsigned(request.url):
            return None
        return sign(self, operation_name, request, **kwargs)
    handler.unsigned = True

    def user_agent(self, operation_name, request, **kwargs):
        if not _is_unsigned(request.url):
            rebuild_user_agent(self, operation_name, request, **kwargs)

    botocore.signers.RequestSigner.handler = handler
    botocore.useragent.UserAgentString.rebuild_and_replace_user_agent_handler = user_agent


def _is_unsigned(url: str) -> bool:
    split = urlsplit(url)
    return any(rule(split) for rule in _unsigned)


def served() -> set[str]:
    """The "host:port" addresses whose calls this process answers itself."""
    return _addresses


def stop_serving(address: str) -> None:
    _addresses.discard(address)


@functools.cache
def _handler(host: str):
    """moto's handler of a POST to https://`host`/ (the one URL of the JSON and query protocols), found as
    BotocoreStubber finds it, once per host (the stubber tries every service's pattern on every request):
    the first service whose pattern matches, the default backend's URLs (only to read which goes where),
    the first that matches. None: moto has none."""
    url = f"https://{host}/"
    service = next((service for service, pattern in backend_index.backend_url_patterns if pattern.match(url)), None)
    if service is None:
        return None
    backend_dict = backends.get_backend(service)
    if isinstance(backend_dict, BackendDict):
        accounts = backend_dict[DEFAULT_ACCOUNT_ID]
        backend = accounts["us-east-1"] if "us-east-1" in accounts else accounts["aws"]
    else:
        backend = backend_dict["global"]
    return next((handler for pattern, handler in backend.urls.items() if re.compile(pattern).match(url)), None)


def _post(handler, host: str, request) -> tuple[int, dict, bytes | str]:
    """A POST to https://`host`/ answered by `handler` as the stubber has it answered (its errors included), with
    moto's request built from the WSGI environ werkzeug's EnvironBuilder makes of it (`test_loopback` compares
    the two), not by the builder: it was a fifth of each call's time in moto."""
    url = f"https://{host}/"
    moto_request = Request(environ(host, request.headers, request.body))
    recorder._record_request(moto_request)
    try:
        return handler(moto_request, url, moto_request.headers)
    except HTTPException as error:
        return error.code, error.get_headers(), error.get_body()


def environ(host: str, headers, body) -> dict:
    """The WSGI environ of a POST of `body` to https://`host`/ with `headers`, as moto's
    `Request.from_primitives` builds it through werkzeug's EnvironBuilder."""
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode()
    result = {"REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": "/", "QUERY_STRING": "", "REQUEST_URI": "/",
              "RAW_URI": "/", "SERVER_NAME": host, "SERVER_PORT": "443", "HTTP_HOST": host,
              "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "https",
              "wsgi.input": BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
              "wsgi.multiprocess": False, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body))}
    combined: dict[str, list[str]] = {}
    for name, value in headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            result["CONTENT_TYPE"] = value
        elif key not in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            combined.setdefault(f"HTTP_{key}", []).append(value)
    result.update((key, ", ".join(values)) for key, values in combined.items())
    result[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {environ_key_for_header(name): name for name in headers
                                                  if should_preserve_original_header_name(name)}
    return result
