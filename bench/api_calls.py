"""DynamoDB calls and consumed capacity per API operation, in-process against moto.

    .venv/bin/python bench/api_calls.py

Every DynamoDB call is made with ReturnConsumedCapacity=TOTAL and summed per API request.
"""
import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "TABLE_NAME": "onmyway-bench",
                   "PHOTOS_BUCKET": "onmyway-bench"})

import botocore.client  # noqa: E402
from chalice.test import Client  # noqa: E402
from moto import mock_aws  # noqa: E402

CAPACITY_OPS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem", "TransactWriteItems"}
calls: Counter = Counter()
capacity = [0.0]
_original = botocore.client.BaseClient._make_api_call


def _measured(self, operation, params):
    if self.meta.service_model.service_name == "dynamodb":
        calls[operation] += 1
        if operation in CAPACITY_OPS:
            params = {**params, "ReturnConsumedCapacity": "TOTAL"}
    response = _original(self, operation, params)
    used = response.get("ConsumedCapacity") if isinstance(response, dict) else None
    for entry in used if isinstance(used, list) else [used] if used else []:
        capacity[0] += float(entry.get("CapacityUnits", 0))
    return response


def measure(label, client, method, path, token, body=None):
    calls.clear()
    capacity[0] = 0.0
    r = client.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                   "Content-Type": "application/json"},
                            body=json.dumps(body).encode() if body is not None else b"")
    assert r.status_code < 300, (label, r.status_code, r.body)
    detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
    print(f"{label:<34} {sum(calls.values()):>3} calls  {capacity[0]:>5.1f} capacity units   ({detail})")
    return json.loads(r.body) if r.body else None


def main():
    botocore.client.BaseClient._make_api_call = _measured
    with mock_aws():
        from devstack import demo, provision
        from chalicelib.services.store import Store
        provision.provision(os.environ["TABLE_NAME"], os.environ["PHOTOS_BUCKET"])
        seeded = demo.seed(Store())
        import app
        dispatcher = seeded["users"][0]["token"]
        tech_user = seeded["users"][1]
        tech = tech_user["token"]
        customer = seeded["customers"][0].id
        org = seeded["org"]
        with Client(app.app) as client:
            print(f"{'operation':<34} DynamoDB calls and capacity (moto's accounting)\n")
            start, end = "2030-01-07T16:00:00Z", "2030-01-07T18:00:00Z"
            job = measure("create job with appointment", client, "POST", "/jobs", dispatcher,
                          {"customer_id": customer, "description": "bench",
                           "appointment": {"window_start": start, "window_end": end,
                                           "technician_id": tech_user["id"]}})
            appointment = job["appointments"][0]["id"]
            measure("status change (en_route)", client, "POST", f"/appointments/{appointment}/status", tech,
                    {"action": "en_route"})
            measure("status change (start)", client, "POST", f"/appointments/{appointment}/status", tech,
                    {"action": "start"})
            measure("get job", client, "GET", f"/jobs/{job['id']}", dispatcher)
            measure("technician's day", client, "GET", "/technicians/me/appointments?date=2030-01-07", tech)
            measure("list jobs (dispatcher)", client, "GET", "/jobs?limit=50", dispatcher)
            measure("list jobs by status", client, "GET", "/jobs?status=scheduled", dispatcher)
            measure("list jobs (technician)", client, "GET", "/jobs", tech)
            measure("add note", client, "POST", f"/jobs/{job['id']}/notes", tech, {"text": "bench"})
    print(f"\nAuthorization reads on every request: 1 GetItem (the caller's user record); org {org.slug}.")


if __name__ == "__main__":
    main()
