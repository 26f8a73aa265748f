"""The outbound text queues drained at each identity's rate (services/outbox/drain.py), started two ways
(infra/template.yaml): EventBridge every minute, and the bell queue's event source as soon as an urgent text
is queued. One run at a time (reserved concurrency 1): it drains for TEXT_DRAIN_SECONDS, polling the urgent
queue every second, then leaves the rest to the next run. The bell's messages carry nothing: the drainer
reads the text queues itself, and a bell rung while a run is going is answered by that run's next poll."""
from dataclasses import asdict

from chalice import Blueprint

from .. import bootstrap, metrics
from ..config import environment

bp = Blueprint(__name__)


@bp.lambda_function(name="text_drainer")
def text_drainer(event, context):
    from ..services.outbox import drain
    with metrics.flushed():
        return asdict(drain.drain(bootstrap.repos(), bootstrap.senders(), environment().text_drain_seconds))
