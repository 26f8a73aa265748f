"""Analytics from counters: the stream handler counts each change once (count_change); GET /analytics
sums the counters of the days asked for (report). Nothing here reads messages."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from .. import clock
from ..domain.analytics import Fact, Report, UnreadableChange, Where, facts
from .repositories import Repositories

logger = Logger(service="onmyway")


def _org_of(image: dict) -> str | None:
    if image.get("org_id"):
        return image["org_id"]
    pk = str(image.get("pk", ""))
    return pk.split("#")[1] if pk.startswith("ORG#") and pk.count("#") >= 1 else None


def count_change(repos: Repositories, record: dict | None) -> int:
    """Count the facts of one stream record (its `dynamodb` part) once; the number newly counted.
    A record that cannot be read is logged and skipped (retrying cannot fix it); a failed write raises,
    and the redelivered record counts what was not counted yet."""
    if not isinstance(record, dict):
        return 0
    try:
        old, new = repos.changes.images(record)
        created = record.get("ApproximateCreationDateTime")
        fallback = datetime.fromtimestamp(float(created), UTC) if created else clock.now()
        found = facts(old, new, fallback)
        org_id = found and _org_of(new)
        if found and not org_id:
            raise UnreadableChange("no organization on the image")
    except (UnreadableChange, TypeError, ValueError) as error:
        logger.warning("change not counted", extra={"reason": str(error), "keys": str(record.get("Keys"))[:200]})
        return 0
    if not found:
        return 0
    counted = repos.tallies.marks(org_id, found[0].job_id)  # a redelivered record stops here, having read once
    todo: list[tuple[Fact, str, Where | None]] = []
    for fact in found:
        if fact.for_asked:  # credited to each ask of the job (of its appointment) not yet credited
            todo += [(fact, f"{fact.mark}:{mark.removeprefix('asked:')}", where) for mark, where in counted.items()
                     if mark.startswith("asked:") and fact.appointment_id in (None, mark.removeprefix("asked:"))]
        else:
            todo.append((fact, fact.mark, None))
    todo = [t for t in todo if t[1] not in counted]
    if not todo:
        return 0
    placing = {fact.appointment_id for fact, _, where in todo if where is None}  # none: each credited to its ask
    # The facts of one visit (a text's, a visit's) read that visit alone, with the profile and the job: one read.
    visit = next(iter(placing)) if len(placing) == 1 else None
    context = repos.tallies.job_context(org_id, found[0].job_id, visit) if placing else None
    return sum(repos.tallies.count(org_id, fact.job_id, mark, where or where_of(fact, *context), fact.counts, fact.at,
                             keep_where=fact.keep_where) for fact, mark, where in todo)


def where_of(fact: Fact, time_zone: str | None, job: dict | None, appointments: list[dict]) -> Where:
    """The organization's day of the fact, and its job's channel, location and technician as they are now."""
    try:
        zone = ZoneInfo(time_zone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    if fact.appointment_id:
        visit = next((a for a in appointments if a.get("appointment_id") == fact.appointment_id), None)
    else:  # a fact of the whole job (feedback): its latest visit
        visit = max(appointments, key=lambda a: str(a.get("window_start", "")), default=None)
    job = job or {}
    return Where(day=fact.at.astimezone(zone).date().isoformat(),
                 channel=str(job.get("channel") or "unknown"), location=str(job.get("location_id") or "none"),
                 technician=str((visit or {}).get("technician_id") or "unassigned"))


def report(repos: Repositories, org_id: str, first: date, last: date, group_by: str,
           split: str | None = None) -> dict:
    """GET /analytics: the counters of the days from `first` to `last` (the organization's days), by
    group_by, and within each day or week by `split` when asked."""
    dimension = split or ("day" if group_by in ("day", "week") else group_by)
    r = Report(group_by, first, last, split)
    for sort_key, counters in repos.tallies.read(org_id, dimension, first, last):
        r.add(sort_key, counters)
    body = r.body()
    if "technician" in (group_by, split):  # the console and the app show a person, not a user id
        names = {u.id: u.name for u in repos.users.of_org(org_id)}
        for group in body["groups"] + [body["total"]]:
            for named in ([group] if group_by == "technician" else group.get("split", [])):
                named["name"] = names.get(named["key"])
    return body
