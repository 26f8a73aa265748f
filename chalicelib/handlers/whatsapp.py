"""The WhatsApp event destination (SNS): inbound messages through the inbound path, once per message id
(Powertools idempotency, as for SMS), and status events onto the message. Bad payloads are logged and
acknowledged: a retry cannot fix them."""
from chalice import Blueprint

from .. import bootstrap, metrics
from ..domain.values import mask
from .inbound import logger, once_per_message

bp = Blueprint(__name__)
WHATSAPP_TOPIC = "onmyway-whatsapp-events"


def _process(payload: dict) -> str:
    from ..services import channel_events, inbound
    text, repos = inbound.InboundText(**payload), bootstrap.repos()
    channel_events.opened_window(repos, text)
    return inbound.handle(repos, bootstrap.senders(), text)


@bp.on_sns_message(topic=WHATSAPP_TOPIC, name="whatsapp_events")
def whatsapp_events(event):
    with metrics.flushed():
        return _whatsapp_events(event)


def _whatsapp_events(event):
    from ..services import channel_events, inbound
    try:
        parsed = channel_events.parse(event.message)
    except inbound.BadInbound as error:
        logger().warning("WhatsApp event ignored", extra={"reason": str(error), "size": len(event.message or "")})
        return {"outcome": "ignored", "reason": str(error)}
    once = once_per_message(_process, "whatsapp", event.context)
    outcomes = []
    for text in parsed.texts:
        outcomes.append(once(payload=vars(text)))
        logger().info("inbound WhatsApp message", extra={"from": mask(text.origination), "outcome": outcomes[-1]})
    outcomes += [channel_events.status(bootstrap.repos(), *s) for s in parsed.statuses]
    return {"outcomes": outcomes}
