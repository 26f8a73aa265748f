"""GET /openapi.json: the OpenAPI 3.1 document, generated from the routes and their Pydantic models (imported
with the document's first request)."""
import re
from functools import cache

from chalice import Blueprint

from .routing import OPERATIONS, Call, endpoint, model

bp = Blueprint(__name__)
REF = "#/components/schemas/{model}"
ERRORS = {"400": "invalid input (validation_error, naming the field)", "401": "no or bad token",
          "403": "not allowed", "404": "not found or not visible", "409": "invalid_transition or version_conflict"}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$"},
                   "description": "a repeat with the same key answers what the first request answered and applies "
                                  "nothing twice; the same key with another body → 400"}
LISTED = {"GET"}  # list operations answer {items, next_token}


def _list_of(ref: dict) -> dict:
    return {"type": "object", "required": ["items", "next_token"],
            "properties": {"items": {"type": "array", "items": ref},
                           "next_token": {"type": ["string", "null"]}}}


@cache
def document() -> dict:
    from pydantic.json_schema import models_json_schema  # with the first request for the document

    from .schemas import ErrorOut

    # Requests are described as they are validated, responses as they are serialized (with aliases: `from`).
    requests = {(model(op.body), "validation") for op in OPERATIONS if op.body}
    responses = {(model(m), "serialization") for m in {op.response for op in OPERATIONS if op.response}} | {
        (ErrorOut, "serialization")}
    refs, defs = models_json_schema(sorted(requests | responses, key=lambda pair: pair[0].__name__), ref_template=REF)
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        body, query, response = model(op.body), model(op.query), model(op.response)
        entry = {"operationId": op.name, "summary": op.summary, "responses": {}}
        if op.roles:
            entry["description"] = "Roles: " + ", ".join(r.value for r in op.roles)
        if not op.public:
            entry["security"] = [{"cognito": []}]
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in re.findall(r"{(\w+)}", op.path)]
        if query:
            for name, f in query.model_fields.items():
                name = f.alias or name  # `from` is a keyword in Python
                params.append({"name": name, "in": "query", "required": f.is_required(),
                               "schema": query.model_json_schema()["properties"][name]})
        if op.idempotent:
            params.append(IDEMPOTENCY_KEY)
        if params:
            entry["parameters"] = params
        if body:
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": refs[(body, "validation")]}}}
        ok: dict = {"description": "OK"}
        if response:
            ref = refs[(response, "serialization")]
            listed = op.method in LISTED and query is not None and getattr(query, "listed", True)
            ok["content"] = {"application/json": {"schema": _list_of(ref) if listed else ref}}
        if op.media:
            ok["content"] = {op.media: {"schema": {"type": "string"}}}
        entry["responses"][str(op.status)] = ok
        for code, text in ERRORS.items():
            entry["responses"][code] = {"description": text, "content": {"application/json": {
                "schema": refs[(ErrorOut, "serialization")]}}}
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "OnMyWay", "version": "1.0.0",
                 "description": "Field-service customer communication: jobs, appointments, and the texts "
                                "that keep customers informed."},
        "paths": paths,
        "components": {"schemas": defs.get("$defs", {}),
                       "securitySchemes": {"cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }


@endpoint(bp, "GET", "/openapi.json", "This document", public=True)
def openapi(call: Call):
    return document()
