"""Select a time frame (seed 001's STF page): the customer picks a frame, soonest first; the visit moves to it
in one conditional write, the booking confirmation follows through the stream as for any reschedule, and
the technician is told. "None of these work" puts the visit in the callback queue with the customer's words.
The dispatcher reads what a customer would be offered, sends the link, and sets the working hours."""
import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from .. import clock
from ..config import environment
from ..domain import frames as rules
from ..domain import timefmt
from ..domain.customer_page import first_name
from ..domain.errors import Conflict, NotFound, ValidationError, VersionConflict
from ..domain.events import FramePicked
from ..domain.frames import FrameSettings, FrameSource, FrameTaken, count_booked
from ..domain.jobs import Appointment, Job
from ..domain.links import Link
from ..domain.messages import Message, new_message
from ..domain.notes import Note, Visibility
from ..domain.people import Role
from ..domain.queues import QueueEntry, QueueName
from ..domain.scenarios import LinkPurpose
from ..domain.status import AppointmentStatus, JobStatus
from ..domain.values import TimeFrame, mask
from . import customer_page
from .access import Caller
from .alerts import assigned_technician
from .ports import Senders
from .repositories import Repositories

logger = Logger(service="onmyway")
PICKED_NOTE = "note_stf"  # notes written by a pick: the stream texts the technician about them
CUSTOMER = "customer"  # a note's author when the customer did it on a page


class NotMovable(Conflict):
    """The visit is under way, done, or gone: the page says to call instead."""


@dataclass
class Choice:
    """What the STF page shows: the visit as it stands, and the frames the customer may pick."""
    visit: customer_page.Visit
    target: Appointment | None  # the visit a pick moves; None: a pick books a new visit on the job
    frames: list[TimeFrame]
    time_zone: str
    source: FrameSource

    @property
    def current(self) -> Appointment:
        return self.target or self.visit.appointment

    def text(self, frame: TimeFrame) -> str:
        return timefmt.window(frame.start, frame.end, self.time_zone)


def target(job: Job, appointment: Appointment) -> Appointment | None:
    """The visit a pick moves: the link's own while booked; after a cancel, the visit already rebooked through
    a link (so a second pick moves it rather than booking a third), else None (a new visit on the job)."""
    if appointment.status is AppointmentStatus.SCHEDULED and job.status is JobStatus.SCHEDULED:
        return appointment
    if appointment.status is AppointmentStatus.CANCELED or job.status is JobStatus.CANCELED:
        rebooked = [a for a in job.appointments if a.status is AppointmentStatus.SCHEDULED
                    and a.created_at >= appointment.updated_at and a.id != appointment.id]
        if job.status is JobStatus.SCHEDULED and rebooked:
            return max(rebooked, key=lambda a: a.created_at)
        if job.status in (JobStatus.CANCELED, JobStatus.SCHEDULED, JobStatus.COMPLETE, JobStatus.UNSCHEDULED):
            return None
    raise NotMovable("this visit is under way or done and can no longer be moved online: please call us")


def _zone_of_location(repos: Repositories, job: Job) -> str:
    if job.location_id:
        try:
            return repos.locations.get(job.org_id, job.location_id).time_zone
        except NotFound:
            pass
    return repos.organizations.get(job.org_id).time_zone


def candidates(repos: Repositories, job: Job, offered: list[TimeFrame], now: datetime) -> tuple[list[TimeFrame], str,
                                                                                         FrameSettings]:
    """The dispatcher's offered frames, else frames generated from the location's working hours."""
    settings = repos.frames.settings(job.org_id, job.location_id)
    if offered:
        return list(offered), FrameSource.OFFERED, settings
    if settings.generate:
        return rules.generate(settings, _zone_of_location(repos, job), now), FrameSource.GENERATED, settings
    return [], FrameSource.NONE, settings


def offer(repos: Repositories, job: Job, appointment: Appointment, now: datetime) -> tuple[list[TimeFrame], str]:
    """What a customer with a link to this visit may pick now (the same for the dispatcher's preview)."""
    moving = target(job, appointment)
    offered = (moving or appointment).offers or appointment.offers
    found, source, settings = candidates(repos, job, offered, now)
    if not found:
        return [], source
    return open_frames(repos, job.org_id, job.location_id, found, settings, now=now, current=moving and moving.window,
                       withdrawn=repos.frames.withdrawn(job.org_id, job.id), excluding=moving and moving.id), source


def open_frames(repos: Repositories, org_id: str, location_id: str | None, found: list[TimeFrame], settings: FrameSettings, *,
                now: datetime, current: TimeFrame | None, withdrawn: rules.Withdrawn,
                excluding: str | None) -> list[TimeFrame]:
    """The first MAX_SHOWN frames with a place, soonest first. Bookings are counted a UTC day at a time (the
    day index's partition), only until the page is full: two weeks of frames cost a few Queries, not fifteen."""
    left = rules.available(found, now=now, current=current, withdrawn=withdrawn, booked=count_booked([], []),
                           capacity=settings.visits_per_frame, limit=None)
    shown: list[TimeFrame] = []
    while left and len(shown) < rules.MAX_SHOWN:
        day = [f for f in left if f.start.date() == left[0].start.date()]
        left = left[len(day):]
        booked = repos.frames.booked(org_id, location_id, day[0].start, max(f.end for f in day), excluding)
        shown += rules.available(day, now=now, current=current, withdrawn=withdrawn,
                                 booked=count_booked(day, [w for _, w in booked]), capacity=settings.visits_per_frame)
    return shown[:rules.MAX_SHOWN]


def choice(repos: Repositories, link: Link) -> Choice:
    v = customer_page.visit(repos, link)
    shown, source = offer(repos, v.job, v.appointment, clock.now())
    return Choice(v, target(v.job, v.appointment), shown, v.ctx.time_zone, source)


# -- the customer's actions -------------------------------------------------------------------------

def pick(repos: Repositories, link: Link, start_value) -> Appointment:
    """Move the visit to the chosen frame (or rebook a canceled one), take its place, withdraw the frames
    behind it and tell the technician, all in one transaction; the same pick again does nothing more."""
    start = rules.frame_start(start_value)
    for attempt in range(3):
        v = customer_page.visit(repos, link)
        job, now = v.job, clock.now()
        moving = target(job, v.appointment)
        if moving is not None and moving.window.start == start:
            return moving  # a double submit: already done
        offered = (moving or v.appointment).offers or v.appointment.offers
        found, _, settings = candidates(repos, job, offered, now)
        withdrawn = repos.frames.withdrawn(job.org_id, job.id)
        frame = next((f for f in found if f.start == start and f.start > now and withdrawn.keeps(f)
                      and not (moving and f == moving.window)), None)
        if frame is None:
            raise ValidationError("start", "is not one of the times offered: please pick another")
        slot, holders = repos.frames.slot(job.org_id, job.location_id, frame, moving and moving.id)
        indexed = {a for a, w in repos.frames.booked(job.org_id, job.location_id, frame.start, frame.end,
                                                     moving and moving.id)}
        if len(indexed | set(holders)) >= settings.visits_per_frame:
            raise FrameTaken("that time was just taken: please pick another")
        before = moving and moving.window
        if moving is not None:
            moved = job.reschedule(moving.id, now, window=frame)
        else:
            moved = job.schedule(frame, now)  # reactivates a canceled job; its coupon stays with it
        tz = v.ctx.time_zone
        was = f" (was {timefmt.window(before.start, before.end, tz)})." if before else " to rebook the canceled visit."
        who = first_name(v.ctx.customer.name) or "The customer"
        text = f"{who} picked {timefmt.window(frame.start, frame.end, tz)} on the time-frame page{was}"
        once = hashlib.sha256(f"{moved.id}:{frame.start}:{job.version}".encode()).hexdigest()[:16]
        note = Note(id=f"{PICKED_NOTE}_{once}", job_id=job.id, author_id=CUSTOMER, text=text,
                    visibility=Visibility.PRIVATE, created_at=now)
        try:
            repos.frames.pick(job, slot, holders, moved.id, withdrawn.after_pick(frame), note)
            return moved
        except VersionConflict:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def none_work(repos: Repositories, link: Link, availability) -> QueueEntry:
    """The customer's own words in the callback queue (soonest window first); the frames they saw are
    withdrawn from later links. The same words through the same link twice: one entry."""
    words = rules.availability_text(availability)
    c = choice(repos, link)
    job, now = c.visit.job, clock.now()
    repos.frames.withdraw(job.org_id, job.id, repos.frames.withdrawn(job.org_id, job.id).after_decline(c.frames))
    current = c.current
    entry = QueueEntry(job.org_id, QueueName.CALLBACK, job.id, current.id,
                       f"None of the offered times work. Customer's availability: {words}", now,
                       order_at=current.window.start)
    key = f"none-work:{link.token_hash}:{hashlib.sha256(words.encode()).hexdigest()[:16]}"
    repos.queues.add(entry, key)
    return entry


# -- the dispatcher's side --------------------------------------------------------------------------

def _appointment(repos: Repositories, caller: Caller, appointment_id: str) -> tuple[Job, Appointment]:
    from .jobs import _appointment_job
    caller.require(Role.DISPATCHER)
    return _appointment_job(repos, caller, appointment_id)


def preview(repos: Repositories, caller: Caller, appointment_id: str) -> tuple[Appointment, list[TimeFrame], str]:
    job, appointment = _appointment(repos, caller, appointment_id)
    shown, source = offer(repos, job, appointment, clock.now())
    return appointment, shown, source


def send_link(repos: Repositories, caller: Caller, appointment_id: str) -> Message:
    """Seed 001's "send STF link": the text is stored queued with its link and sent by the stream handler.
    At most one per visit per day (the organization's), so a double click texts once."""
    job, appointment = _appointment(repos, caller, appointment_id)
    target(job, appointment)  # NotMovable for a visit under way or done
    org = repos.organizations.get(job.org_id)
    customer = repos.customers.get(job.org_id, job.customer_id)
    now = clock.now()
    token, link = Link.issue(job.org_id, job.id, appointment.id, LinkPurpose.RESCHEDULE, now)
    key = f"stf:{appointment.id}:{now.astimezone(ZoneInfo(org.time_zone)).date().isoformat()}"
    body = f"{org.name}: please pick a time for your visit: {environment().link_url(token)}"
    message = new_message(org.id, job.id, key, sender=org.sms_number, recipient=customer.phone, body=body, now=now,
                          author_id=caller.id, appointment_id=appointment.id)
    earlier = repos.messages.claim(message, [link])
    return earlier or message


def settings_of(repos: Repositories, caller: Caller, location_id: str | None) -> FrameSettings:
    caller.require(Role.DISPATCHER)
    _location(repos, caller, location_id)
    return repos.frames.stored_settings(caller.org_id, location_id) or (
        repos.frames.settings(caller.org_id, None) if location_id else FrameSettings())


def set_settings(repos: Repositories, caller: Caller, location_id: str | None, body: dict) -> FrameSettings:
    caller.require(Role.DISPATCHER)
    _location(repos, caller, location_id)
    settings = FrameSettings.parse(body)
    repos.frames.save_settings(caller.org_id, location_id, settings)
    return settings


def _location(repos: Repositories, caller: Caller, location_id: str | None) -> None:
    if location_id:
        try:
            repos.locations.get(caller.org_id, location_id)
        except NotFound:
            raise ValidationError("location_id", "no such location") from None


# -- the stream's side -----------------------------------------------------------------------------

def tell_technician(repos: Repositories, senders: Senders, event: FramePicked) -> None:
    """A customer picked a frame: the assigned technician with a phone gets a text, once per pick."""
    note = event.note
    try:
        job = repos.jobs.get(event.org_id, event.job_id)
    except NotFound:
        return
    technician_id = assigned_technician(job)
    if technician_id is None:
        return  # nobody assigned yet (a rebooked visit is assigned later): the note is enough
    ctx = repos.contexts.load(job.org_id, job.customer_id, technician_id, job.location_id)
    technician = ctx.technician
    if not (technician and technician.active and technician.phone):
        return
    if not repos.frames.claim_told(job.org_id, job.id, note.id, clock.now()):
        return  # a redelivered record: told already
    body = f"{ctx.org.name}: {note.text} Job details in the app."
    try:
        senders.sms.send(technician.phone, body, ctx.org.sms_number)
    except Exception:
        repos.frames.release_told(job.org_id, job.id, note.id)  # let the redelivery try again
        raise
    logger.info("technician told of a pick", extra={"job_id": job.id, "to": mask(technician.phone)})


def picked_note(note_id: str) -> bool:
    return note_id.startswith(PICKED_NOTE + "_")
