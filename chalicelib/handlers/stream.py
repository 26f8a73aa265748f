"""The table's change stream → customer texts. Partial batch failures: a record whose text could not be
sent is reported in batchItemFailures and redelivered; the ledger makes the redelivery send it once."""
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from chalice import Blueprint

from .. import metrics
from ..notify import sms
from ..domain.events import AppointmentEvent, CustomerWrote, EtaChanged, FramePicked
from ..services import alerts, analytics, frames, notifications, queues, timers
from ..services.repositories import Repositories
from ..store.changes import UnreadableRecord, events_of

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

bp = Blueprint(__name__)
logger = Logger(service="onmyway")
repos = Repositories()
# Chalice needs a literal ARN; infra/ replaces the event source with the table's own stream.
STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/onmyway/stream/set-by-infra"


def handle_record(record: "DynamoDBRecord") -> None:
    analytics.count_change(record.raw_event.get("dynamodb"))  # first: it counts kinds events_of cannot read
    try:
        events = events_of(record.raw_event.get("dynamodb"))
    except UnreadableRecord as error:
        # Retrying cannot fix it: report it in the log and let the rest of the shard go on.
        logger.error("unreadable stream record skipped", extra={"event_id": record.event_id, "reason": str(error)})
        return
    sender = sms.sender()
    for event in events:
        if isinstance(event, AppointmentEvent) and not isinstance(event, EtaChanged):
            timers.on_event(repos, event)
            queues.on_event(repos, event)
        if isinstance(event, CustomerWrote):
            alerts.on_customer_wrote(repos, sender, event)
        if isinstance(event, FramePicked):
            frames.tell_technician(repos, sender, event)
        notifications.on_event(repos, sender, event)


@bp.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON",
                       name="table_changes")
def table_changes(event):
    # Imported here, not at module level: only this function needs it, and cold starts pay for every import.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    with metrics.flushed():
        return process_partial_response(event=event.to_dict(), record_handler=handle_record, processor=processor,
                                        context=event.context)
