"""EventBridge, every minute: the due-index sweep."""
from dataclasses import asdict

from chalice import Blueprint, Rate

from .. import bootstrap, clock, metrics
from ..services import sweep

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="timer_sweep")
def timer_sweep(event):
    with metrics.flushed():
        return asdict(sweep.run(bootstrap.repos(), bootstrap.senders(), clock.now()))
