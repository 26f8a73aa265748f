"""EventBridge, every minute: the due-index sweep."""
from dataclasses import asdict

from chalice import Blueprint, Rate

from .. import clock, metrics
from ..notify import sms
from ..services import sweep
from ..services.store import Store

bp = Blueprint(__name__)
store = Store()


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="timer_sweep")
def timer_sweep(event):
    with metrics.flushed():
        return asdict(sweep.run(store, sms.sender(), clock.now()))
