"""The OpenAPI document describes every route of docs/api.md from the same models; admin creates tenants."""
import json
import subprocess
import sys

from chalicelib import admin

CONTRACT = [  # docs/api.md's resources that this API serves (settings/scenarios, queues and pages come later)
    ("post", "/customers"), ("get", "/customers/{customer_id}"), ("post", "/jobs"), ("get", "/jobs"),
    ("get", "/jobs/{job_id}"), ("post", "/jobs/{job_id}/accept"), ("post", "/jobs/{job_id}/decline"),
    ("post", "/jobs/{job_id}/cancel"), ("post", "/jobs/{job_id}/appointments"),
    ("patch", "/appointments/{appointment_id}"), ("delete", "/appointments/{appointment_id}"),
    ("post", "/appointments/{appointment_id}/status"), ("post", "/appointments/{appointment_id}/offers"),
    ("get", "/technicians/me/appointments"), ("put", "/technicians/me/location"),
    ("get", "/jobs/{job_id}/notes"), ("post", "/jobs/{job_id}/notes"), ("post", "/jobs/{job_id}/photos"),
    ("get", "/users"), ("post", "/users"), ("get", "/users/{user_id}"), ("patch", "/users/{user_id}"),
    ("get", "/settings/locations"), ("post", "/settings/locations"), ("get", "/settings/locations/{location_id}"),
    ("put", "/settings/locations/{location_id}"), ("get", "/openapi.json"),
]


def test_openapi_document_lists_the_contract_with_request_schemas(api):
    r = api.get("/openapi.json")
    assert r.status == 200 and r.body["openapi"].startswith("3.1")
    paths = r.body["paths"]
    for method, path in CONTRACT:
        assert method in paths.get(path, {}), (method, path)
    status = paths["/appointments/{appointment_id}/status"]["post"]
    schema = r.body["components"]["schemas"]["StatusIn"]
    assert status["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/StatusIn")
    assert set(schema["properties"]["action"]["enum"]) == {"en_route", "start", "pause", "complete", "delay"}
    assert schema["additionalProperties"] is False
    listed = paths["/jobs"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(listed["properties"]) == {"items", "next_token"}
    assert {p["name"] for p in paths["/jobs"]["get"]["parameters"]} >= {"status", "date", "limit", "next_token"}


def test_openapi_names_the_idempotency_key_on_the_posts_that_take_one_and_only_there(api):
    from chalicelib.api.once import KEY
    paths = api.get("/openapi.json").body["paths"]
    keyed = {(m, p) for p, ops in paths.items() for m, op in ops.items()
             if any(x["name"] == "Idempotency-Key" for x in op.get("parameters", []))}
    assert keyed == {("post", "/appointments/{appointment_id}/status"), ("post", "/jobs/{job_id}/notes"),
                     ("post", "/jobs/{job_id}/messages"), ("post", "/jobs/{job_id}/estimates"),
                     ("post", "/jobs/{job_id}/staff-messages")}
    (header,) = [x for x in paths["/jobs/{job_id}/notes"]["post"]["parameters"] if x["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and header["required"] is False
    assert header["schema"]["pattern"] == f"^{KEY.pattern}$"


def test_admin_creates_an_organization_and_its_dispatcher(aws, capsys):
    assert admin.main(["create-org", "--name", "Acme HVAC", "--slug", "acme", "--time-zone", "America/Denver",
                       "--sms-number", "+1 303 555 0100", "--dispatcher-name", "Dana",
                       "--dispatcher-email", "dana@acme.example"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["org"]["slug"] == "acme" and out["org"]["sms_number"] == "+13035550100"
    assert out["dispatcher"]["roles"] == ["dispatcher"] and out["dispatcher"]["active"] is True
    # The same slug again is refused with the error format, and exit code 1.
    assert admin.main(["create-org", "--name", "X", "--slug", "acme", "--time-zone", "UTC", "--sms-number",
                       "+13035550101", "--dispatcher-name", "X", "--dispatcher-email", "x@x.example"]) == 1
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "conflict"
    assert admin.main(["create-org", "--name", "X", "--slug", "x", "--time-zone", "Mars/Base", "--sms-number",
                       "+13035550101", "--dispatcher-name", "X", "--dispatcher-email", "x@x.example"]) == 1


def test_importing_the_app_creates_no_aws_client():
    code = ("import os, sys, botocore.client\n"
            "made = []\n"
            "orig = botocore.client.ClientCreator.create_client\n"
            "botocore.client.ClientCreator.create_client = lambda *a, **k: made.append(a) or orig(*a, **k)\n"
            "import app\n"
            "assert not made, made\n"
            "assert '/jobs/{job_id}' in app.app.routes\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_deployed_app_has_no_dev_routes():
    code = ("import app\n"
            "dev = [p for p in app.app.routes if p.startswith('/dev')]\n"
            "assert not dev, dev\n"
            "assert {'table_changes', 'timer_sweep', 'inbound_sms', 'delivery_events'} <= set(app.app.handler_map)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
