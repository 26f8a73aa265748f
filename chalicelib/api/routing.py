"""One decorator per operation: it authenticates, validates the body and query with Pydantic,
runs the view, and records the operation for the OpenAPI document.

An operation names its models ("jobs_schemas.CancelIn": a module of this package, then the class) instead of
importing them: registering every route at a cold start then imports neither Pydantic nor ~100 model
classes; the first request that validates with a model, or the OpenAPI document, imports its module."""
import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, CognitoUserPoolAuthorizer, Response

from .. import bootstrap
from ..domain.errors import DomainError, NotFound, ValidationError
from ..domain.ids import MAX_ID
from ..domain.people import Role
from ..services.access import Caller, authenticate
from .errors import from_domain, parse_json

if TYPE_CHECKING:
    from pydantic import BaseModel

ModelName = str  # "<module of chalicelib.api>.<class>", or the class itself

# API Gateway verifies the token; the ARN is replaced by the user pool's in the merge template.
authorizer = CognitoUserPoolAuthorizer(
    "onmyway-users", provider_arns=["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_replaced"])


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    roles: tuple[Role, ...]
    body: ModelName | None
    query: ModelName | None
    response: ModelName | None
    status: int
    public: bool
    name: str = field(default="")
    media: str | None = None  # a response that is not JSON (the calendar file): its content type
    idempotent: bool = False  # takes an Idempotency-Key header (api/once.py)


OPERATIONS: list[Operation] = []


@dataclass
class Call:
    """What a view gets: the caller, the validated body and query, and `If-Match`."""
    caller: Caller | None
    body: Any
    query: Any
    if_match: int | None
    request: Any


def model(name: "ModelName | type[BaseModel] | None") -> "type[BaseModel] | None":
    """The model an operation names, its module imported on first use."""
    if not isinstance(name, str):
        return name
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(f"{__package__}.{module}"), cls)


def _validated(name: ModelName, data: Any, where: str) -> "BaseModel":
    from pydantic import ValidationError as PydanticError

    if not isinstance(data, dict):
        raise ValidationError(where, "must be a JSON object")
    try:
        return model(name).model_validate(data)
    except PydanticError as e:
        first = e.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or where
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "is not a field of this request"
        elif first["input"] is None and first["type"] != "missing":
            message = "cannot be null"
        raise ValidationError(name, message) from None


def _if_match(headers) -> int | None:
    raw = headers.get("if-match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not re.fullmatch(r"[0-9]{1,18}", value):  # str.isdigit() takes "²", which int() refuses
        raise ValidationError("If-Match", "must be the version number of the record")
    return int(value)


def _known_ids(params: dict[str, str]) -> None:
    """An id in the path longer than any id issued is not found, without asking DynamoDB (which refuses a
    key over 2 KB with an error)."""
    for name, value in params.items():
        if len(value) > MAX_ID:
            raise NotFound("queue" if name == "name" else name.removesuffix("_id"))


def _claims(request) -> tuple[str | None, str | None]:
    claims = ((request.context or {}).get("authorizer") or {}).get("claims") or {}
    return claims.get("custom:org_id"), claims.get("sub")


def endpoint(bp: Blueprint, method: str, path: str, summary: str, *, roles: tuple[Role, ...] = (),
             body: ModelName | None = None, query: ModelName | None = None, response: ModelName | None = None,
             status: int = 200, public: bool = False, idempotent: bool = False) -> Callable:
    def register(view: Callable) -> Callable:
        OPERATIONS.append(Operation(method, path, summary, roles, body, query, response, status, public,
                                    view.__name__, idempotent=idempotent))

        @functools.wraps(view)
        def handler(**params):
            try:
                return respond(**params)
            except DomainError as e:
                return from_domain(e)

        def respond(**params):
            request = bp.current_request
            caller = None if public else authenticate(bootstrap.repos(), *_claims(request))
            if caller and roles:
                caller.require(*roles)
            _known_ids(params)
            call = Call(
                caller=caller,
                body=_validated(body, parse_json(request.raw_body), "body") if body else None,
                query=_validated(query, dict(request.query_params or {}), "query") if query else None,
                if_match=_if_match(request.headers),
                request=request,
            )
            if idempotent:  # the first answer to this Idempotency-Key, if any (api/once.py)
                from .once import first_answer
                result = first_answer(request, bp.lambda_context, caller, f"{method} {path} {sorted(params.items())}",
                                      lambda: view(call, **params))
            else:
                result = view(call, **params)
            if isinstance(result, Response):
                return result
            return Response(body=result if result is not None else "", status_code=status,
                            headers={"Content-Type": "application/json"} if result is not None else {})

        bp.route(path, methods=[method], authorizer=None if public else authorizer)(handler)
        return view
    return register
