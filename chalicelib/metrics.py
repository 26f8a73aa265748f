"""CloudWatch metrics in the Embedded Metric Format (Powertools), per organization: TextsSent,
SmsSegments, DeliveryFailures, TimersFired. Counted where they happen, written once at the end of each
Lambda invocation (flushed()); Powertools is imported only then, and only if something was counted."""
from collections import Counter
from contextlib import contextmanager

NAMESPACE = "OnMyWay"
_pending: dict[str, Counter] = {}


def add(name: str, org_id: str, value: int = 1) -> None:
    _pending.setdefault(org_id, Counter())[name] += value


def flush() -> None:
    """One EMF document per organization (the organization is the metrics' dimension)."""
    if not _pending:
        return
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
    try:
        for org_id, counts in sorted(_pending.items()):
            metrics = EphemeralMetrics(namespace=NAMESPACE, service="onmyway")
            metrics.add_dimension(name="org_id", value=org_id)
            for name, value in sorted(counts.items()):
                metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
            metrics.flush_metrics()
    finally:
        _pending.clear()


@contextmanager
def flushed():
    """Around a Lambda handler: what it counted is written when it returns or fails."""
    try:
        yield
    finally:
        flush()


def text_sent(org_id: str, segments: int) -> None:
    add("TextsSent", org_id)
    add("SmsSegments", org_id, segments)
