"""The local stack's DynamoDB reads and writes handed to moto's DynamoDB handler as the parameters they are.

`loopback` hands each call's request to moto in the calling thread, but both ends still do a wire's work: botocore
resolves an endpoint, serializes the parameters, builds a request and parses the answer; moto builds a request
object from an environ, parses the JSON by the service's shapes and serializes its answer again. For the
stack's item calls (PynamoDB's gets, puts, updates, queries and transactions: most of a job change's CPU) that
was half of each call (a job change's mean call, 1,160 µs, 2026-12-08).

`answer_directly()`: a DynamoDB client of this process whose endpoint `loopback` serves sends an item call
(`ITEM_CALLS`) to a fresh `DynamoHandler` as mock_aws's would reach it (the account and region moto reads from
an unsigned request of that client, the parameters as moto's parser gives them, its own method with its own
checks and locks) and gets back what botocore would have parsed from moto's answer: the same members, copied
(nothing shared with moto's items), with a request id; an error is moto's own answer, parsed by the client's
parser into the client's exception, as before. botocore's parameter events run as before (its idempotency
tokens), and its checks of the parameters when the client asks for them (PynamoDB does not). A call with
binary inside (which JSON cannot carry as it is) goes by the wire, as does every other call, client and service;
an answer with binary inside is serialized by moto and parsed by botocore, as the wire's would be. (Skipped with
the wire: moto's request recorder, off unless asked for, and botocore's retries, of errors moto never answers.)"""
import functools
import json
from urllib.parse import urlsplit

import botocore.client
from botocore.awsrequest import HeadersDict
from botocore.validate import ParamValidationDecorator, validate_parameters
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core import responses as moto_responses
from moto.core.exceptions import HTTPException
from moto.core.utils import camelcase_to_underscores
from moto.dynamodb.responses import DynamoHandler

from . import loopback

ITEM_CALLS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                        "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})
botocore_make_api_call = botocore.client.BaseClient._make_api_call


def answer_directly() -> None:
    """Idempotent; clients made before the call are covered too."""
    if getattr(botocore.client.BaseClient._make_api_call, "direct", False):
        return

    @functools.wraps(botocore_make_api_call)
    def make_api_call(self, operation_name, api_params):
        if operation_name not in ITEM_CALLS or not _served(self):
            return botocore_make_api_call(self, operation_name, api_params)
        return _call(self, operation_name, api_params)
    make_api_call.direct = True
    botocore.client.BaseClient._make_api_call = make_api_call


def _served(client) -> bool:
    """A DynamoDB client whose endpoint this process's moto serves (its address read once per client)."""
    address = client.__dict__.get("_emulator_address")
    if address is None:
        address = client.__dict__["_emulator_address"] = (
            urlsplit(client.meta.endpoint_url).netloc if client.meta.service_model.service_name == "dynamodb" else "")
    return address in loopback.served()


def _call(client, operation_name: str, api_params: dict) -> dict:
    operation = client.meta.service_model.operation_model(operation_name)
    api_params = client._emit_api_params(api_params=api_params, operation_model=operation,
                                         context={"client_region": client.meta.region_name,
                                                  "client_config": client.meta.config})
    if isinstance(client._serializer, ParamValidationDecorator):  # (how botocore checks: the config does not say)
        validate_parameters(api_params, operation.input_shape)
    try:
        body = json.loads(json.dumps(api_params))  # moto's parser's result: a copy, no value its own
    except (TypeError, ValueError):  # binary (or anything else JSON does not carry as it is): by the wire (whose
        return botocore_make_api_call(client, operation_name, api_params)  # parameter events add only what is missing)
    handler = DynamoHandler()
    handler.body, handler.current_account, handler.region = body, DEFAULT_ACCOUNT_ID, client.meta.region_name
    # (what moto's serializer reads of the request: the protocol and the action)
    handler.headers, handler.querystring = {"Content-Type": "application/x-amz-json-1.0",
                                            "X-Amz-Target": f"DynamoDB_20120810.{operation_name}"}, {}
    handler.response_headers = {}
    try:
        result = getattr(handler, camelcase_to_underscores(operation_name))()
    except HTTPException as error:  # moto's DynamoDB errors (it raises no other kind), as call_action answers them
        _raise(client, operation, error.code, dict(error.get_headers() or ()), error.description)
    try:
        body = json.loads(json.dumps(result.result))  # the answer's JSON, as botocore loads it: nothing shared
    except (TypeError, ValueError):  # binary in the answer: serialized and parsed as the wire has it
        return _parsed(client, operation, *handler.serialized(result))
    answer = _reader(type(client._response_parser))._parse_shape(operation.output_shape, body)
    answer["ResponseMetadata"] = _metadata()
    return answer


@functools.cache
def _reader(parser: type):
    """botocore's reading of an answer's JSON (`parser`'s), with the one change moto's serializer makes on the
    way that a reading does not: a double is written as a float (an int capacity reads as 3.0)."""
    class Reader(parser):
        def _handle_double(self, shape, value):
            return float(value)
        _handle_float = _handle_double
    return Reader()


def _metadata() -> dict:
    """A successful answer's, as botocore reads it from moto's headers (the one that matters: its request id)."""
    request_id = moto_responses.gen_amzn_requestid_long()
    return {"RequestId": request_id, "HTTPStatusCode": 200, "HTTPHeaders": {"x-amzn-requestid": request_id},
            "RetryAttempts": 0}


def _parsed(client, operation, status: int, headers: dict, body) -> dict:
    body = body.encode() if isinstance(body, str) else body
    headers = {str(k).lower(): str(v) for k, v in headers.items() if k != "status"}
    response = {"status_code": int(status), "headers": HeadersDict(headers), "body": body,
                "context": {"operation_name": operation.name}}
    parsed = client._response_parser.parse(response, operation.output_shape)
    if response["status_code"] >= 300:  # an error's own members (a failed condition's item), as the endpoint adds them
        client._endpoint._add_modeled_error_fields(response, parsed, operation, client._response_parser)
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    return parsed


def _raise(client, operation, status, headers: dict, body) -> None:
    parsed = _parsed(client, operation, status, headers, body)
    raise client.exceptions.from_code(parsed.get("Error", {}).get("Code"))(parsed, operation.name)
