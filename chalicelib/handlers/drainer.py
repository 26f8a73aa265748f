"""EventBridge, every minute: the outbound text queues drained at each identity's rate (services/outbox/drain.py).
One run at a time (reserved concurrency 1): it drains for TEXT_DRAIN_SECONDS, then leaves the rest to the
next run a minute later."""
from dataclasses import asdict

from chalice import Blueprint, Rate

from .. import bootstrap, metrics
from ..config import environment
from ..services.outbox import drain

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="text_drainer")
def text_drainer(event):
    with metrics.flushed():
        return asdict(drain.drain(bootstrap.repos(), bootstrap.senders(), environment().text_drain_seconds))
