"""EventBridge, every minute: the due-index sweep."""
from dataclasses import asdict

from chalice import Blueprint, Rate

from .. import clock, metrics
from ..notify import sms
from ..services import sweep
from ..services.repositories import Repositories

bp = Blueprint(__name__)
repos = Repositories()


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="timer_sweep")
def timer_sweep(event):
    with metrics.flushed():
        return asdict(sweep.run(repos, sms.sender(), clock.now()))
