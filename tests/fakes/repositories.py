"""In-memory twins of the ports in chalicelib/services/ports.py. They keep the adapters' promises (the
contract tests in tests/contract run the same tests against both): versions and conditional writes raise
the same domain errors, a replayed claim returns the earlier message, a due timer is taken once, lists
come in the adapters' order and page through every item once. What they hand out is a copy, as a read
from DynamoDB is: changing it changes nothing stored."""
import base64
import json
import zlib
from collections import deque
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from chalicelib.config import environment
from chalicelib.domain import ids
from chalicelib.domain.channels import ChannelSettings
from chalicelib.domain.consent import given_with
from chalicelib.domain.contacts import customer_id_of, primary_of
from chalicelib.domain.errors import (
    AlreadyGiven,
    Conflict,
    LimitReached,
    LinkExpired,
    NotFound,
    ValidationError,
    VersionConflict,
)
from chalicelib.domain.events import CustomerWrote, FreeTextWritten, StaffWrote, appointment_events, job_events
from chalicelib.domain.frames import FrameSettings, FrameSlot, Withdrawn
from chalicelib.domain.ids import job_id_of_appointment
from chalicelib.domain.inbox import InboxItem
from chalicelib.domain.intake import Classification, Order, job_id_of_order
from chalicelib.domain.jobs import Appointment, Job
from chalicelib.domain.links import digest
from chalicelib.domain.messages import Direction, Message, MessageStatus
from chalicelib.domain.pacing import SendWindow, default_rate
from chalicelib.domain.queues import EntryState, QueueEntry, entry_id, job_id_of_entry
from chalicelib.domain.recipients import RecipientContext
from chalicelib.domain.scenarios import MessagingSettings
from chalicelib.domain.status import OPEN_APPOINTMENT, JobStatus
from chalicelib.domain.timers import Timer
from chalicelib.store.messages import RECEIPT_WAIT
from chalicelib.store.paging import Page

NEVER = 10**10


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _token(position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"fake": position}).encode()).decode()


def _position(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))["fake"]
    except (ValueError, TypeError, KeyError):
        raise ValidationError("next_token", "is not a token this API returned") from None


def page(items: list, order, limit: int, next_token: str | None, reverse: bool = False) -> Page:
    """One page of `items` in the order of `order` (a string per item), continuing after the token's position."""
    ranked = sorted(items, key=order, reverse=reverse)
    after = _position(next_token)
    if after is not None:
        ranked = [i for i in ranked if (order(i) < after if reverse else order(i) > after)]
    chunk = ranked[:limit]
    return Page([deepcopy(i) for i in chunk], _token(order(chunk[-1])) if len(ranked) > limit else None)


@dataclass
class World:
    """Everything the fakes hold, shared (as the one table is) so that, e.g., a job is read with its feedback."""
    organizations: dict = field(default_factory=dict)  # org_id -> Organization
    claims: dict = field(default_factory=dict)  # ("slug"|"number", value) -> org_id
    users: dict = field(default_factory=dict)  # (org_id, user_id) -> User
    locations: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)  # (org_id, contact_id) -> Contact (not the primary ones)
    jobs: dict = field(default_factory=dict)  # (org_id, job_id) -> Job without appointments
    appointments: dict = field(default_factory=dict)  # (org_id, job_id) -> {appointment_id: Appointment}
    notes: dict = field(default_factory=dict)  # (org_id, job_id) -> [Note]
    photos: dict = field(default_factory=dict)
    staff_messages: dict = field(default_factory=dict)  # (org_id, job_id) -> [StaffMessage]
    messages: dict = field(default_factory=dict)  # (org_id, job_id, key) -> Message
    due_at: dict = field(default_factory=dict)  # ("msg", org, job, key) | ("timer", org, job, appt, kind) -> when
    links: dict = field(default_factory=dict)  # token hash -> Link
    settings: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    classification: dict = field(default_factory=dict)
    timers: dict = field(default_factory=dict)  # (org, job, appointment, kind) -> Timer
    watermarks: dict = field(default_factory=dict)  # shard -> datetime
    queues: dict = field(default_factory=dict)  # (org_id, entry_id) -> QueueEntry
    inbox: dict = field(default_factory=dict)  # (org_id, user_id, item_id) -> InboxItem
    alerted: dict = field(default_factory=dict)  # (org_id, job_id, technician_id) -> datetime
    feedback: dict = field(default_factory=dict)  # (org_id, job_id) -> Feedback
    estimates: dict = field(default_factory=dict)  # (org_id, job_id, estimate_id) -> Estimate
    orders: dict = field(default_factory=dict)
    enrolled: list = field(default_factory=list)  # (org_id, email, roles)
    bookings: dict = field(default_factory=dict)  # (org_id, form key) -> job_id
    booking_counts: dict = field(default_factory=dict)  # (org_id, which, value, period) -> requests
    frame_settings: dict = field(default_factory=dict)  # (org_id, location_id or None) -> FrameSettings
    withdrawn: dict = field(default_factory=dict)  # (org_id, job_id) -> Withdrawn
    slots: dict = field(default_factory=dict)  # (org_id, location_id, frame start) -> (holders, version)
    told: set = field(default_factory=set)  # (org_id, job_id, note_id) of picks the technician was told of
    tally_marks: dict = field(default_factory=dict)  # (org_id, job_id, mark) -> Where kept, or None
    tallies: dict = field(default_factory=dict)  # (org_id, dimension, sort key) -> {metric: n}
    consent: dict = field(default_factory=dict)  # (org_id, address) -> [ConsentRecord], oldest first
    rates: dict = field(default_factory=dict)  # identity -> SendWindow kept by the last drain
    # What the table's stream would carry, in write order (tests/services replays it as the stream handler):
    # ("job", old job, new job, [(old appointment, new appointment), ...]), ("message", new message) and
    # ("staff", new staff message).
    changes: list = field(default_factory=list)


class _Part:
    def __init__(self, world: World):
        self.w = world


class FakeOrganizations(_Part):
    def create(self, org, first_dispatcher) -> None:
        taken = {("slug", org.slug), ("number", org.sms_number)} & set(self.w.claims)
        if taken or org.id in self.w.organizations or (org.id, first_dispatcher.id) in self.w.users:
            raise Conflict(f"slug {org.slug!r} or number {org.sms_number} is already taken")
        self.w.organizations[org.id] = deepcopy(org)
        self.w.users[(org.id, first_dispatcher.id)] = deepcopy(first_dispatcher)
        self.w.claims[("slug", org.slug)] = self.w.claims[("number", org.sms_number)] = org.id

    def get(self, org_id):
        if org_id not in self.w.organizations:
            raise NotFound("organization")
        return deepcopy(self.w.organizations[org_id])

    def save(self, org) -> None:
        self.get(org.id)
        self.w.organizations[org.id] = deepcopy(org)

    def id_for_number(self, number):
        return self._claim("number", number)

    def id_for_slug(self, slug):
        return self._claim("slug", slug)

    def _claim(self, what, value):
        if (what, value) not in self.w.claims:
            raise NotFound("organization")
        return self.w.claims[(what, value)]


class FakeUsers(_Part):
    def get(self, org_id, user_id):
        if (org_id, user_id) not in self.w.users:
            raise NotFound("user")
        return deepcopy(self.w.users[(org_id, user_id)])

    def org_of(self, user_id):
        for (org_id, uid) in self.w.users:
            if uid == user_id:
                return org_id
        raise NotFound("user")

    def add(self, user) -> None:
        if (user.org_id, user.id) in self.w.users:
            raise Conflict("user already exists")
        self.w.users[(user.org_id, user.id)] = deepcopy(user)

    def save(self, user) -> None:
        self.get(user.org_id, user.id)
        self.w.users[(user.org_id, user.id)] = deepcopy(user)

    def list(self, org_id, limit, next_token):
        return page(self.of_org(org_id), lambda u: u.id, limit, next_token)

    def of_org(self, org_id):
        return [deepcopy(u) for (o, _), u in sorted(self.w.users.items()) if o == org_id]


class FakeLocations(_Part):
    def get(self, org_id, location_id):
        if (org_id, location_id) not in self.w.locations:
            raise NotFound("location")
        return deepcopy(self.w.locations[(org_id, location_id)])

    def add(self, location) -> None:
        if (location.org_id, location.id) in self.w.locations:
            raise Conflict("location already exists")
        self.w.locations[(location.org_id, location.id)] = deepcopy(location)

    def save(self, location) -> None:
        self.get(location.org_id, location.id)
        self.w.locations[(location.org_id, location.id)] = deepcopy(location)

    def list(self, org_id, limit, next_token):
        mine = [loc for (o, _), loc in self.w.locations.items() if o == org_id]
        return page(mine, lambda loc: loc.id, limit, next_token)


class FakeCustomers(_Part):
    def get(self, org_id, customer_id):
        if (org_id, customer_id) not in self.w.customers:
            raise NotFound("customer")
        return deepcopy(self.w.customers[(org_id, customer_id)])

    def get_many(self, org_id, customer_ids):
        return {c: deepcopy(self.w.customers[(org_id, c)]) for c in customer_ids if (org_id, c) in self.w.customers}

    def by_phone(self, org_id, phone):
        found = [c for (o, _), c in self.w.customers.items() if o == org_id and c.phone and c.phone == phone]
        return deepcopy(max(found, key=lambda c: c.created_at)) if found else None

    def save(self, customer) -> None:
        self.get(customer.org_id, customer.id)
        self.w.customers[(customer.org_id, customer.id)] = deepcopy(customer)

    def add(self, customer) -> None:
        if (customer.org_id, customer.id) in self.w.customers:
            raise Conflict("customer already exists")
        self.w.customers[(customer.org_id, customer.id)] = deepcopy(customer)
        for record in given_with(customer):
            FakeConsents(self.w).add(record)


class FakeContacts(_Part):
    def of_customer(self, org_id, customer_id, customer=None):
        customer = customer or FakeCustomers(self.w).get(org_id, customer_id)
        others = sorted((c for (o, _), c in self.w.contacts.items() if o == org_id and c.customer_id == customer_id),
                        key=lambda c: (c.created_at, c.id))
        return [primary_of(customer), *deepcopy(others)]

    def get(self, org_id, contact_id):
        customer_id = customer_id_of(contact_id)
        if contact_id == customer_id:
            try:
                return primary_of(FakeCustomers(self.w).get(org_id, customer_id))
            except NotFound:
                raise NotFound("contact") from None
        if (org_id, contact_id) not in self.w.contacts:
            raise NotFound("contact")
        return deepcopy(self.w.contacts[(org_id, contact_id)])

    def by_phone(self, org_id, phone):
        found = [c for (o, _), c in self.w.contacts.items() if o == org_id and c.phone == phone]
        return deepcopy(max(found, key=lambda c: c.created_at)) if found else None

    def add(self, contact, opt_ins) -> None:
        if (contact.org_id, contact.id) in self.w.contacts:
            raise Conflict("contact already exists")
        self.w.contacts[(contact.org_id, contact.id)] = deepcopy(contact)
        for record in opt_ins:
            FakeConsents(self.w).add(record)

    def save(self, contact, opt_ins=()) -> None:
        self.get(contact.org_id, contact.id)
        self.w.contacts[(contact.org_id, contact.id)] = deepcopy(contact)
        for record in opt_ins:
            FakeConsents(self.w).add(record)

    def invited(self, contact, at) -> None:
        kept = self.w.contacts.get((contact.org_id, contact.id))
        if kept is not None and kept.invited_at is None:
            kept.invited_at = at

    def remove(self, org_id, contact_id) -> None:
        self.get(org_id, contact_id)
        del self.w.contacts[(org_id, contact_id)]


class FakeConsents(_Part):
    def add(self, record) -> None:
        records = self.w.consent.setdefault((record.org_id, record.address), [])
        records.append(record)
        records.sort(key=lambda r: r.at)  # stable: the same instant keeps the order written

    def of_address(self, org_id, address) -> list:
        return list(self.w.consent.get((org_id, address), []))


class FakeRates(_Part):
    def window(self, identity):
        kept = self.w.rates.get(identity)
        return deepcopy(kept) if kept else SendWindow(default_rate(identity))

    def keep(self, identity, window, now) -> None:
        kept = deepcopy(window)
        kept.recent = deque((at, parts) for at, parts in window.recent if at > now - 1.0)
        self.w.rates[identity] = kept


class FakeContexts(_Part):
    def for_run(self) -> "FakeContexts":
        return self  # nothing to save: the fakes read no partition

    def for_change(self) -> "FakeContexts":
        return self

    def settings(self, org_id) -> MessagingSettings:
        return deepcopy(self.w.settings.get(org_id, MessagingSettings()))

    def load(self, org_id, customer_id, technician_id, location_id, *, consent=False,
             contact_id=None) -> RecipientContext:
        w = self.w
        if org_id not in w.organizations or (org_id, customer_id) not in w.customers:
            raise NotFound("customer")
        customer = w.customers[(org_id, customer_id)]
        if contact_id:
            if (org_id, contact_id) not in w.contacts:
                raise NotFound("contact")
            customer = w.contacts[(org_id, contact_id)].as_addressee(customer)
        records = [r for address in {customer.phone, customer.email} - {None}
                   for r in w.consent.get((org_id, address), [])] if consent else []
        return RecipientContext(
            consent=tuple(sorted(records, key=lambda r: r.at)),
            org=deepcopy(w.organizations[org_id]),
            settings=deepcopy(w.settings.get(org_id, MessagingSettings())),
            customer=deepcopy(customer),
            technician=deepcopy(w.users.get((org_id, technician_id))) if technician_id else None,
            location=deepcopy(w.locations.get((org_id, location_id))) if location_id else None,
            channels=deepcopy(w.channels.get(org_id, ChannelSettings())))


def _job_order(job: Job) -> str:
    return f"{stamp(job.created_at)}#{job.id}"


def _appointment_order(a: Appointment) -> str:
    return f"{stamp(a.window.start)}#{a.id}"


class FakeJobs(_Part):
    def get(self, org_id, job_id) -> Job:
        stored = self.w.jobs.get((org_id, job_id))
        if stored is None or stored.status is JobStatus.DECLINED:
            raise NotFound("job")
        job = deepcopy(stored)
        job.appointments = sorted(deepcopy(list(self.w.appointments.get((org_id, job_id), {}).values())),
                                  key=lambda a: (a.window.start, a.id))
        job.feedback = deepcopy(self.w.feedback.get((org_id, job_id)))
        return job

    def save(self, job: Job) -> None:
        """All or nothing, each item on the version read (None: it must not exist yet), as the transaction."""
        stored = self.w.jobs.get((job.org_id, job.id))
        appointments = self.w.appointments.setdefault((job.org_id, job.id), {})

        def check(current, version) -> None:
            if (version is None and current is not None) or (
                    version is not None and (current is None or current.version != version)):
                raise VersionConflict()
        check(stored, job.version)
        touched = [a for a in job.appointments if a.id in job.touched]
        for a in touched:
            check(appointments.get(a.id), a.version)
        for a in job.removed:
            if a.version is not None:
                check(appointments.get(a.id), a.version)
        job.version = (job.version or 0) + 1
        changed = []
        for a in touched:
            a.version = (a.version or 0) + 1
            changed.append((appointments.get(a.id), deepcopy(a)))
            appointments[a.id] = deepcopy(a)
        for a in job.removed:
            changed.append((appointments.pop(a.id, None), None))
        job.touched.clear()
        job.removed.clear()
        self.w.jobs[(job.org_id, job.id)] = replace(deepcopy(job), appointments=[], feedback=None)
        self.w.changes.append(("job", deepcopy(stored), deepcopy(self.w.jobs[(job.org_id, job.id)]), changed))

    def _jobs(self, org_id):
        return [j for (o, _), j in self.w.jobs.items() if o == org_id]

    def list_all(self, org_id, status, limit, next_token):
        chosen = [j for j in self._jobs(org_id) if j.status.value == status] if status else \
            [j for j in self._jobs(org_id) if j.status is not JobStatus.DECLINED]
        return page(chosen, _job_order, limit, next_token, reverse=True)

    def list_offered_by(self, org_id, provider_id, limit, next_token):
        chosen = [j for j in self._jobs(org_id) if j.provider_id == provider_id and j.status is not JobStatus.DECLINED]
        return page(chosen, _job_order, limit, next_token, reverse=True)

    def _appointments(self, org_id):
        return [a for (o, _), found in self.w.appointments.items() if o == org_id for a in found.values()]

    def appointments_of_technician(self, org_id, technician_id, start, end, limit, next_token):
        mine = [a for a in self._appointments(org_id) if a.technician_id == technician_id and
                (not (start and end) or stamp(start) <= _appointment_order(a) <= stamp(end))]
        return page(mine, _appointment_order, limit, next_token)

    def appointments_starting(self, org_id, start, end):
        found = [a for a in self._appointments(org_id) if start <= a.window.start < end]
        return deepcopy(sorted(found, key=_appointment_order))

    def appointments_by_id(self, org_id, appointment_ids):
        found = {}
        for a in appointment_ids:
            if a and (stored := self.w.appointments.get((org_id, job_id_of_appointment(a)), {}).get(a)):
                found[a] = deepcopy(stored)
        return found

    def of_customer(self, org_id, customer_id, limit=20):
        mine = sorted((j for j in self._jobs(org_id) if j.customer_id == customer_id
                       and j.status is not JobStatus.DECLINED), key=_job_order, reverse=True)
        return deepcopy(mine[:limit])

    def get_many(self, org_id, job_ids):
        return {j: deepcopy(self.w.jobs[(org_id, j)]) for j in job_ids
                if (org_id, j) in self.w.jobs and self.w.jobs[(org_id, j)].status is not JobStatus.DECLINED}


class FakeNotes(_Part):
    def add(self, org_id, note) -> None:
        self.w.notes.setdefault((org_id, note.job_id), []).append(deepcopy(note))

    def add_photo(self, org_id, photo) -> None:
        self.w.photos.setdefault((org_id, photo.job_id), []).append(deepcopy(photo))

    def add_staff_message(self, m) -> None:
        self.w.staff_messages.setdefault((m.org_id, m.job_id), []).append(m)  # frozen: stored as given
        self.w.changes.append(("staff", m))

    def staff_messages(self, org_id, job_id):
        return sorted(self.w.staff_messages.get((org_id, job_id), []), key=lambda m: f"{stamp(m.created_at)}#{m.id}")

    def list(self, org_id, job_id, public_only, limit, next_token):
        return self._list(self.w.notes, org_id, job_id, public_only, limit, next_token)

    def list_photos(self, org_id, job_id, public_only, limit, next_token):
        return self._list(self.w.photos, org_id, job_id, public_only, limit, next_token)

    @staticmethod
    def _list(where, org_id, job_id, public_only, limit, next_token):
        items = [n for n in where.get((org_id, job_id), []) if not public_only or n.visibility.value == "public"]
        return page(items, lambda n: f"{stamp(n.created_at)}#{n.id}", limit, next_token)


def _message_order(m: Message) -> str:
    return f"{stamp(m.created_at)}#{m.id}"


class FakeMessages(_Part):
    """The ledger, and what it files in the due index (a held text at its release, a sent one for its receipt)."""

    def _file(self, m: Message) -> None:
        key = ("msg", m.org_id, m.job_id, m.key)
        self.w.due_at.pop(key, None)
        if m.status is MessageStatus.HELD and m.release_at:
            self.w.due_at[key] = m.release_at
        if m.provider_id and m.status is MessageStatus.SENT:
            self.w.due_at[key] = m.updated_at + RECEIPT_WAIT

    def claim(self, message, links):
        key = (message.org_id, message.job_id, message.key)
        if key in self.w.messages:
            return deepcopy(self.w.messages[key])
        self.w.messages[key] = deepcopy(message)
        self._file(message)
        self.w.changes.append(("message", deepcopy(message)))
        for link in links:
            self.w.links[link.token_hash] = link
        return None

    def was_claimed(self, org_id, job_id, key):
        return (org_id, job_id, key) in self.w.messages

    def claimed(self, org_id, job_id, key):
        if (org_id, job_id, key) not in self.w.messages:
            raise NotFound("message claim")
        return deepcopy(self.w.messages[(org_id, job_id, key)])

    def update(self, message) -> None:
        key = (message.org_id, message.job_id, message.key)
        if key not in self.w.messages:
            raise NotFound("message")
        self.w.messages[key] = deepcopy(message)
        self._file(message)

    def take_held(self, message):
        key = (message.org_id, message.job_id, message.key)
        stored = self.w.messages.get(key)
        if stored is None or stored.status is not MessageStatus.HELD:
            return None
        stored.status = MessageStatus.QUEUED
        self.w.due_at.pop(("msg", *key), None)
        return deepcopy(stored)

    def held_between(self, start, end):
        return [m for m in FakeDue(self.w).due_between(start, end)[0]
                if isinstance(m, Message) and m.status is MessageStatus.HELD]

    def by_provider_id(self, provider_id):
        for m in self.w.messages.values():
            if m.provider_id == provider_id:
                return deepcopy(m)
        return None

    def receipt(self, message, status, error, now,
                after=(MessageStatus.SENT, MessageStatus.UNKNOWN)):
        key = (message.org_id, message.job_id, message.key)
        stored = self.w.messages.get(key)
        if stored is None or stored.status not in after:
            return False
        stored.status, stored.updated_at, stored.error = status, now, error or None
        self.w.due_at.pop(("msg", *key), None)
        return True

    def conversation(self, org_id, job_id, limit, next_token):
        mine = [m for (o, j, _), m in self.w.messages.items() if (o, j) == (org_id, job_id)]
        return page(mine, _message_order, limit, next_token)


class FakeSettings(_Part):
    def messaging(self, org_id):
        return deepcopy(self.w.settings.get(org_id, MessagingSettings()))

    def save_messaging(self, org_id, s) -> None:
        self.w.settings[org_id] = deepcopy(s)


class FakeTimers(_Part):
    @staticmethod
    def _key(t: Timer):
        return t.org_id, t.job_id, t.appointment_id, t.kind.value

    def of_appointment(self, org_id, job_id, appointment_id):
        return [deepcopy(t) for k, t in sorted(self.w.timers.items()) if k[:3] == (org_id, job_id, appointment_id)]

    def put(self, timer, now) -> None:
        key = self._key(timer)
        self.w.timers[key] = deepcopy(timer)
        self.w.due_at.pop(("timer", *key), None)
        if timer.status == "pending":  # already due: filed at now, never behind the sweep's watermark
            self.w.due_at[("timer", *key)] = max(timer.due, now) if now else timer.due

    def remove(self, timer) -> None:
        key = self._key(timer)
        if key not in self.w.timers or self.w.timers[key].status != "pending":
            raise VersionConflict()
        del self.w.timers[key]
        self.w.due_at.pop(("timer", *key), None)

    def take(self, timer):
        key = self._key(timer)
        stored = self.w.timers.get(key)
        if stored is None or stored.status != "pending" or stored.due != timer.due:
            return None
        stored.status = "fired"
        self.w.due_at.pop(("timer", *key), None)
        return deepcopy(stored)


class FakeDue(_Part):
    def shards(self) -> int:
        return environment().due_shards

    def due_between(self, start, end, shard=None):
        found = []
        for key, at in self.w.due_at.items():
            if stamp(start) <= stamp(at) <= stamp(end) and shard in (None, _shard(key, self.shards())):
                if key[0] == "msg":
                    item = self.w.messages[key[1:]]
                    position = f"MSG#{_message_order(item)}"
                else:
                    item = self.w.timers[key[1:]]
                    position = f"TIMER#{item.appointment_id}#{item.kind.value}"
                found.append((f"{stamp(at)}#ORG#{item.org_id}#JOB#{item.job_id}#{position}", deepcopy(item)))
        hours = int((end.replace(minute=0, second=0, microsecond=0) -
                     start.replace(minute=0, second=0, microsecond=0)) / timedelta(hours=1)) + 1
        return [item for _, item in sorted(found, key=lambda f: f[0])], hours * (self.shards() if shard is None else 1)

    def watermark(self, shard):
        marks = self.w.watermarks
        return marks.get(shard, min(marks.values(), default=None))

    def advance_watermark(self, to, shard) -> None:
        to = to.replace(microsecond=0)
        if shard not in self.w.watermarks or self.w.watermarks[shard] < to:
            self.w.watermarks[shard] = to


def _shard(key: tuple, shards: int) -> int:
    """A job's items share a shard (as the store's do): any stable spread will do for the fakes."""
    return zlib.crc32(f"{key[1]}/{key[2]}".encode()) % shards


def _queue_order(e: QueueEntry) -> str:
    return f"{stamp(e.order_at)}#{e.id}"


class FakeQueues(_Part):
    def add(self, entry, key):
        entry.id = entry_id(entry.job_id or job_id_of_order(entry.order_id), key)
        if (entry.org_id, entry.id) in self.w.queues:
            return False
        entry.version = 1
        self.w.queues[(entry.org_id, entry.id)] = deepcopy(entry)
        return True

    def get(self, org_id, queue, id_):
        job_id_of_entry(id_)  # an id that names no job is refused as the adapter refuses it
        stored = self.w.queues.get((org_id, id_))
        if stored is None or stored.queue.value != queue:
            raise NotFound("queue entry")
        return deepcopy(stored)

    def save(self, entry) -> None:
        stored = self.w.queues.get((entry.org_id, entry.id))
        if (entry.version is None and stored is not None) or (
                entry.version is not None and (stored is None or stored.version != entry.version)):
            raise VersionConflict()
        entry.version = (entry.version or 0) + 1
        self.w.queues[(entry.org_id, entry.id)] = deepcopy(entry)

    def of_job(self, org_id, job_id):
        return [deepcopy(e) for (o, i), e in sorted(self.w.queues.items())
                if o == org_id and (e.job_id or job_id_of_order(e.order_id)) == job_id]

    def list(self, org_id, queue, state, limit, next_token):
        done = state is EntryState.DONE
        mine = [e for (o, _), e in self.w.queues.items() if o == org_id and e.queue.value == queue
                and (e.state is EntryState.DONE) == done and (state is None or done or e.state is state)]
        return page(mine, _queue_order, limit, next_token)


def _inbox_order(i: InboxItem) -> str:
    return f"{1 if i.read else 0}#{NEVER - int(i.created_at.timestamp()):010d}#{i.id}"


class FakeInbox(_Part):
    def add(self, item):
        key = (item.org_id, item.user_id, item.id)
        if key in self.w.inbox:
            return False
        self.w.inbox[key] = deepcopy(item)
        return True

    def list(self, org_id, user_id, limit, next_token):
        mine = [i for (o, u, _), i in self.w.inbox.items() if (o, u) == (org_id, user_id)]
        return page(mine, _inbox_order, limit, next_token)

    def mark_read(self, org_id, user_id, item_id, now):
        stored = self.w.inbox.get((org_id, user_id, item_id))
        if stored is None:
            raise NotFound("inbox item")
        if not stored.read:
            stored.read_at = now
        return deepcopy(stored)

    def may_text_technician(self, org_id, job_id, technician_id, now, every):
        last = self.w.alerted.get((org_id, job_id, technician_id))
        if last is not None and last > now - every:
            return False
        self.w.alerted[(org_id, job_id, technician_id)] = now
        return True


class FakeDirectory(_Part):
    """As the directory is on a stage without a user pool: ids minted here; calls recorded for the tests."""

    def enroll(self, org_id, email, roles):
        self.w.enrolled.append((org_id, email, roles))
        return ids.new_id("usr")

    def set_roles(self, email, before, after) -> None:
        pass  # no user pool to keep in step: the user record holds the roles

    def set_active(self, email, active) -> None:
        pass


class FakeLinks(_Part):
    def resolve(self, token, now):
        link = self.w.links.get(digest(token))
        if link is None:
            raise NotFound("link")
        if link.expires_at <= now:
            raise LinkExpired("this link has expired", link.org_id)
        return link


class FakeFeedback(_Part):
    def add(self, f) -> None:
        if (f.org_id, f.job_id) in self.w.feedback:
            raise AlreadyGiven()
        self.w.feedback[(f.org_id, f.job_id)] = f

    def between(self, org_id, start, end, limit, next_token):
        mine = [f for (o, _), f in self.w.feedback.items() if o == org_id and start <= f.created_at < end]
        return page(mine, lambda f: f"{stamp(f.created_at)}#{f.job_id}", limit, next_token)


class FakeEstimates(_Part):
    def add(self, e) -> None:
        e.version = 1
        self.w.estimates[(e.org_id, e.job_id, e.id)] = deepcopy(e)

    def save(self, e) -> None:
        stored = self.w.estimates.get((e.org_id, e.job_id, e.id))
        if stored is None or stored.version != e.version:
            raise VersionConflict()
        e.version += 1
        self.w.estimates[(e.org_id, e.job_id, e.id)] = deepcopy(e)

    def of_job(self, org_id, job_id):
        found = [deepcopy(e) for (o, j, _), e in self.w.estimates.items() if (o, j) == (org_id, job_id)]
        return sorted(found, key=lambda e: (e.created_at, e.id))

    def get(self, org_id, job_id, estimate_id):
        found = self.w.estimates.get((org_id, job_id, estimate_id))
        if found is None:
            raise NotFound("estimate")
        return deepcopy(found)


class FakeOrders(_Part):
    def claim(self, order: Order):
        key = (order.org_id, job_id_of_order(order.id))
        if key in self.w.orders:
            return deepcopy(self.w.orders[key])
        self.w.orders[key] = deepcopy(order)
        return None

    def save(self, order) -> None:
        self.w.orders[(order.org_id, job_id_of_order(order.id))] = deepcopy(order)


class FakeChannels(_Part):
    def get(self, org_id):
        return deepcopy(self.w.channels.get(org_id, ChannelSettings()))

    def save(self, org_id, s) -> None:
        self.w.channels[org_id] = deepcopy(s)


class FakeClassification(_Part):
    def get(self, org_id):
        return deepcopy(self.w.classification.get(org_id, Classification()))

    def save(self, org_id, c) -> None:
        self.w.classification[org_id] = deepcopy(c)



class FakeUploads(_Part):
    """Presigned URLs name the object and what may be done with it; these name the same, and sign nothing."""
    def upload_url(self, object_key: str, content_type: str) -> str:
        return f"https://uploads.invalid/{object_key}?method=PUT&content-type={content_type}"

    def download_url(self, object_key: str) -> str:
        return f"https://uploads.invalid/{object_key}?method=GET"

    def origin(self) -> str:
        return "https://uploads.invalid"


class FakeBookings(_Part):
    """The booking page's requests; the counters' expiry is the table's TTL, so it is not kept here."""
    def earlier(self, org_id, key):
        return self.w.bookings.get((org_id, key))

    def add(self, job, customer, key, counters, expires, consent):
        if (job.org_id, key) in self.w.bookings:
            return self.w.bookings[(job.org_id, key)]
        for which, value, period, limit, _ in counters:  # all checked before anything is written, as one transaction
            if self.w.booking_counts.get((job.org_id, which, value, period), 0) >= limit:
                raise LimitReached(which)
        if customer is not None and (customer.org_id, customer.id) in self.w.customers:
            raise Conflict("customer already exists")
        for which, value, period, _, _ in counters:
            counted = (job.org_id, which, value, period)
            self.w.booking_counts[counted] = self.w.booking_counts.get(counted, 0) + 1
        if customer is not None:  # the request's opt-in is the customer's only one, as in the transaction
            self.w.customers[(customer.org_id, customer.id)] = deepcopy(customer)
        FakeJobs(self.w).save(job)  # a new job: version 1, and its change on the stream
        FakeConsents(self.w).add(consent)
        self.w.bookings[(job.org_id, key)] = job.id
        return None


class FakeCustomerPages(_Part):
    def job_with_conversation(self, org_id, job_id):
        stored = self.w.jobs.get((org_id, job_id))
        if stored is None:
            return None
        job = deepcopy(stored)
        job.appointments = sorted(deepcopy(list(self.w.appointments.get((org_id, job_id), {}).values())),
                                  key=lambda a: (a.window.start, a.id))
        job.feedback = deepcopy(self.w.feedback.get((org_id, job_id)))
        mine = [m for (o, j, _), m in self.w.messages.items() if (o, j) == (org_id, job_id)]
        return job, deepcopy(sorted(mine, key=_message_order))


class FakeChanges(_Part):
    """World.changes' records read as the stream's: a job's with its appointments', a message's when claimed."""
    def events_of(self, change) -> list:
        if change[0] == "job":
            _, old, new, appointments = change
            found = list(job_events(old, new))
            for before, after in appointments:
                found += appointment_events(new.org_id, before, after)
            return found
        m = change[1]
        if change[0] == "staff":
            return [StaffWrote(m.org_id, m.job_id, 0, m.created_at, m)]
        if m.direction is Direction.OUTBOUND and m.status is MessageStatus.QUEUED and m.scenario is None:
            return [FreeTextWritten(m.org_id, m.job_id, 0, m.created_at, m)]
        if m.direction is Direction.INBOUND:
            return [CustomerWrote(m.org_id, m.job_id, 0, m.created_at, m)]
        return []

    def images(self, change):
        raise AssertionError("the fakes keep no item images: the analytics count from DynamoDB's, on moto "
                             "(tests/e2e/test_analytics.py)")



class FakeFrames(_Part):
    """Working hours, withdrawn frames, and the places taken in each frame (a slot: its holders, its version)."""
    def settings(self, org_id, location_id):
        for where in (location_id, None) if location_id else (None,):
            if (org_id, where) in self.w.frame_settings:
                return deepcopy(self.w.frame_settings[(org_id, where)])
        return FrameSettings()

    def stored_settings(self, org_id, location_id):
        return deepcopy(self.w.frame_settings.get((org_id, location_id)))

    def save_settings(self, org_id, location_id, settings) -> None:
        self.w.frame_settings[(org_id, location_id)] = deepcopy(settings)

    def withdrawn(self, org_id, job_id):
        return deepcopy(self.w.withdrawn.get((org_id, job_id), Withdrawn()))

    def withdraw(self, org_id, job_id, withdrawn) -> None:
        self.w.withdrawn[(org_id, job_id)] = deepcopy(withdrawn)

    def booked(self, org_id, location_id, start, end, excluding):
        jobs = FakeJobs(self.w)
        visits = [a for a in jobs.appointments_starting(org_id, start, end)
                  if a.status in OPEN_APPOINTMENT and a.id != excluding]
        of = jobs.get_many(org_id, {a.job_id for a in visits})
        return [(a.id, a.window) for a in visits if a.job_id in of and of[a.job_id].location_id == location_id]

    def slot(self, org_id, location_id, frame, excluding):
        holders, version = self.w.slots.get((org_id, location_id, frame.start), (frozenset(), None))
        still = []
        for a in sorted(holders - {excluding, None}):
            stored = self.w.appointments.get((org_id, job_id_of_appointment(a)), {}).get(a)
            if stored and stored.status in OPEN_APPOINTMENT and frame.start <= stored.window.start < frame.end:
                still.append(a)
        return FrameSlot(location_id, frame.start, frozenset(holders), version), still

    def pick(self, job, slot, holders, appointment_id, withdrawn, note) -> None:
        """Everything checked before anything is written, as the transaction does."""
        key = (job.org_id, slot.location_id, slot.start)
        if self.w.slots.get(key, (frozenset(), None))[1] != slot.version or \
                any(n.id == note.id for n in self.w.notes.get((job.org_id, job.id), [])):
            raise VersionConflict()
        FakeJobs(self.w).save(job)  # VersionConflict (and nothing written) if the job or a visit moved on
        self.w.slots[key] = (frozenset(holders) | {appointment_id}, (slot.version or 0) + 1)
        self.withdraw(job.org_id, job.id, withdrawn)
        FakeNotes(self.w).add(job.org_id, note)

    def claim_told(self, org_id, job_id, note_id, now):
        if (org_id, job_id, note_id) in self.w.told:
            return False
        self.w.told.add((org_id, job_id, note_id))
        return True

    def release_told(self, org_id, job_id, note_id) -> None:
        self.w.told.discard((org_id, job_id, note_id))


class FakeTallies(_Part):
    """The analytics counters: per dimension value and day, each fact (its mark) counted once."""
    def marks(self, org_id, job_id):
        return {mark: deepcopy(where) for (o, j, mark), where in self.w.tally_marks.items() if (o, j) == (org_id, job_id)}

    def job_context(self, org_id, job_id, appointment_id=None):
        """What the counting reads of the stored job: the organization's zone, the job's channel and location,
        each visit's technician and start (the one asked for alone, with `appointment_id`)."""
        org, job = self.w.organizations.get(org_id), self.w.jobs.get((org_id, job_id))
        visits = [a for a in self.w.appointments.get((org_id, job_id), {}).values()
                  if appointment_id in (None, a.id)]
        return (org.time_zone if org else None,
                {"channel": job.channel, "location_id": job.location_id} if job else None,
                [{"appointment_id": a.id, "technician_id": a.technician_id, "window_start": stamp(a.window.start)}
                 for a in visits])

    def count(self, org_id, job_id, mark, where, counts, at, keep_where=False):
        if (org_id, job_id, mark) in self.w.tally_marks:
            return False
        self.w.tally_marks[(org_id, job_id, mark)] = where if keep_where else None
        for dimension, sort_key in where.sort_keys().items():
            total = self.w.tallies.setdefault((org_id, dimension, sort_key), {})
            for metric, n in counts.items():
                total[metric] = total.get(metric, 0) + int(n)
        return True

    def read(self, org_id, dimension, first, last):
        low, high = first.isoformat(), last.isoformat() + "#\uffff"
        return sorted((sort_key, dict(counts)) for (o, d, sort_key), counts in self.w.tallies.items()
                      if (o, d) == (org_id, dimension) and low <= sort_key <= high)
