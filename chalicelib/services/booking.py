"""The public booking page (seed 004: "a service request submitted from our customer booking page" → new offer).
Anyone may ask, so: a honeypot field, at most 3 requests per phone number per day and per client address per
hour, nothing stored on a refused request, and one job per submitted form."""
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .. import clock
from ..domain import ids
from ..domain.consent import ConsentEvent, ConsentRecord, Source
from ..domain.customer_page import nonce as form_key
from ..domain.customers import ContactChannel, Customer
from ..domain.errors import DomainError, LimitReached, NotFound, ValidationError
from ..domain.frames import Withdrawn, frame_start, generate
from ..domain.jobs import Job
from ..domain.people import Organization
from ..domain.values import TimeFrame, e164
from .frames import open_frames as open_frames_of
from .repositories import Repositories

PER_PHONE_PER_DAY = 3
PER_CLIENT_PER_HOUR = 3
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LIMITS = {"name": 200, "address": 500, "description": 2000}


class Refused(DomainError):
    """The honeypot was filled in: a robot, most likely. Nothing is stored."""
    code = "refused"


class TooMany(DomainError):
    code = "too_many_requests"


@dataclass
class BookingPage:
    org: Organization
    frames: list[TimeFrame]


def organization(repos: Repositories, slug: str) -> Organization:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise NotFound("organization")  # never looked up
    return repos.organizations.get(repos.organizations.id_for_slug(slug))


def page(repos: Repositories, slug: str) -> BookingPage:
    org = organization(repos, slug)
    return BookingPage(org, open_frames(repos, org, clock.now()))


def open_frames(repos: Repositories, org: Organization, now: datetime) -> list[TimeFrame]:
    """The organization's generated frames that still have a place, soonest first."""
    settings = repos.frames.settings(org.id, None)
    found = generate(settings, org.time_zone, now) if settings.generate else []
    return open_frames_of(repos, org.id, None, found, settings, now=now, current=None, withdrawn=Withdrawn(), excluding=None)


def _text(field: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "please fill this in")
    if len(value) > LIMITS[field]:
        raise ValidationError(field, f"keep it under {LIMITS[field]} characters (it has {len(value)})")
    return value.strip()


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]  # counters keep no phone number or address in clear


def request(repos: Repositories, slug: str, values: dict, client: str) -> tuple[Job, bool]:
    """A `new_offer` job for the customer with this phone (created if new); (job, False) for a form sent again."""
    org, now = organization(repos, slug), clock.now()
    if values.get("website"):
        raise Refused("this request could not be sent")
    name, address, description = (_text(f, values.get(f)) for f in ("name", "address", "description"))
    raw_phone = values.get("phone")
    if not isinstance(raw_phone, str) or not raw_phone.strip():
        raise ValidationError("phone", "please give a mobile number we can text")
    phone = e164("phone", raw_phone.strip())
    frame = None
    if values.get("frame_start"):
        try:
            start = frame_start(values["frame_start"])
        except ValidationError:
            raise ValidationError("frame_start", "is not one of the times offered") from None
        frame = next((f for f in open_frames(repos, org, now) if f.start == start), None)
        if frame is None:
            raise ValidationError("frame_start", "that time is no longer available: please pick another")
    key = form_key(values.get("nonce")) or _hashed("|".join((phone, name, address, description, str(frame))))
    if earlier := repos.bookings.earlier(org.id, key):
        return repos.jobs.get(org.id, earlier), False
    customer, new = repos.customers.by_phone(org.id, phone), None
    if customer is None:
        new = customer = Customer(id=ids.new_id("cus"), org_id=org.id, name=name, phone=phone, address=address,
                                  time_zone=org.time_zone, created_at=now, consent_source=Source.BOOKING_PAGE)
    if customer.address and customer.address != address:
        description = f"{description}\n\nAddress given: {address}"  # the request's own address is never lost
    job = Job.create(org.id, customer.id, description, now, offered=True, channel="booking_page")
    job.offered_window = frame
    day = now.astimezone(ZoneInfo(org.time_zone)).date().isoformat()
    counters = [("phone", _hashed(phone), day, PER_PHONE_PER_DAY, now + timedelta(days=2)),
                ("client", _hashed(client), now.strftime("%Y-%m-%dT%H"), PER_CLIENT_PER_HOUR, now + timedelta(hours=2))]
    try:
        # The form says "we text you about the visit": the request is the number's opt-in, new customer or not.
        opt_in = ConsentRecord(org.id, ContactChannel.SMS, phone, ConsentEvent.OPT_IN, Source.BOOKING_PAGE, now)
        earlier = repos.bookings.add(job, new, key, counters, now + timedelta(days=1), opt_in)
    except LimitReached as e:
        if e.which == "phone":
            raise TooMany(f"we already have {PER_PHONE_PER_DAY} requests from this phone number today. We will be "
                          f"in touch; for anything urgent, call {org.name} at {org.sms_number}") from None
        raise TooMany(f"too many requests from this connection in the last hour. Please try again later or call "
                      f"{org.name} at {org.sms_number}") from None
    if earlier:
        return repos.jobs.get(org.id, earlier), False
    return job, True
