"""`make run ARGS="--state FILE"`: the emulator's table kept between runs (admin tooling: a Scan is fine here)."""
import json
from pathlib import Path

import boto3


def save(table_name: str, path: Path) -> int:
    client, items, start = boto3.client("dynamodb"), [], None
    while True:
        page = client.scan(TableName=table_name, **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        if not (start := page.get("LastEvaluatedKey")):
            break
    path.write_text(json.dumps({"table": items}))
    return len(items)


def load(table_name: str, path: Path) -> int:
    if not path.exists():
        return 0
    items = json.loads(path.read_text())["table"]
    client = boto3.client("dynamodb")
    for start in range(0, len(items), 25):
        pending = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        while pending:
            left = client.batch_write_item(RequestItems={table_name: pending}).get("UnprocessedItems", {})
            pending = left.get(table_name, [])
    return len(items)
