"""The minute sweep, one run per shard of the due index: everything due in the shard (held texts, timers)
is read from the shard's watermark up to now, so after an outage it catches up minute by minute and never
skips one. Each due item is claimed with a conditional write, so two overlapping runs never act twice."""
import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from .. import metrics
from ..config import environment
from ..domain.errors import VersionConflict
from ..domain.messages import Message
from ..domain.pacing import is_urgent
from ..domain.timers import URGENT, Timer
from . import timers as timer_service
from .outbox import ledger
from .outbox.dispatch import SendFailed
from .outbox.release import release_held
from .ports import Senders
from .repositories import Repositories

logger = Logger(service="onmyway")
MAX_CATCH_UP = timedelta(hours=24)  # a longer outage is caught up over the next runs
SAFETY = timedelta(minutes=1)


@dataclass
class SweepReport:
    shard: int = 0
    since: str = ""
    until: str = ""
    queries: int = 0  # Queries on the due index
    due: int = 0  # items found due
    acted: int = 0
    failed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    left: int = 0  # due items this run had no time for (the next run goes on)


def run(repos: Repositories, senders: Senders, now: datetime, shard: int) -> SweepReport:
    if not 0 <= shard < repos.due.shards():
        raise ValueError(f"no shard {shard}: the due index has {repos.due.shards()} (DUE_SHARDS)")
    env = environment()
    # The time the run has counts from here: reading an 8:00 backlog takes some of it, and the function's
    # timeout (60 s) must not stop an item between its claim and its send.
    deadline = time.monotonic() + env.sweep_seconds
    start = repos.due.watermark(shard) or now - SAFETY
    end = min(now, start + MAX_CATCH_UP)
    report = SweepReport(shard=shard, since=_stamp(start), until=_stamp(end))
    items, report.queries = repos.due.due_between(start, end, shard)
    repos = replace(repos, contexts=repos.contexts.for_run())
    # Jobs act independently (each item is claimed by a conditional write), so a pool acts on several at
    # once: the 8:00 reminders of a large zone are more than one thread gets through in a minute
    # (bench/capacity). One job's items act one after another, in order: its still-assigning notice
    # before its auto-cancel. A run acts for at most SWEEP_SECONDS; what it did not reach stays in the
    # index, and the watermark does not move past the start of this run's range, so the next run reads it.
    jobs = _by_job(sorted(items, key=_routine))  # stable: due order within each
    left, workers = [], env.sweep_workers

    def act(item):
        if time.monotonic() > deadline:
            left.append(item)
            return None
        return _act(repos, senders, item, now)

    def act_in_turn(job_items):
        return [act(item) for item in job_items]
    with ThreadPoolExecutor(max_workers=workers) if workers > 1 and len(jobs) > 1 else nullcontext() as pool:
        outcomes = itertools.chain.from_iterable((pool.map if pool else map)(act_in_turn, jobs))
        for item, outcome in zip(itertools.chain.from_iterable(jobs), outcomes, strict=True):
            if outcome is None:
                continue
            kind, acted, failed = outcome
            report.due += 1
            report.failed += int(failed)
            report.acted += int(acted)
            if acted and isinstance(item, Timer):
                metrics.add("TimersFired", item.org_id)
            if not failed:
                report.kinds[kind] = report.kinds.get(kind, 0) + int(acted)
    # Lag a little behind: an item filed while this sweep ran is read again next time (acted-on items
    # have left the index, so reading again costs nothing and acts on nothing twice).
    report.left = len(left)
    repos.due.advance_watermark(start if left else max(start, end - SAFETY), shard)
    return report


def _by_job(items: list[Timer | Message]) -> list[list[Timer | Message]]:
    """The items of each job, in their order; the jobs in the order of their first item."""
    jobs: dict[tuple[str, str], list] = {}
    for item in items:
        jobs.setdefault((item.org_id, item.job_id), []).append(item)
    return list(jobs.values())


def _routine(item: Timer | Message) -> bool:
    """When a run has more due than time (the 8:00 reminders of a large zone), the late technician's text
    and the unassigned visit's notice go first; the reminders after them, in a later run if need be."""
    return item.kind not in URGENT if isinstance(item, Timer) else not is_urgent(item.scenario)


def _act(repos: Repositories, senders: Senders, item, now: datetime) -> tuple[str, bool, bool]:
    """One due item: (its kind, whether it acted, whether it failed)."""
    kind = item.kind.value if isinstance(item, Timer) else "held_text"
    try:
        acted = timer_service.fire(repos, senders, item, now) if isinstance(item, Timer) else \
            release_held(repos, senders, item, now)
    except SendFailed as failure:
        ledger.hold_for_retry(repos, failure.message, now)
        return kind, False, True
    except VersionConflict:
        return kind, False, True  # re-filed by the action itself
    except Exception:  # one bad item must not stop the sweep for everyone else
        logger.exception("due item failed", extra={"job_id": item.job_id, "kind": kind})
        return kind, False, True
    return kind, bool(acted), False


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
