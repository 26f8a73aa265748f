"""The WhatsApp event destination (SNS): inbound messages through the inbound path, once per message id
(Powertools idempotency, as for SMS), and status events onto the message. Bad payloads are logged and
acknowledged: a retry cannot fix them."""
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function,
)
from chalice import Blueprint

from ..config import settings
from ..notify import sms
from ..services import channel_events, inbound
from ..services.notifications import mask
from ..services.store import Store

bp = Blueprint(__name__)
logger = Logger(service="onmyway")
store = Store()
WHATSAPP_TOPIC = "onmyway-whatsapp-events"


def _process(payload: dict) -> str:
    text = inbound.InboundText(**payload)
    channel_events.opened_window(store, text)
    return inbound.handle(store, sms.sender(), text)


@bp.on_sns_message(topic=WHATSAPP_TOPIC, name="whatsapp_events")
def whatsapp_events(event):
    try:
        parsed = channel_events.parse(event.message)
    except inbound.BadInbound as error:
        logger.warning("WhatsApp event ignored", extra={"reason": str(error), "size": len(event.message or "")})
        return {"outcome": "ignored", "reason": str(error)}
    persistence = DynamoDBPersistenceLayer(table_name=settings().table_name, key_attr="pk", sort_key_attr="sk",
                                           static_pk_value="IDEMPOTENCY#whatsapp", expiry_attr="expires_at")
    config = IdempotencyConfig(event_key_jmespath="inbound_id", expires_after_seconds=7 * 24 * 3600)
    config.register_lambda_context(event.context)
    once = idempotent_function(_process, data_keyword_argument="payload", persistence_store=persistence,
                               config=config)
    outcomes = []
    for text in parsed.texts:
        outcomes.append(once(payload=vars(text)))
        logger.info("inbound WhatsApp message", extra={"from": mask(text.origination), "outcome": outcomes[-1]})
    outcomes += [channel_events.status(store, *s) for s in parsed.statuses]
    return {"outcomes": outcomes}
