"""Make moto's DynamoDB as atomic as DynamoDB itself.

moto checks a write's condition and applies it without a lock, so two threads (the threaded local
server, or a race test) can both pass the same `version = N` condition, which real DynamoDB never
allows. Serializing moto's writes restores the guarantee that conditional writes rely on."""
import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

_lock = threading.RLock()
WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


def serialize_dynamodb_writes() -> None:
    for name in WRITES:
        method = getattr(DynamoDBBackend, name)
        if getattr(method, "serialized", False):
            continue

        def serialized(self, *args, _method=method, **kwargs):
            with _lock:
                return _method(self, *args, **kwargs)
        serialized.serialized = True
        setattr(DynamoDBBackend, name, functools.wraps(method)(serialized))
