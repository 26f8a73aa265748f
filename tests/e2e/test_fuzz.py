"""Schemathesis over every operation of the app's own /openapi.json, in process, on moto; then every
query string of the document fuzzed with the calendar's edges.

Each operation gets valid and invalid requests generated from its schema (a bounded, derandomized
number, so the run is the same on every machine), sent with a dispatcher's token through the same
local gateway as `make run`. Every answer must be: no 5xx, a status and body the document declares,
and on every 4xx the house error format. The figures are printed; the test fails listing each problem.
A schema's pattern (`^\\d{4}-\\d{2}-\\d{2}$`) makes Schemathesis' days random digits, nearly never a real day
at the calendar's edge: the second test puts those days (and times at offsets of ±14:00) in every query."""
import json
import os
import re
from collections import Counter
from datetime import date
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.api.openapi import document
from devstack.tokens import mint

from .conftest import new_customer, window

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))  # per operation and mode: ~1,000 requests, well under 90 s


def wsgi(api):
    """The Chalice gateway of the `api` fixture as a WSGI app, for Schemathesis' in-process transport."""
    def app(environ, start_response):
        raw = environ.get("RAW_URI") or quote(environ["PATH_INFO"].encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
        if environ.get("QUERY_STRING"):
            raw += f"?{environ['QUERY_STRING']}"
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        r = api.client.http.request(environ["REQUEST_METHOD"], raw, headers=headers, body=body)
        start_response(f"{r.status_code} -", [(k, str(v)) for k, v in r.headers.items()])
        return [r.body]
    return app


def error_format(ctx, response, case):
    """Every 4xx is {"error": {"code", "message"}} with JSON content, whatever the document says."""
    if 400 <= response.status_code < 500:
        try:
            body = json.loads(response.content)
            ok = set(body) == {"error"} and isinstance(body["error"].get("code"), str) \
                and isinstance(body["error"].get("message"), str)
        except (ValueError, AttributeError, TypeError):
            ok = False
        if not ok:
            raise AssertionError(f"{response.status_code} not in the error format: {response.content[:200]!r}")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          error_format]


@pytest.fixture
def fuzzer(api, org):
    """A dispatcher who is also a technician (so the technician's own routes are reached too), with a
    customer, a job and an appointment assigned to them, a location: ids to put in paths."""
    from chalicelib.domain.people import Role
    r = api.post("/users", org.dispatcher, {"name": "Fay Fuzz", "email": "fay@x.example",
                                            "roles": ["dispatcher", "technician"]})
    user_id = r.body["id"]
    token = mint(user_id, org.id, [Role.DISPATCHER, Role.TECHNICIAN])
    customer_id = new_customer(api, org)
    location_id = api.post("/settings/locations", token, {"name": "North", "time_zone": "America/Denver"}).body["id"]
    contact_id = api.post(f"/customers/{customer_id}/contacts", token, {"name": "Tia Tenant",
                                                                        "phone": "+13035550181"}).body["id"]

    def ids() -> dict:
        """A fresh scheduled job for each operation, so state-changing operations find something to change."""
        job = api.post("/jobs", token, {"customer_id": customer_id, "description": "Leak", "location_id": location_id,
                                        "appointment": {**window(), "technician_id": user_id}}).body
        return {"job_id": job["id"], "appointment_id": job["appointments"][0]["id"], "customer_id": customer_id,
                "user_id": user_id, "location_id": location_id, "name": "unassigned", "contact_id": contact_id}
    return token, ids


def test_every_operation_answers_as_documented_and_never_5xx(api, fuzzer, capsys):
    token, ids = fuzzer
    served = api.get("/openapi.json")
    assert served.status == 200 and served.body == json.loads(json.dumps(document()))
    schema = schemathesis.openapi.from_dict(served.body)
    schema.app = wsgi(api)  # in process; from_wsgi would leave the document's own operation out
    statuses, problems, requests = Counter(), {}, 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in document()["paths"].values())

    for operation in operations:
        known = ids()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            seen = [0]

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], print_blob=False,
                      suppress_health_check=list(HealthCheck))
            def run(case):  # called within this iteration only: the loop variables are the current ones
                nonlocal requests
                seen[0] += 1  # noqa: B023
                if seen[0] % 2 and case.path_parameters:  # noqa: B023  (every other case on records that exist)
                    case.path_parameters = {k: known.get(k, v) for k, v in case.path_parameters.items()}  # noqa: B023
                # An API client: the customer pages answer it in JSON (their HTML is the browser tests' part).
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}",
                                "Accept": "application/json"}
                response = case.call()
                requests += 1
                statuses[f"{response.status_code // 100}xx"] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:  # collected, and reported all at once below
                    for failure in group.exceptions:
                        what = f"{failure.title}: {(failure.message or '').strip()[:160]}"
                        problems.setdefault((operation.label, response.status_code, what),  # noqa: B023
                                            f"{case.as_curl_command()}\n    -> {response.content[:300]!r}")
            try:
                run()
            except Unsatisfiable:  # nothing in this operation can be made invalid
                assert mode is GenerationMode.NEGATIVE, operation.label

    with capsys.disabled():
        print(f"\nfuzz: {len(operations)} operations, {requests} requests, by status class "
              f"{dict(sorted(statuses.items()))}, {statuses['5xx']} answers 5xx, {len(problems)} distinct problems")
    assert not problems, "\n".join(f"{op} {status}: {what}\n    {curl}"
                                   for (op, status, what), curl in problems.items())


# Days and times at the calendar's edges: the first and last day Python knows, leap days (2000 is one,
# 2100 is not), the API's sane range (2000-2100) and a step past it, and the widest UTC offsets.
EDGE_DAYS = ("0001-01-01", "9999-12-31", "2000-02-29", "2100-02-29", "2024-02-29", "2023-02-29", "1999-12-31",
             "2000-01-01", "2100-12-31", "2101-01-01")
EDGE_OFFSETS = ("+14:00", "-14:00", "Z", "+00:00", "-12:00")
QUERY_EXAMPLES = int(os.environ.get("FUZZ_QUERY_EXAMPLES", "20"))  # per operation, besides the edges: ~600 requests
days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates().map(date.isoformat))
moments = st.builds(lambda day, time, offset: f"{day}T{time}{offset}", days,
                    st.sampled_from(("00:00:00", "23:59:59", "12:00:00.000001")), st.sampled_from(EDGE_OFFSETS))
query_values = st.one_of(days, moments, st.integers().map(str), st.text(max_size=30), st.just(""))


def query_operations() -> list[tuple[str, str, list[str]]]:
    """(method, path, query parameter names) of each operation that declares a query string."""
    return [(method.upper(), path, [p["name"] for p in op.get("parameters", []) if p["in"] == "query"])
            for path, methods in document()["paths"].items() for method, op in methods.items()
            if any(p["in"] == "query" for p in op.get("parameters", []))]


def test_every_query_string_at_the_calendars_edges_is_answered_or_refused_naming_its_field(api, fuzzer, capsys):
    """Each edge day and time in each query parameter alone, and generated query strings (several
    parameters, days, times with offsets, numbers, text): no 5xx, a declared status, and a 400 is a
    `validation_error` in the error format that names one of the query's fields."""
    token, ids = fuzzer
    operations = query_operations()
    assert {path for _, path, _ in operations} >= {"/analytics", "/analytics/cost", "/jobs", "/feedback",
                                                   "/technicians/me/appointments"}
    statuses, problems, requests = Counter(), {}, 0
    for method, path, names in operations:
        known = ids()
        url = re.sub(r"{(\w+)}", lambda m: known[m.group(1)], path)  # noqa: B023
        declared = set(document()["paths"][path][method.lower()]["responses"])

        @settings(max_examples=QUERY_EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], print_blob=False, suppress_health_check=list(HealthCheck))
        @given(query=st.dictionaries(st.sampled_from(names), query_values, min_size=1, max_size=len(names)))
        def run(query):
            nonlocal requests
            target = f"{url}?{urlencode(query)}"  # noqa: B023
            r = api.get(target, token, headers={"Accept": "application/json"})
            requests += 1
            statuses[f"{r.status // 100}xx"] += 1
            problem = None
            if r.status >= 500 or str(r.status) not in declared:  # noqa: B023
                problem = f"{r.status} {r.body}"
            elif 400 <= r.status < 500 and not (isinstance(r.body, dict) and set(r.body) == {"error"}):
                problem = f"{r.status} not in the error format: {r.body}"
            elif r.status == 400:
                field = r.body["error"]["message"].split(":")[0]
                if r.error != "validation_error" or field not in {*names, "query"}:  # noqa: B023
                    problem = f"400 not naming a query field: {r.body['error']}"
            if problem:
                problems.setdefault((method, path, problem), target)  # noqa: B023
        for name in names:  # the edges, each in each field, always tried first
            for value in EDGE_DAYS + tuple(f"{day}T00:00:00{offset}" for day in ("2000-01-01", "2100-12-31")
                                           for offset in EDGE_OFFSETS):
                run = example(query={name: value})(run)
        run()

    with capsys.disabled():
        print(f"\nquery fuzz: {len(operations)} operations, {requests} requests, by status class "
              f"{dict(sorted(statuses.items()))}, {len(problems)} distinct problems")
    assert not problems, "\n".join(f"{method} {path}: {problem}\n    GET {target}"
                                   for (method, path, problem), target in problems.items())
