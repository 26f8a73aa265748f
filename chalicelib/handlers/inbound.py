"""SNS topics from AWS End User Messaging: inbound texts (two-way SMS) and delivery receipts. Both
acknowledge bad payloads (logged, phone numbers masked) instead of failing: a retry cannot fix them."""
import json
from functools import cache

from chalice import Blueprint

from .. import bootstrap, metrics
from ..domain.values import mask

bp = Blueprint(__name__)
INBOUND_TOPIC = "onmyway-inbound-sms"
EVENTS_TOPIC = "onmyway-sms-events"


@cache
def logger():
    from aws_lambda_powertools import Logger  # on the first event, not at import (the API shares this module)
    return Logger(service="onmyway")


def _process(payload: dict) -> str:
    from ..services import inbound
    return inbound.handle(bootstrap.repos(), bootstrap.senders(), inbound.InboundText(**payload))


def once_per_message(process, channel: str, context):
    """`process(payload=...)` run once per inbound message id, whatever SNS redelivers (Powertools
    idempotency, in the same table; imported here so that the other functions' cold starts do not pay)."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    persistence, config = bootstrap.idempotency(channel)
    config.register_lambda_context(context)
    return idempotent_function(process, data_keyword_argument="payload", persistence_store=persistence, config=config)


@bp.on_sns_message(topic=INBOUND_TOPIC, name="inbound_sms")
def inbound_sms(event):
    with metrics.flushed():
        return _inbound_sms(event)


def _inbound_sms(event):
    from ..services import inbound
    try:
        text = inbound.parse(event.message)
    except inbound.BadInbound as error:
        logger().warning("inbound text ignored", extra={"reason": str(error), "size": len(event.message or "")})
        return {"outcome": "ignored", "reason": str(error)}
    outcome = once_per_message(_process, "inbound_sms", event.context)(payload=vars(text))
    logger().info("inbound text", extra={"from": mask(text.origination), "outcome": outcome})
    return {"outcome": outcome}


@bp.on_sns_message(topic=EVENTS_TOPIC, name="delivery_events")
def delivery_events(event):
    with metrics.flushed():
        return _delivery_events(event)


def _delivery_events(event):
    from ..services import channel_events
    try:
        receipt = json.loads(event.message)
        if isinstance(receipt, dict) and isinstance(receipt.get("mail"), dict):  # SES: the email channel's events
            return {"outcome": channel_events.email_event(bootstrap.repos(), receipt)}
        provider_id, status = receipt["messageId"], str(receipt.get("messageStatus", "")).upper()
    except (TypeError, ValueError, KeyError):
        logger().warning("delivery event ignored: not an End User Messaging SMS event")
        return {"outcome": "ignored"}
    return {"outcome": channel_events.sms_receipt(bootstrap.repos(), provider_id, status,
                                                  receipt.get("messageStatusDescription"))}
