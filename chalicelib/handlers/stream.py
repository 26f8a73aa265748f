"""The table's change stream → customer texts. Partial batch failures: a record whose text could not be
sent is reported in batchItemFailures and redelivered; the ledger makes the redelivery send it once."""
from typing import TYPE_CHECKING

from chalice import Blueprint

from .. import bootstrap, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

bp = Blueprint(__name__)
# Chalice needs a literal ARN; infra/ replaces the event source with the table's own stream.
STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/onmyway/stream/set-by-infra"


def handle_record(record: "DynamoDBRecord") -> None:
    from ..services import reactions
    reactions.on_change(bootstrap.repos(), bootstrap.senders(), record.raw_event.get("dynamodb"), record.event_id)


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON",
                       name="table_changes")
def table_changes(event):
    # Imported here, not at module level: only this function needs it, and cold starts pay for every import.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    with metrics.flushed():
        return process_partial_response(event=event.to_dict(), record_handler=handle_record, processor=processor,
                                        context=event.context)
