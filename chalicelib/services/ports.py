"""The ports the services depend on: what each repository promises, in domain terms only.

The PynamoDB adapters in store/ implement them (bootstrap.store_repositories() bundles them);
tests/fakes holds an in-memory twin of each, and tests/contract runs the same tests against both. A
promise that matters to the services is written in the docstring: the twin must keep it too."""
from __future__ import annotations  # `list` is also a method name in these classes

from datetime import date, datetime, timedelta
from typing import Protocol

from ..domain.analytics import Where
from ..domain.channels import ChannelSettings
from ..domain.consent import ConsentRecord
from ..domain.contacts import Contact
from ..domain.customers import Customer
from ..domain.estimates import Estimate
from ..domain.events import DomainEvent
from ..domain.feedback import Feedback
from ..domain.frames import FrameSettings, FrameSlot, Withdrawn
from ..domain.inbox import InboxItem
from ..domain.intake import Classification, Order
from ..domain.jobs import Appointment, Job
from ..domain.links import Link
from ..domain.lists import Page
from ..domain.messages import Message, MessageStatus
from ..domain.notes import Note, Photo, StaffMessage
from ..domain.pacing import QueuedText, SendWindow
from ..domain.people import Location, Organization, Role, User
from ..domain.queues import EntryState, QueueEntry
from ..domain.recipients import RecipientContext
from ..domain.scenarios import MessagingSettings
from ..domain.timers import Timer
from ..domain.values import TimeFrame


class OrganizationRepository(Protocol):
    def create(self, org: Organization, first_dispatcher: User) -> None:
        """With its first dispatcher; Conflict if its slug or SMS number is taken (then nothing is stored)."""

    def get(self, org_id: str) -> Organization:
        """NotFound if there is none."""

    def save(self, org: Organization) -> None:
        """NotFound if it was never created."""

    def id_for_number(self, number: str) -> str:
        """The organization owning this SMS number; NotFound if none."""

    def id_for_slug(self, slug: str) -> str: ...


class UserRepository(Protocol):
    def get(self, org_id: str, user_id: str) -> User: ...

    def org_of(self, user_id: str) -> str: ...

    def add(self, user: User) -> None:
        """Conflict if the user exists."""

    def save(self, user: User) -> None:
        """NotFound if the user does not exist."""

    def list(self, org_id: str, limit: int, next_token: str | None) -> Page[User]:
        """In id order; every user once across the pages."""

    def of_org(self, org_id: str) -> list[User]: ...


class LocationRepository(Protocol):
    def get(self, org_id: str, location_id: str) -> Location: ...

    def add(self, location: Location) -> None:
        """Conflict if added before."""

    def save(self, location: Location) -> None: ...

    def list(self, org_id: str, limit: int, next_token: str | None) -> Page[Location]: ...


class CustomerRepository(Protocol):
    def get(self, org_id: str, customer_id: str) -> Customer: ...

    def get_many(self, org_id: str, customer_ids: set[str]) -> dict[str, Customer]: ...

    def by_phone(self, org_id: str, phone: str) -> Customer | None:
        """The newest of the organization's customers with this number."""

    def save(self, customer: Customer) -> None:
        """NotFound if never added."""

    def add(self, customer: Customer) -> None:
        """Conflict if added before."""


class ContactRepository(Protocol):
    def of_customer(self, org_id: str, customer_id: str, customer: Customer | None = None) -> list[Contact]:
        """The primary contact (the customer itself) first, then the others in the order they were added;
        NotFound if the customer is missing. `customer`: already read (the customer is not read again)."""

    def get(self, org_id: str, contact_id: str) -> Contact:
        """A customer's id names its primary contact; NotFound if none."""

    def by_phone(self, org_id: str, phone: str) -> Contact | None:
        """The newest contact with this number that is not a customer's own."""

    def add(self, contact: Contact, opt_ins: list[ConsentRecord]) -> None:
        """With the opt-ins of its addresses, all or nothing; Conflict if added before."""

    def save(self, contact: Contact, opt_ins: list[ConsentRecord] = ()) -> None:
        """NotFound if removed."""

    def invited(self, contact: Contact, at: datetime) -> None:
        """Record when their first invitation went (a later one, or a removed contact, changes nothing)."""

    def remove(self, org_id: str, contact_id: str) -> None:
        """NotFound if none."""


class RecipientContexts(Protocol):
    def for_run(self) -> RecipientContexts:
        """A loader for one sweep run: what is the organization's own (not the customer) is read once."""

    def for_change(self) -> RecipientContexts:
        """A loader for the reactions to one stored change: everything, the customer too, is read once."""

    def settings(self, org_id: str) -> MessagingSettings:
        """The organization's messaging settings (the defaults if none were saved), once a run for a run's loader."""

    def load(self, org_id: str, customer_id: str, technician_id: str | None,
             location_id: str | None, *, consent: bool = False, contact_id: str | None = None) -> RecipientContext:
        """NotFound if the organization or the customer is missing; defaults for missing settings. With
        `consent`, the consent records of the customer's phone and email too (oldest first). With `contact_id`,
        the context of a text to that contact of the customer (Contact.as_addressee); NotFound if removed."""


class JobRepository(Protocol):
    def get(self, org_id: str, job_id: str) -> Job:
        """The job with its appointments (in window order) and feedback; NotFound if none or declined."""

    def save(self, job: Job) -> None:
        """The job and the appointments it touched, all or nothing, on the versions read: VersionConflict if
        someone wrote first. Versions move on in the saved job; touched/removed are cleared."""

    def list_all(self, org_id: str, status: str | None, limit: int, next_token: str | None) -> Page[Job]: ...

    def list_offered_by(self, org_id: str, provider_id: str, limit: int, next_token: str | None) -> Page[Job]: ...

    def appointments_of_technician(self, org_id: str, technician_id: str, start: datetime | None,
                                   end: datetime | None, limit: int, next_token: str | None) -> Page[Appointment]: ...

    def appointments_starting(self, org_id: str, start: datetime, end: datetime) -> list[Appointment]: ...

    def appointments_by_id(self, org_id: str, appointment_ids: set[str | None]) -> dict[str, Appointment]: ...

    def of_customer(self, org_id: str, customer_id: str, limit: int = 20) -> list[Job]:
        """Newest first, without their appointments; declined jobs are not listed."""

    def get_many(self, org_id: str, job_ids: set[str]) -> dict[str, Job]: ...


class NoteRepository(Protocol):
    def add(self, org_id: str, note: Note) -> None: ...

    def add_photo(self, org_id: str, photo: Photo) -> None: ...

    def list(self, org_id: str, job_id: str, public_only: bool, limit: int, next_token: str | None) -> Page[Note]: ...

    def list_photos(self, org_id: str, job_id: str, public_only: bool, limit: int,
                    next_token: str | None) -> Page[Photo]: ...

    def add_staff_message(self, m: StaffMessage) -> None: ...

    def staff_messages(self, org_id: str, job_id: str) -> list[StaffMessage]:
        """The job's staff messages, oldest first."""


class MessageLedger(Protocol):
    def claim(self, message: Message, links: list[Link]) -> Message | None:
        """Record the message (and its links) once per (job, key): None when this call recorded it, else the
        message the earlier claim recorded (a replay), unchanged. A held message is filed as due."""

    def claimed(self, org_id: str, job_id: str, key: str) -> Message:
        """The message claimed for this key; NotFound if none."""

    def was_claimed(self, org_id: str, job_id: str, key: str) -> bool: ...

    def update(self, message: Message) -> None:
        """A claimed message's new state (held: due at release_at; sent: due for its receipt check)."""

    def take_held(self, message: Message) -> Message | None:
        """Claim a held message for release (queued, no longer due); None if it is no longer held."""

    def held_between(self, start: datetime, end: datetime) -> list[Message]: ...

    def by_provider_id(self, provider_id: str) -> Message | None: ...

    def receipt(self, message: Message, status: MessageStatus, error: str | None, now: datetime,
                after: tuple[MessageStatus, ...] = ...) -> bool:
        """Record a receipt unless the stored status is not in `after` (then False); no longer due."""

    def conversation(self, org_id: str, job_id: str, limit: int, next_token: str | None) -> Page[Message]:
        """The job's messages oldest first; every message once across the pages."""


class MessagingSettingsStore(Protocol):
    def messaging(self, org_id: str) -> MessagingSettings:
        """The defaults if none were saved."""

    def save_messaging(self, org_id: str, s: MessagingSettings) -> None: ...


class TimerRepository(Protocol):
    def of_appointment(self, org_id: str, job_id: str, appointment_id: str) -> list[Timer]: ...

    def put(self, timer: Timer, now: datetime) -> None:
        """Create or move a timer: pending, due at its time (or at `now` if that has passed)."""

    def remove(self, timer: Timer) -> None:
        """Only while pending (a fired timer stays as the record that it fired): VersionConflict otherwise."""

    def take(self, timer: Timer) -> Timer | None:
        """Claim a due timer once: fired, no longer due. None if it is not pending at that due time any
        more (another sweep took it, or it moved)."""


class DueIndex(Protocol):
    def shards(self) -> int:
        """How many shards the index spreads each hour over: the sweep runs once a minute per shard."""

    def due_between(self, start: datetime, end: datetime, shard: int | None = None) \
            -> tuple[list[Timer | Message], int]:
        """Pending timers, held messages and sent ones awaiting a receipt due in [start, end] (whole
        seconds) in one shard (None: every shard), in due order; and the number of reads it took. Each item
        is in exactly one shard."""

    def watermark(self, shard: int) -> datetime | None:
        """The due time up to which the shard's sweep has acted; for a shard without one yet, the slowest
        shard's (None when no shard has one)."""

    def advance_watermark(self, to: datetime, shard: int) -> None:
        """Only forward: an older value is ignored."""


class QueueRepository(Protocol):
    def add(self, entry: QueueEntry, key: str) -> bool:
        """Once per (job, key): sets the entry's id and version 1; False if that key was added before."""

    def get(self, org_id: str, queue: str, id_: str) -> QueueEntry:
        """NotFound if none, or if it is in another queue."""

    def save(self, entry: QueueEntry) -> None:
        """On the version read: VersionConflict if someone saved first; the version moves on."""

    def of_job(self, org_id: str, job_id: str) -> list[QueueEntry]: ...

    def list(self, org_id: str, queue: str, state: EntryState | None, limit: int,
             next_token: str | None) -> Page[QueueEntry]:
        """Oldest waiting first (by order_at, then id); without a state, open and claimed; every entry once."""


class InboxRepository(Protocol):
    def add(self, item: InboxItem) -> bool:
        """Once per user and message; False if added before."""

    def list(self, org_id: str, user_id: str, limit: int, next_token: str | None) -> Page[InboxItem]:
        """Unread first, newest first."""

    def mark_read(self, org_id: str, user_id: str, item_id: str, now: datetime) -> InboxItem: ...

    def may_text_technician(self, org_id: str, job_id: str, technician_id: str, now: datetime,
                            every: timedelta) -> bool:
        """True (and noted) unless the technician was texted about the job within `every`."""


class UserDirectory(Protocol):
    def enroll(self, org_id: str, email: str, roles: frozenset[Role]) -> str: ...

    def set_roles(self, email: str, before: frozenset[Role], after: frozenset[Role]) -> None: ...

    def set_active(self, email: str, active: bool) -> None: ...


class LinkResolver(Protocol):
    def resolve(self, token: str, now: datetime) -> Link:
        """NotFound for an unknown token; LinkExpired past its expiry."""


class FeedbackRepository(Protocol):
    def add(self, f: Feedback) -> None:
        """Once per job: AlreadyGiven for a second."""

    def between(self, org_id: str, start: datetime, end: datetime, limit: int,
                next_token: str | None) -> Page[Feedback]: ...


class EstimateRepository(Protocol):
    def add(self, e: Estimate) -> None:
        """A new estimate (its version set)."""

    def save(self, e: Estimate) -> None:
        """Under its version: VersionConflict if it changed meanwhile."""

    def of_job(self, org_id: str, job_id: str) -> list[Estimate]:
        """Oldest first."""

    def get(self, org_id: str, job_id: str, estimate_id: str) -> Estimate:
        """NotFound if none."""


class OrderRepository(Protocol):
    def claim(self, order: Order) -> Order | None:
        """None if new; else the order as first recorded."""

    def save(self, order: Order) -> None: ...


class ChannelSettingsStore(Protocol):
    def get(self, org_id: str) -> ChannelSettings: ...

    def save(self, org_id: str, s: ChannelSettings) -> None: ...


class ClassificationStore(Protocol):
    def get(self, org_id: str) -> Classification: ...

    def save(self, org_id: str, c: Classification) -> None: ...


class PhotoUploads(Protocol):
    """Photo bytes go straight between the app and the bucket: the API hands out presigned URLs."""
    def upload_url(self, object_key: str, content_type: str) -> str: ...

    def download_url(self, object_key: str) -> str: ...

    def origin(self) -> str: ...


class BookingRequests(Protocol):
    """Requests from the public booking page, each stored with its counters or not at all."""
    def earlier(self, org_id: str, key: str) -> str | None:
        """The job an earlier submit of this form (its key) created; None if none."""

    def add(self, job: Job, customer: Customer | None, key: str,
            counters: list[tuple[str, str, str, int, datetime]], expires: datetime,
            consent: ConsentRecord) -> str | None:
        """The job (and its customer, when new) and the opt-in the request carries, once per form key: None if
        stored now, else the job of the earlier submit. `counters`: (which, value, period, limit, until): each
        counts the requests per value per period; LimitReached(which) for the first one full, and then nothing
        is stored."""


class CustomerPageReader(Protocol):
    def job_with_conversation(self, org_id: str, job_id: str) -> tuple[Job, list[Message]] | None:
        """The job with its appointments and feedback, and its messages oldest first, in one read; None if
        there is no such job."""


class FrameRepository(Protocol):
    """Time frames: working hours, what a job's links withdrew, and who took a place in a frame."""
    def settings(self, org_id: str, location_id: str | None) -> FrameSettings:
        """The location's own working hours, else the organization's, else the defaults."""

    def stored_settings(self, org_id: str, location_id: str | None) -> FrameSettings | None:
        """Only what was saved for this location (or, with None, the organization)."""

    def save_settings(self, org_id: str, location_id: str | None, settings: FrameSettings) -> None: ...

    def withdrawn(self, org_id: str, job_id: str) -> Withdrawn: ...

    def withdraw(self, org_id: str, job_id: str, withdrawn: Withdrawn) -> None: ...

    def booked(self, org_id: str, location_id: str | None, start: datetime, end: datetime,
               excluding: str | None) -> list[tuple[str, TimeFrame]]:
        """Ids and windows of the location's open visits starting in [start, end), but `excluding`."""

    def slot(self, org_id: str, location_id: str | None, frame: TimeFrame,
             excluding: str | None) -> tuple[FrameSlot, list[str]]:
        """The frame's slot, and the visits a pick put there that are still in it (but `excluding`)."""

    def pick(self, job: Job, slot: FrameSlot, holders: list[str], appointment_id: str, withdrawn: Withdrawn,
             note: Note) -> None:
        """The moved visit, the place taken, the withdrawal and the note, all or nothing: VersionConflict if
        the job or the slot changed since read."""

    def claim_told(self, org_id: str, job_id: str, note_id: str, now: datetime) -> bool:
        """Once per pick: False if the technician was told already."""

    def release_told(self, org_id: str, job_id: str, note_id: str) -> None: ...


class Tallies(Protocol):
    """The analytics counters, each fact counted once (its mark)."""
    def marks(self, org_id: str, job_id: str) -> dict[str, Where | None]:
        """The job's facts counted so far; an `asked:` mark with where it was counted."""

    def job_context(self, org_id: str, job_id: str, appointment_id: str | None = None) -> tuple[
            str | None, dict | None, list[dict]]:
        """The organization's time zone, and the job and its appointments as stored (plain values); with
        `appointment_id`, that appointment alone (one read)."""

    def count(self, org_id: str, job_id: str, mark: str, where: Where, counts: dict[str, int], at: datetime,
              keep_where: bool = False) -> bool:
        """Add `counts` to the counters of `where` unless `mark` was counted before (then False)."""

    def read(self, org_id: str, dimension: str, first: date, last: date) -> list[tuple[str, dict[str, int]]]:
        """The counters of `dimension` from day `first` to day `last`: (sort key, {metric: n}), by key."""


class ChangeReader(Protocol):
    """The stream's change records, read: its record format is the adapter's."""
    def events_of(self, record) -> list[DomainEvent]:
        """The domain events in one change record; UnreadableRecord if it is not one of this table's."""

    def images(self, record) -> tuple[dict | None, dict | None]:
        """The record's old and new item as plain values (None where there is none); UnreadableRecord if
        they cannot be read."""


class TextQueue(Protocol):
    """Where claimed SMS wait for the drainer, which sends them at their identity's rate."""
    def configured(self) -> bool: ...

    def put(self, text: QueuedText) -> None: ...

    def receive(self, urgent: bool) -> list[QueuedText]:
        """Up to 10 texts of that lane, hidden from other readers until done or given back."""

    def done(self, text: QueuedText) -> None: ...

    def give_back(self, texts: list[QueuedText]) -> None: ...


class Senders(Protocol):
    """Every way out (notify/senders.py): `send` puts a claimed message on its channel and returns the provider's
    id, raising when the provider refuses; `voice` places calls; `texts` is the SMS queue (None: SMS go inline)."""
    sms: object
    voice: object
    texts: TextQueue | None

    def send(self, message: Message) -> str: ...


class SendRates(Protocol):
    def window(self, identity: str) -> SendWindow:
        """What the identity may send, and what it sent in its last second (kept by the last drainer run)."""

    def keep(self, identity: str, window: SendWindow, now: float) -> None: ...


class ConsentRecords(Protocol):
    def add(self, record: ConsentRecord) -> None:
        """Appended after every record written before it (inbound texts reach it once: their idempotency)."""

    def of_address(self, org_id: str, address: str) -> list[ConsentRecord]:
        """Every record of the address in the organization, oldest first."""
