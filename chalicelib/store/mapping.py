"""Items as domain objects, and back, for the entities more than one store module reads or writes (a job's
partition is read whole by the job, the customer's page, the stream and the time-frame picker). Every store
module maps through here instead of reaching into another's privates, so the store's modules form no cycle.

What only one module writes stays there: a message's and a timer's item carry due-index keys (store/due.py),
which is why their readers are here and their writers are not."""
from collections.abc import Iterable

from ..domain.customers import Customer
from ..domain.feedback import Feedback
from ..domain.jobs import AccessNotes, Appointment, Confirmation, Coupon, Job
from ..domain.messages import Direction, Message, MessageStatus
from ..domain.notes import Note, Visibility
from ..domain.people import GeoPosition, Location, Organization, Role, User
from ..domain.status import AppointmentStatus, JobStatus
from ..domain.timers import Timer, TimerKind
from ..domain.values import TimeFrame
from . import keys
from .models import (
    AccessNotesMap,
    AppointmentItem,
    CoordinatesMap,
    CouponMap,
    CustomerItem,
    FeedbackItem,
    FrameMap,
    JobItem,
    LocationItem,
    MessageItem,
    NoteItem,
    OrganizationItem,
    TimerItem,
    UserItem,
)

# -- jobs and their appointments ----------------------------------------------------------------------

def job_item(job: Job) -> JobItem:
    listed = job.status is not JobStatus.DECLINED  # a declined offer leaves every list
    order = f"{keys.stamp(job.created_at)}#{job.id}"
    item = JobItem(
        pk=keys.job(job.org_id, job.id), sk=keys.JOB_SK, org_id=job.org_id, job_id=job.id,
        customer_id=job.customer_id, description=job.description, status=job.status.value,
        priority=job.priority, location_id=job.location_id, provider_id=job.provider_id,
        coupon=CouponMap(code=job.coupon.code, percent=job.coupon.percent) if job.coupon else None,
        cancel_reason=job.cancel_reason, canceled_by=job.canceled_by, channel=job.channel,
        offered_window=FrameMap(start=job.offered_window.start, end=job.offered_window.end)
        if job.offered_window else None,
        recipients=list(job.recipients) if job.recipients is not None else None,
        created_at=job.created_at, updated_at=job.updated_at,
        gsi1pk=keys.jobs_index(job.org_id) if listed else None, gsi1sk=order if listed else None,
        gsi2pk=keys.jobs_index(job.org_id, job.status.value), gsi2sk=order,
    )
    if job.version is not None:  # a new job is saved on condition that none exists yet
        item.version = job.version
    if listed:
        item.gsi4pk, item.gsi4sk = keys.customer_jobs_index(job.org_id, job.customer_id), order
    if job.provider_id and listed:
        item.gsi3pk, item.gsi3sk = keys.provider_index(job.org_id, job.provider_id), order
    return item


def appointment_item(org_id: str, a: Appointment) -> AppointmentItem:
    order = f"{keys.stamp(a.window.start)}#{a.id}"
    item = AppointmentItem(
        pk=keys.job(org_id, a.job_id), sk=keys.APPOINTMENT_SK_PREFIX + a.id, org_id=org_id, job_id=a.job_id,
        appointment_id=a.id, window_start=a.window.start, window_end=a.window.end,
        visit_code=a.visit_code,
        technician_id=a.technician_id, status=a.status.value, eta=a.eta, confirmation=a.confirmation.value,
        offers=[FrameMap(start=f.start, end=f.end) for f in a.offers], status_reason=a.status_reason,
        rejection_reason=a.rejection_reason, rejection_category=a.rejection_category, window_set_at=a.window_set_at,
        reschedules=a.reschedules, created_at=a.created_at, updated_at=a.updated_at,
        gsi2pk=keys.day_index(org_id, a.window.start.strftime("%Y-%m-%d")), gsi2sk=order,
    )
    if a.version is not None:
        item.version = a.version
    if a.expected:
        item.expected = FrameMap(start=a.expected.start, end=a.expected.end)
    if a.access_notes:
        item.access_notes = AccessNotesMap(**vars(a.access_notes))
    if a.technician_id:
        item.gsi1pk, item.gsi1sk = keys.technician_index(org_id, a.technician_id), order
    return item


def job_of(i: JobItem, appointments: Iterable[Appointment] = (), feedback: Feedback | None = None) -> Job:
    """The job with its appointments (put in window order) and feedback; lists read it without them."""
    job = Job(id=i.job_id, org_id=i.org_id, customer_id=i.customer_id, description=i.description,
              status=JobStatus(i.status), priority=i.priority, location_id=i.location_id,
              provider_id=i.provider_id, coupon=Coupon(i.coupon.code, int(i.coupon.percent)) if i.coupon else None,
              cancel_reason=i.cancel_reason, canceled_by=i.canceled_by, channel=i.channel or "phone",
              offered_window=TimeFrame(i.offered_window.start, i.offered_window.end) if i.offered_window else None,
              recipients=tuple(i.recipients) if i.recipients is not None else None,
              created_at=i.created_at, updated_at=i.updated_at,
              appointments=sorted(appointments, key=lambda a: (a.window.start, a.id)), version=i.version)
    job.feedback = feedback
    return job


def appointment_of(i: AppointmentItem) -> Appointment:
    return Appointment(id=i.appointment_id, job_id=i.job_id, window=TimeFrame(i.window_start, i.window_end),
                       visit_code=i.visit_code,
                       technician_id=i.technician_id, status=AppointmentStatus(i.status), eta=i.eta,
                       expected=TimeFrame(i.expected.start, i.expected.end) if i.expected else None,
                       confirmation=Confirmation(i.confirmation),
                       offers=[TimeFrame(f.start, f.end) for f in i.offers], status_reason=i.status_reason,
                       rejection_reason=i.rejection_reason, rejection_category=i.rejection_category,
                       window_set_at=i.window_set_at, reschedules=int(i.reschedules or 0),
                       access_notes=AccessNotes(**i.access_notes.as_dict()) if i.access_notes else None,
                       created_at=i.created_at, updated_at=i.updated_at, version=i.version)


def feedback_of(i: FeedbackItem) -> Feedback:
    return Feedback(i.org_id, i.job_id, i.appointment_id, int(i.rating), i.comment, i.created_at)


def note_of(i: NoteItem) -> Note:
    return Note(id=i.note_id, job_id=i.job_id, author_id=i.author_id, text=i.text,
                visibility=Visibility(i.visibility), created_at=i.created_at)


# -- what is due: texts and timers ---------------------------------------------------------------------

def message_of(i: MessageItem) -> Message:
    return Message(
        id=i.message_id, org_id=i.org_id, job_id=i.job_id, key=i.key, direction=Direction(i.direction),
        sender=i.sender, recipient=i.recipient, body=i.body, status=MessageStatus(i.status),
        segments=int(i.segments), scenario=i.scenario, appointment_id=i.appointment_id,
        window=TimeFrame(i.window_start, i.window_end) if i.window_start else None, release_at=i.release_at,
        provider_id=i.provider_id, error=i.error, author_id=i.author_id, created_at=i.created_at,
        updated_at=i.updated_at, channel=i.channel or "sms", payload=i.payload, time_zone=i.time_zone,
        region=i.region, contact_id=i.contact_id, copied_to=tuple(i.copied_to or ()))


def timer_of(i: TimerItem) -> Timer:
    return Timer(org_id=i.org_id, job_id=i.job_id, appointment_id=i.appointment_id, kind=TimerKind(i.timer_kind),
                 due=i.due, appointment_version=int(i.appointment_version), window_start=i.window_start,
                 status=i.status, step=int(i.step) if i.step is not None else None)


# -- the organization's own: its profile, users, locations and customers -------------------------------

def customer_item(c: Customer) -> CustomerItem:
    return CustomerItem(pk=keys.org(c.org_id), sk=f"CUST#{c.id}", org_id=c.org_id, customer_id=c.id, name=c.name,
                        phone=c.phone, email=c.email, time_zone=c.time_zone, address=c.address,
                        coordinates=CoordinatesMap(lat=c.coordinates[0], lon=c.coordinates[1]) if c.coordinates
                        else None,
                        opted_out=c.opted_out, opted_out_at=c.opted_out_at, opt_out_source=c.opt_out_source,
                        created_at=c.created_at, preferred_channel=c.preferred_channel,
                        whatsapp_inbound_at=c.whatsapp_inbound_at, region=c.region,
                        gsi1pk=keys.phone_index(c.org_id, c.phone) if c.phone else None,
                        gsi1sk=f"CUST#{c.id}" if c.phone else None)


def customer_of(i: CustomerItem) -> Customer:
    return Customer(id=i.customer_id, org_id=i.org_id, name=i.name, phone=i.phone, email=i.email,
                    time_zone=i.time_zone, address=i.address,
                    coordinates=(float(i.coordinates.lat), float(i.coordinates.lon)) if i.coordinates else None,
                    opted_out=bool(i.opted_out), opted_out_at=i.opted_out_at,
                    opt_out_source=i.opt_out_source, created_at=i.created_at,
                    preferred_channel=i.preferred_channel or "sms", whatsapp_inbound_at=i.whatsapp_inbound_at,
                    region=i.region)


def org_of(i: OrganizationItem) -> Organization:
    return Organization(id=i.org_id, name=i.name, slug=i.slug, time_zone=i.time_zone,
                        sms_number=i.sms_number, created_at=i.created_at, brand_color=i.brand_color,
                        logo_url=i.logo_url)


def user_of(i: UserItem) -> User:
    p = i.last_position
    return User(id=i.user_id, org_id=i.org_id, name=i.name, email=i.email, phone=i.phone,
                roles=frozenset(Role(r) for r in i.roles), active=i.active, created_at=i.created_at,
                photo_key=i.photo_key,
                last_position=GeoPosition(lat=float(p.lat), lon=float(p.lon), at=p.at, heading=p.heading,
                                          speed=p.speed) if p else None)


def location_of(i: LocationItem) -> Location:
    return Location(id=i.location_id, org_id=i.org_id, name=i.name, time_zone=i.time_zone,
                    direct_reply_enabled=i.direct_reply_enabled, created_at=i.created_at)
