"""EventBridge, every minute, once per shard of the due index: the sweep. Each shard has its own rule whose
constant input names it ({"shard": k}, infra/template.yaml), so the shards are swept by separate, concurrent
invocations and the 8:00 backlog is shared between them."""
from dataclasses import asdict

from chalice import Blueprint

from .. import bootstrap, clock, metrics

bp = Blueprint(__name__)


@bp.lambda_function(name="timer_sweep")
def timer_sweep(event, context):
    from ..services import sweep
    shard = event.get("shard") if isinstance(event, dict) else None
    if type(shard) is not int:
        raise ValueError(f'the sweep is invoked with {{"shard": <int>}}, not {str(event)[:200]}')
    with metrics.flushed():
        return asdict(sweep.run(bootstrap.repos(), bootstrap.senders(), clock.now(), shard))
