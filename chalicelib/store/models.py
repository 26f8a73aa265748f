"""PynamoDB models of the single OnMyWay table (infra/template.yaml).

One partition per organization (`ORG#o`) holds its profile, users, customers and locations; one
partition per job (`ORG#o#JOB#j`) holds the job, its appointments, notes and photos, so a job is
read whole with one Query. Three overloaded indexes serve the lists (docs/data-and-access-patterns.md).
"""
from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..config import environment


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()
    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()
    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class Gsi4(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi4"
        projection = AllProjection()
    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class Entity(Model):
    """Base of every item; `kind` tells PynamoDB which class a queried item is."""
    class Meta:
        table_name = "onmyway"  # bound from settings by bind() before every use

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()
    gsi4 = Gsi4()


def bind() -> type[Entity]:
    """Point the models at the configured table and region (lazily: settings may change per call)."""
    s = environment()
    Entity.Meta.table_name = s.table_name
    Entity.Meta.region = s.region
    return Entity


class ClaimItem(Entity, discriminator="claim"):
    """A unique name owned by an organization: its slug, its SMS number."""
    org_id = UnicodeAttribute()


class OrganizationItem(Entity, discriminator="organization"):
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    sms_number = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    brand_color = UnicodeAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)


class LocationItem(Entity, discriminator="location"):
    org_id = UnicodeAttribute()
    location_id = UnicodeAttribute()
    name = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    direct_reply_enabled = BooleanAttribute()
    created_at = UTCDateTimeAttribute()


class PositionMap(MapAttribute):
    lat = NumberAttribute()
    lon = NumberAttribute()
    at = UTCDateTimeAttribute()
    heading = NumberAttribute(null=True)
    speed = NumberAttribute(null=True)


class UserItem(Entity, discriminator="user"):
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    roles = UnicodeSetAttribute()
    active = BooleanAttribute()
    created_at = UTCDateTimeAttribute()
    last_position = PositionMap(null=True)
    photo_key = UnicodeAttribute(null=True)


class CoordinatesMap(MapAttribute):
    lat = NumberAttribute()
    lon = NumberAttribute()


class CustomerItem(Entity, discriminator="customer"):
    org_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)  # null: reached only by email
    email = UnicodeAttribute(null=True)
    time_zone = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    coordinates = CoordinatesMap(null=True)
    opted_out = BooleanAttribute(default=False)
    opted_out_at = UTCDateTimeAttribute(null=True)
    opt_out_source = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    preferred_channel = UnicodeAttribute(null=True)  # null on customers stored before channels: sms
    whatsapp_inbound_at = UTCDateTimeAttribute(null=True)  # their last WhatsApp message: opens the 24 h window
    region = UnicodeAttribute(null=True)  # ISO 3166-2 (US-FL): whose quiet hours apply


class ContactItem(Entity, discriminator="contact"):
    """`CON#{contact}` in its customer's partition `ORG#{org}#CUST#{customer}` (store/contacts.py)."""
    org_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    notify = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    invited_at = UTCDateTimeAttribute(null=True)
    prefers_email = BooleanAttribute(null=True)


class ConsentItem(Entity, discriminator="consent"):
    """One opt-in, opt-out or HELP of an address (pk ORG#{org}#CONSENT#{address}): appended, never changed."""
    org_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    address = UnicodeAttribute()
    event = UnicodeAttribute()
    source = UnicodeAttribute()
    at = UTCDateTimeAttribute()


class CouponMap(MapAttribute):
    code = UnicodeAttribute()
    percent = NumberAttribute()


class FrameMap(MapAttribute):
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()


class JobItem(Entity, discriminator="job"):
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    location_id = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    coupon = CouponMap(null=True)
    cancel_reason = UnicodeAttribute(null=True)
    canceled_by = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)  # null on jobs stored before channels: "phone"
    offered_window = FrameMap(null=True)
    recipients = ListAttribute(of=UnicodeAttribute, null=True)  # null: the customer's contacts with notify
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class AccessNotesMap(MapAttribute):
    gate_code = UnicodeAttribute(null=True)
    pets = UnicodeAttribute(null=True)
    parking = UnicodeAttribute(null=True)
    other = UnicodeAttribute(null=True)


class AppointmentItem(Entity, discriminator="appointment"):
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    window_start = UTCDateTimeAttribute()
    window_end = UTCDateTimeAttribute()
    technician_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    eta = UTCDateTimeAttribute(null=True)
    expected = FrameMap(null=True)  # the narrowed arrival window
    confirmation = UnicodeAttribute()
    offers = ListAttribute(of=FrameMap, default=list)
    status_reason = UnicodeAttribute(null=True)
    rejection_reason = UnicodeAttribute(null=True)
    rejection_category = UnicodeAttribute(null=True)
    window_set_at = UTCDateTimeAttribute(null=True)
    visit_code = UnicodeAttribute(null=True)
    access_notes = AccessNotesMap(null=True)  # the customer's, for the technician (domain AccessNotes)
    reschedules = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class EstimateLineMap(MapAttribute):
    line_id = UnicodeAttribute()
    description = UnicodeAttribute()
    amount_cents = NumberAttribute()
    optional = BooleanAttribute(default=False)
    decision = UnicodeAttribute()
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)


class EstimateItem(Entity, discriminator="estimate"):
    """`QUOTE#{id}` in the job partition: after the key ranges the job's and the page's Queries read."""
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    estimate_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    lines = ListAttribute(of=EstimateLineMap)
    note = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


class NoteItem(Entity, discriminator="note"):
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    note_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    text = UnicodeAttribute()
    visibility = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class StaffMessageItem(Entity, discriminator="staff_message"):
    """`STAFF#{stamp}#{id}` in the job partition: after the key ranges the job's and the page's Queries read."""
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    to = ListAttribute(of=UnicodeAttribute)
    body = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class PhotoItem(Entity, discriminator="photo"):
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    photo_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    content_type = UnicodeAttribute()
    visibility = UnicodeAttribute()
    object_key = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class OutboundClaimItem(Entity, discriminator="outbound_claim"):
    """`OUT#{trigger key}` in the job partition: one trigger, one message, even when replayed."""
    message_sk = UnicodeAttribute()


class MessageItem(Entity, discriminator="message"):
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    key = UnicodeAttribute()
    direction = UnicodeAttribute()
    sender = UnicodeAttribute()
    recipient = UnicodeAttribute()
    body = UnicodeAttribute()
    status = UnicodeAttribute()
    segments = NumberAttribute()
    scenario = UnicodeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    window_start = UTCDateTimeAttribute(null=True)
    window_end = UTCDateTimeAttribute(null=True)
    release_at = UTCDateTimeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    channel = UnicodeAttribute(null=True)  # null on messages stored before channels: sms
    payload = UnicodeAttribute(null=True)
    time_zone = UnicodeAttribute(null=True)  # the recipient's zone and region when it was written
    region = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)  # null: the customer's own number
    copied_to = ListAttribute(of=UnicodeAttribute, null=True)  # an inbound message sent on to these contacts


class LinkItem(Entity, discriminator="link"):
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    purpose = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds: the table's TTL attribute
    contact_id = UnicodeAttribute(null=True)  # null: the customer's own link


class MessagingSettingsItem(Entity, discriminator="messaging_settings"):
    overrides = MapAttribute(default=dict)  # scenario -> {enabled, template, lead_time_minutes}
    quiet_start = UnicodeAttribute(default="21:00")
    quiet_end = UnicodeAttribute(default="08:00")
    confirmation_followup_minutes = NumberAttribute(default=120)
    voice_origination = UnicodeAttribute(null=True)
    escalate_before_hours = NumberAttribute(default=48)
    hand_back_before_hours = NumberAttribute(default=24)
    technician_sms_alerts = BooleanAttribute(default=False)
    quiet_hours_by_region = MapAttribute(default=dict)  # ISO 3166-2 -> {start, end}: the organization's own
    travel_minutes = NumberAttribute(default=30)


class WatermarkItem(Entity, discriminator="watermark"):
    """The last whole minute the sweep has finished: after an outage it resumes from here."""
    minute = UnicodeAttribute()


class TimerItem(Entity, discriminator="timer"):
    """`TIMER#{appointment}#{kind}` in the job partition; in the due index only while pending."""
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    timer_kind = UnicodeAttribute()
    due = UTCDateTimeAttribute()
    appointment_version = NumberAttribute()
    window_start = UTCDateTimeAttribute()
    status = UnicodeAttribute()  # pending, fired
    step = NumberAttribute(null=True)  # a confirmation chain's timer: the step it runs next


class InboxEntryItem(Entity, discriminator="inbox_entry"):
    """`INBOX#{id}` in `ORG#{org}#INBOX#{user}`; gsi2 orders a user's inbox unread first, newest first."""
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    read_at = UTCDateTimeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)


class AlertThrottleItem(Entity, discriminator="alert_throttle"):
    """`ALERT#{technician}` in the job's partition: when that technician was last texted about it."""
    last_at = UTCDateTimeAttribute()


class QueueEntryItem(Entity, discriminator="queue_entry"):
    """`QUEUE#{id}` in the job's partition (found with the job, closed with it); listed per queue through
    gsi2 `ORG#{org}#QUEUE#{name}#{active|done}`, sorted by when it started waiting (or by window)."""
    org_id = UnicodeAttribute()
    queue = UnicodeAttribute()
    job_id = UnicodeAttribute(null=True)  # null: an intake entry for an order that made no job
    order_id = UnicodeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    state = UnicodeAttribute(default="open")
    claimed_by = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    order_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


class FeedbackItem(Entity, discriminator="feedback"):
    """`FEEDBACK` in the job partition (one per job); listed by date in gsi2 `ORG#{org}#FEEDBACK`."""
    org_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute(null=True)
    rating = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class FrameSettingsItem(Entity, discriminator="frame_settings"):
    """`SETTINGS#frames#{location|default}` in the organization's partition: working hours as JSON."""
    body = UnicodeAttribute()


class WithdrawnFramesItem(Entity, discriminator="withdrawn_frames"):
    """`STF` in the job's partition: no later link offers a frame starting at or before `through`."""
    through = UTCDateTimeAttribute(null=True)


class FrameSlotItem(Entity, discriminator="frame_slot"):
    """`ORG#{org}#SLOT#{location}` / frame start: the visits moved into that frame by a pick. Its version
    serialises picks of one frame, so two customers racing for its last place cannot both get it."""
    holders = UnicodeSetAttribute(null=True)
    version = VersionAttribute()


class BookingCountItem(Entity, discriminator="booking_count"):
    """`ORG#{org}#BOOKINGS` / `phone#…#{day}` or `client#…#{hour}`: booking requests in that period."""
    count = NumberAttribute()
    expires_at = NumberAttribute()  # the table's TTL attribute


class BookingRequestItem(Entity, discriminator="booking_request"):
    """`ORG#{org}#BOOKING#{form key}`: one submitted booking form, so a second submit finds the first."""
    job_id = UnicodeAttribute()
    expires_at = NumberAttribute()


class OrderItem(Entity, discriminator="order"):
    """`ORDER` in the partition of the job the order makes (`ORG#{org}#JOB#job_{hash of channel, reference}`):
    written once, so a resent order finds it. The order as received and its outcome, as JSON."""
    org_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    document = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class ClassificationItem(Entity, discriminator="classification"):
    """`SETTINGS#classification` in the organization's partition: the intake rules as JSON."""
    document = UnicodeAttribute()


class ChannelSettingsItem(Entity, discriminator="channel_settings"):
    """`SETTINGS#channels` in the organization's partition: WhatsApp, email and the confirmation chains, as JSON."""
    document = UnicodeAttribute()
