"""What a stored change sets off: timers derived, queues kept, staff alerted, the technician told, the customer
texted. One change record in, every reaction to it; the stream handler (handlers/stream.py) calls it per record."""
from dataclasses import replace

from aws_lambda_powertools import Logger

from ..domain.errors import UnreadableRecord
from ..domain.events import (
    AppointmentEvent,
    ArrivalNarrowed,
    CustomerWrote,
    EstimateDecided,
    EtaChanged,
    FramePicked,
    StaffWrote,
)
from . import alerts, analytics, arrival, estimates, frames, queues, timers
from .current_jobs import CurrentJobs
from .outbox import compose
from .ports import Senders
from .repositories import Repositories

logger = Logger(service="onmyway")


def on_change(repos: Repositories, senders: Senders, change: dict | None, event_id: str | None = None) -> None:
    """`change`: the record's `dynamodb` part (keys, new and old images), as the stream delivers it."""
    analytics.count_change(repos, change)  # first: it counts kinds events_of cannot read
    try:
        events = repos.changes.events_of(change)
    except UnreadableRecord as error:
        # Retrying cannot fix it: report it in the log and let the rest of the shard go on.
        logger.error("unreadable stream record skipped", extra={"event_id": event_id, "reason": str(error)})
        return
    react(repos, senders, events)


def react(repos: Repositories, senders: Senders, events: list) -> None:
    """Every reaction to the domain events of one change, in order. The jobs as they are now and the
    organization's and customer's items are read once for all of them; the narrowed arrival window, the one
    reaction that writes a job, comes last and empties the jobs read."""
    # The organization's partition is the day's hottest read (bench/capacity): the timers and the texts of
    # one change share one load of it (and of the customer).
    repos = replace(repos, contexts=repos.contexts.for_change())
    current = CurrentJobs(repos.jobs)
    for event in events:
        if isinstance(event, AppointmentEvent) and not isinstance(event, EtaChanged | ArrivalNarrowed):
            timers.on_event(repos, event, current(event))
            queues.on_event(repos, event)
        if isinstance(event, CustomerWrote):
            alerts.on_customer_wrote(repos, senders, event)
        if isinstance(event, FramePicked):
            frames.tell_technician(repos, senders, event)
        if isinstance(event, EstimateDecided):
            estimates.on_decided(repos, event)
        if isinstance(event, StaffWrote):
            alerts.on_staff_wrote(repos, event)
        compose.on_event(repos, senders, event, current)
        if isinstance(event, AppointmentEvent) and arrival.on_event(repos, event, current):
            current.clear()
