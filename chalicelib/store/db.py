"""Shared plumbing: the bound table, conditional transactions, and their errors in domain terms."""
from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from ..domain.errors import NotFound, VersionConflict
from .models import Entity, bind
from .paging import Page, decode, encode


@contextmanager
def transaction(conflict: Exception | None = None) -> Iterator[TransactWrite]:
    """One TransactWriteItems. A failed condition means someone else wrote first."""
    table = bind()
    try:
        with TransactWrite(connection=table._get_connection().connection) as tx:
            yield tx
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise conflict or VersionConflict() from None
        raise


@contextmanager
def conditional(conflict: Exception | None = None) -> Iterator[None]:
    """A single conditional Put/Update/Delete: a failed condition becomes a conflict."""
    try:
        yield
    except (PutError, UpdateError, DeleteError) as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise conflict or VersionConflict() from None
        raise


def get_or_404(model, pk: str, sk: str, what: str):
    bind()
    try:
        return model.get(pk, sk)
    except model.DoesNotExist:
        raise NotFound(what) from None


def page_of(model, pk: str, sk_prefix: str, convert, limit: int, next_token: str | None, filter_condition=None) -> Page:
    """One page of a partition's items whose sort key starts with `sk_prefix`, in key order."""
    bind()
    result = model.query(pk, Entity.sk.startswith(sk_prefix), filter_condition=filter_condition, limit=limit,
                         last_evaluated_key=decode(next_token, ("pk", pk), "sk", begins_with=sk_prefix))
    return Page([convert(i) for i in result], encode(result.last_evaluated_key))


def plain(raw: dict) -> dict:
    """An item in DynamoDB's attribute-value format (a Query's answer, a stream image) as plain values."""
    from boto3.dynamodb.types import TypeDeserializer
    d = TypeDeserializer()
    return {k: d.deserialize(v) for k, v in raw.items()}
