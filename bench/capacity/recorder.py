"""What an operation costs: every AWS call it makes, and the DynamoDB write and read units it uses on each
partition key pattern of the table and its indexes, read from the items before and after each call."""
import math
import re
from collections import Counter, defaultdict
from contextlib import contextmanager

import botocore.client

SEND = "|send"  # the part of an operation done by the drainer and the delivery receipt


class Recorder:
    """DynamoDB units per key pattern and every AWS call, for the operation being measured."""

    def __init__(self):
        self.label: str | None = None
        self.sending = False  # inside the drainer or a delivery receipt: the send stage of a text
        self.units: dict[str, Counter] = defaultdict(Counter)  # label → {("W"|"R", where, pattern): units}
        self.calls: dict[str, Counter] = defaultdict(Counter)  # label → {(service, op): n}
        self.original = botocore.client.BaseClient._make_api_call

    @contextmanager
    def measuring(self, label: str):
        self.label = label
        try:
            yield
        finally:
            self.label = None

    @contextmanager
    def in_busy_run(self, label: str, warm_up):
        """A swept operation, measured as one item of a busy run: each sweep run reads the organization's
        own items once (`Contexts.for_run`), so here every run's loader has already read them (`warm_up`,
        not counted) and only what the item itself reads is. The run's first reads (a few units a run) are
        left out of the model."""
        from chalicelib.store.context import Contexts
        original = Contexts.for_run

        def warmed(loader):
            run = original(loader)
            self.label = None
            try:
                warm_up(run)
            finally:
                self.label = label
            return run
        Contexts.for_run = warmed
        try:
            with self.measuring(label):
                yield
        finally:
            Contexts.for_run = original

    def install(self):
        recorder = self

        def hooked(client, operation, params):
            if recorder.label is None:
                return recorder.original(client, operation, params)
            service = client.meta.service_model.service_name
            label = recorder.label + (SEND if recorder.sending else "")
            if service != "dynamodbstreams":  # Lambda's event source mapping reads the stream in AWS
                recorder.calls[label][(service, operation)] += 1
            if service != "dynamodb":
                return recorder.original(client, operation, params)
            return recorder.dynamodb(client, operation, params, label)

        botocore.client.BaseClient._make_api_call = hooked

    def _get(self, client, table, key):
        answer = self.original(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return answer.get("Item")

    def dynamodb(self, client, operation, params, label):
        units = self.units[label]
        writes = []  # (table, key, transactional)
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            key = params["Item"] if operation == "PutItem" else params["Key"]
            writes.append((params["TableName"], {"pk": key["pk"], "sk": key["sk"]}, False, operation))
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (kind, spec), = entry.items()
                key = spec["Item"] if kind == "Put" else spec["Key"]
                writes.append((spec["TableName"], {"pk": key["pk"], "sk": key["sk"]}, True, kind))
        before = [self._get(client, t, k) for t, k, _, _ in writes]
        requests = [params.get("Item")] if operation != "TransactWriteItems" else \
            [next(iter(e.values())).get("Item") for e in params["TransactItems"]]
        requests = requests[:len(writes)]  # a read writes nothing
        try:
            answer = self.original(client, operation, params)
        finally:
            for (table, key, tx, kind), old, request in zip(writes, before, requests, strict=True):
                new = self._get(client, table, key)
                self._charge_write(units, old, new, tx, kind, key["pk"]["S"], request)
        self._charge_read(units, operation, params, answer)
        return answer

    @staticmethod
    def _charge_write(units, old, new, tx, kind, pk, request):
        size = max(item_size(old), item_size(new), item_size(request))  # a refused write is charged too
        units[("W", "table", pattern(pk))] += math.ceil(max(size, 1) / 1024) * (2 if tx else 1)
        if kind == "ConditionCheck" or old == new:
            return
        for n in range(1, 5):
            o, w = (old or {}).get(f"gsi{n}pk"), (new or {}).get(f"gsi{n}pk")
            osk, wsk = (old or {}).get(f"gsi{n}sk"), (new or {}).get(f"gsi{n}sk")
            if w:
                units[("W", f"gsi{n}", pattern(w["S"]))] += math.ceil(item_size(new) / 1024)
            if o and (o != w or osk != wsk):  # the old entry leaves the index: a delete there
                units[("W", f"gsi{n}", pattern(o["S"]))] += math.ceil(item_size(old) / 1024)

    @staticmethod
    def _charge_read(units, operation, params, answer):
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        if operation == "GetItem" and "Item" in answer:
            units[("R", "table", pattern(params["Key"]["pk"]["S"]))] += \
                math.ceil(item_size(answer["Item"]) / 4096) * factor
        elif operation == "Query":
            where = params.get("IndexName", "table")
            names, values = params.get("ExpressionAttributeNames", {}), params.get("ExpressionAttributeValues", {})
            m = re.search(r"([#\w]+) = (:\w+)", params.get("KeyConditionExpression", ""))
            pk = values[m.group(2)]["S"] if m else "?"
            size = sum(item_size(i) for i in answer.get("Items", []))
            units[("R", where, pattern(pk))] += max(math.ceil(size / 4096), 1) * factor
            del names
        elif operation == "BatchGetItem":
            asked = [k["pk"]["S"] for spec in params["RequestItems"].values() for k in spec["Keys"]]
            for items in answer.get("Responses", {}).values():
                for item in items:
                    pk = item["pk"]["S"] if "pk" in item else asked[0]
                    units[("R", "table", pattern(pk))] += math.ceil(item_size(item) / 4096) * 0.5


def item_size(item) -> int:
    """DynamoDB's item size: attribute names plus values (numbers about half their digits)."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(v) for name, v in item.items())


def value_size(v) -> int:
    (kind, x), = v.items()
    if kind == "S":
        return len(x.encode())
    if kind == "N":
        return len(x) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(e) + 1 for k, e in x.items())
    if kind == "L":
        return 3 + sum(value_size(e) + 1 for e in x)
    if kind in ("SS", "NS"):
        return sum(len(e) for e in x)
    return len(str(x))


NAMED = {"ORG": "org", "JOB": "job", "DAY": "day", "TECH": "user", "PHONE": "phone", "CUSTOMER": "customer",
         "PROVIDER": "user", "INBOX": "user", "LINK": "hash", "SENT": "provider_id", "DUE": "hour",
         "RATE": "identity", "NUMBER": "number", "SLUG": "slug", "USER": "user"}
SPREAD = {"job", "customer", "phone", "user", "hash", "provider_id"}  # one partition per entity: never hot


def pattern(key: str) -> str:
    """`ORG#o_1#JOB#j_2` → `ORG#{org}#JOB#{job}`: ids become their kind, fixed words stay."""
    parts, out = key.split("#"), []
    for i, part in enumerate(parts):
        prev = parts[i - 1] if i else ""
        if prev in NAMED and (any(c.isdigit() for c in part) or prev in ("ORG", "LINK", "RATE", "USER", "TECH",
                                                                          "SENT", "NUMBER", "SLUG")):
            out.append("{" + NAMED[prev] + "}")
        elif any(c.isdigit() for c in part):
            out.append("{shard}" if part.isdigit() and len(part) <= 3 else "{" + "value" + "}")
        else:
            out.append(part)
    if len(out) == 4 and out[2] == "TALLY":  # shard 0 of the counters keeps the key it had before sharding
        out.append("{shard}")
    return "#".join(out)
