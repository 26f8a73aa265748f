"""Shared by the benches: a moto account built from infra/, and a count of every AWS call made."""
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "TABLE_NAME": "onmyway-bench",
                   "PHOTOS_BUCKET": "onmyway-bench", "POWERTOOLS_LOG_LEVEL": "WARNING",
                   "POWERTOOLS_METRICS_DISABLED": "true"})

import botocore.client  # noqa: E402

CAPACITY_OPS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                "TransactWriteItems"}


class Calls:
    """Counts AWS calls by (service, operation), and DynamoDB capacity as moto accounts it."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.capacity = 0.0
        self.seconds = 0.0  # spent inside AWS calls (the emulator, here)
        self.scanned = 0  # ScannedCount of Query and Scan answers: the items DynamoDB read

    def reset(self):
        self.counts.clear()
        self.capacity = 0.0
        self.seconds = 0.0
        self.scanned = 0

    def of(self, service: str) -> int:
        return sum(n for (s, _), n in self.counts.items() if s == service)

    def detail(self, service: str) -> str:
        return ", ".join(f"{op} {n}" for (s, op), n in sorted(self.counts.items()) if s == service)


@contextmanager
def aws():
    """moto with the resources of infra/template.yaml, and the Calls being counted."""
    from moto import mock_aws
    calls, original = Calls(), botocore.client.BaseClient._make_api_call

    def counted(self, operation, params):
        service = self.meta.service_model.service_name
        calls.counts[(service, operation)] += 1
        if service == "dynamodb" and operation in CAPACITY_OPS:
            params = {**params, "ReturnConsumedCapacity": "TOTAL"}
        began = time.perf_counter()
        response = original(self, operation, params)
        calls.seconds += time.perf_counter() - began
        if isinstance(response, dict):
            calls.scanned += int(response.get("ScannedCount", 0))
        used = response.get("ConsumedCapacity") if isinstance(response, dict) else None
        for entry in used if isinstance(used, list) else [used] if used else []:
            calls.capacity += float(entry.get("CapacityUnits", 0))
        return response

    botocore.client.BaseClient._make_api_call = counted
    try:
        with mock_aws():
            from devstack import emulator
            from devstack.provision import provision
            emulator.install()
            provision(os.environ["TABLE_NAME"], os.environ["PHOTOS_BUCKET"])
            calls.reset()
            yield calls
    finally:
        botocore.client.BaseClient._make_api_call = original
