"""Message scenarios (docs/product.md §4): what each text says by default, whether it may wait for the
end of quiet hours, and which link it carries. Organizations override enabled / template / lead time."""
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import ValidationError
from .pacing import release_offset


class LinkPurpose(StrEnum):
    STATUS = "status"  # status / live tracking page, with confirm, reschedule and cancel
    RESCHEDULE = "reschedule"  # select a new time frame
    FEEDBACK = "feedback"
    ESTIMATE = "estimate"  # the job's estimates, each line to approve or decline


class ScenarioName(StrEnum):
    BOOKING_CONFIRMATION = "booking_confirmation"
    REMINDER = "reminder"
    STILL_ASSIGNING = "still_assigning"
    AUTO_CANCELED = "auto_canceled"
    EN_ROUTE = "en_route"
    DELAYED = "delayed"
    ARRIVED = "arrived"
    FEEDBACK_REQUEST = "feedback_request"
    CANCELED = "canceled"
    BOOKING_RECEIVED = "booking_received"  # a request from the public booking page
    WINDOW_NARROWED = "window_narrowed"  # the visit day: when the technician should now arrive
    # Quick actions (seed 002): sent when a person taps one (POST /jobs/{id}/messages), never by an event.
    CHECKED_IN = "checked_in"
    REQUEST_APPROVAL = "request_approval"
    ASSET_READY = "asset_ready"
    ASSET_IN_SERVICE = "asset_in_service"
    ESTIMATE_REQUEST = "estimate_request"  # an estimate to approve line by line (seed 002)
    CONTACT_INVITED = "contact_invited"  # a customer's contact is now told about a job (seed 002)


COMMON = frozenset({"company", "company_phone", "customer_name", "customer_first_name", "window", "technician",
                    "link"})


@dataclass(frozen=True)
class Scenario:
    name: ScenarioName
    template: str
    urgent: bool  # urgent texts go at once; the others wait for the end of quiet hours
    link: LinkPurpose | None
    extra_variables: frozenset[str] = frozenset()
    lead_time_minutes: int | None = None  # for timer-driven scenarios
    enabled: bool = True

    @property
    def variables(self) -> frozenset[str]:
        return COMMON | self.extra_variables


S = ScenarioName
QUICK_ACTIONS = (S.CHECKED_IN, S.REQUEST_APPROVAL, S.ASSET_READY, S.ASSET_IN_SERVICE)
SUBJECT = frozenset({"subject"})  # the job's description: what the quick action is about
DEFAULTS: dict[ScenarioName, Scenario] = {s.name: s for s in [
    Scenario(S.BOOKING_CONFIRMATION, "{{ company }}: visit booked for {{ window }}. "
             "Reply C to confirm, R to reschedule. {{ link }}", urgent=False, link=LinkPurpose.STATUS),
    Scenario(S.REMINDER, "{{ company }} reminder: {% if technician %}{{ technician }} visits{% else %}visit{% endif %}"
             " {{ window }}. Reply C=confirm, R=reschedule {{ link }}", urgent=False, link=LinkPurpose.STATUS,
             lead_time_minutes=24 * 60),
    Scenario(S.STILL_ASSIGNING, "{{ company }}: we are still assigning a technician for your visit {{ window }}. "
             "Details: {{ link }}", urgent=True, link=LinkPurpose.STATUS, lead_time_minutes=180),
    Scenario(S.AUTO_CANCELED, "{{ company }}: sorry, no tech free for {{ window }}; visit canceled. "
             "{% if coupon_code %}{{ coupon_percent }}% off: {{ coupon_code }} {% endif %}" "Rebook: {{ link }}", urgent=True, link=LinkPurpose.RESCHEDULE,
             extra_variables=frozenset({"coupon_code", "coupon_percent"}), lead_time_minutes=60),
    Scenario(S.EN_ROUTE, "{{ company }}: {{ technician or 'your technician' }} is on the way"
             "{% if eta %}, ETA {{ eta }}{% endif %}. Track: {{ link }}", urgent=True, link=LinkPurpose.STATUS,
             extra_variables=frozenset({"eta"})),
    # `eta` is empty when unknown or already past: never "New ETA None", never an ETA gone by.
    Scenario(S.DELAYED, "{{ company }}: sorry, {{ technician or 'your technician' }} is running late"
             "{% if eta %}. New ETA {{ eta }}. Track:{% elif on_the_way %} and will be with you soon. Track:"
             "{% else %}; we will text you when they are on the way.{% endif %} {{ link }}", urgent=True,
             link=LinkPurpose.STATUS, extra_variables=frozenset({"eta", "on_the_way"})),
    Scenario(S.ARRIVED, "{{ company }}: {{ technician or 'your technician' }} has arrived.", urgent=True, link=None),
    Scenario(S.FEEDBACK_REQUEST, "{{ company }}: thanks for having us! How did we do? Rate your visit: {{ link }}",
             urgent=False, link=LinkPurpose.FEEDBACK),
    Scenario(S.CANCELED, "{{ company }}: {{ window }} visit canceled: {{ reason }}. "
             "{% if coupon_code %}{{ coupon_percent }}% off: {{ coupon_code }} {% endif %}" "Rebook: {{ link }}", urgent=False, link=LinkPurpose.RESCHEDULE,
             extra_variables=frozenset({"reason", "coupon_code", "coupon_percent"})),
    Scenario(S.BOOKING_RECEIVED, "{{ company }}: we received your service request{% if window %} for {{ window }}"
             "{% endif %}. We will text you once the visit is booked.", urgent=False, link=None),
    # The trigger's window is the expected one (domain/arrival.py): `window` says it with its day.
    Scenario(S.WINDOW_NARROWED, "{{ company }}: {{ technician_first_name or 'your technician' }} should now arrive "
             "between {{ expected_start }} and {{ expected_end }}. {{ link }}", urgent=False, link=LinkPurpose.STATUS,
             extra_variables=frozenset({"technician_first_name", "expected_start", "expected_end"})),
    # A person chose the moment (as with a text they write): urgent, and the link is the job's page.
    Scenario(S.CHECKED_IN, "{{ company }}: {{ technician or 'your technician' }} has checked in for {{ subject }}. "
             "Track: {{ link }}", urgent=True, link=LinkPurpose.STATUS, extra_variables=SUBJECT),
    Scenario(S.REQUEST_APPROVAL, "{{ company }}: your OK is needed to go on with {{ subject }}. Reply or "
             "see {{ link }}", urgent=True, link=LinkPurpose.STATUS, extra_variables=SUBJECT),
    Scenario(S.ASSET_READY, "{{ company }}: {{ subject }}: ready for you. Details: {{ link }}", urgent=True,
             link=LinkPurpose.STATUS, extra_variables=SUBJECT),
    Scenario(S.ESTIMATE_REQUEST, "{{ company }}: an estimate for {{ subject }} is ready. Approve or decline each "
             "item: {{ link }}", urgent=False, link=LinkPurpose.ESTIMATE, extra_variables=SUBJECT),
    # To a contact of the customer, when chosen as a recipient, or before the first text of a job they get.
    Scenario(S.CONTACT_INVITED, "{{ company }}: you'll get updates on {{ subject }}. Follow, reply: {{ link }} "
             "STOP=end", urgent=False,
             link=LinkPurpose.STATUS, extra_variables=SUBJECT),
    Scenario(S.ASSET_IN_SERVICE, "{{ company }}: {{ subject }}: now in service. Details: {{ link }}", urgent=True,
             link=LinkPurpose.STATUS, extra_variables=SUBJECT),
]}


RELEASE_MARGIN = timedelta(minutes=5)  # a held text's moment is this long before the day ends, at the latest


@dataclass(frozen=True)
class QuietHours:
    """When non-urgent texts wait: every night from `start` to `end`, or, where a place's law differs by day
    (`weekly`, Monday first), outside each day's allowed hours (None: no texts that day)."""
    start: time = time(21, 0)
    end: time = time(8, 0)
    weekly: tuple[tuple[time, time] | None, ...] | None = None

    def release_at(self, moment: datetime, tz: str) -> datetime | None:
        """When a non-urgent text written at `moment` may go: None if now, else the end of quiet hours."""
        local = moment.astimezone(ZoneInfo(tz))
        if self.weekly is not None:
            return self._next_allowed(local)
        t = local.time()
        quiet = (self.start <= t or t < self.end) if self.start > self.end else (self.start <= t < self.end)
        if not quiet:
            return None
        end = datetime.combine(local.date(), self.end, ZoneInfo(tz))
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, ZoneInfo(tz))
        return end.astimezone(ZoneInfo("UTC"))

    def _next_allowed(self, local: datetime) -> datetime | None:
        for days in range(8):
            day = local.date() + timedelta(days=days)
            hours = self.weekly[day.weekday()]
            if hours is None:
                continue
            opens, closes = (datetime.combine(day, h, local.tzinfo) for h in hours)
            if local < opens:
                return opens.astimezone(ZoneInfo("UTC"))
            if local < closes:
                return None
        return None  # a week with no allowed hour is no rule at all: refused where it is set

    def release_moment(self, moment: datetime, tz: str, key: str, window: timedelta,
                       before: datetime | None) -> datetime | None:
        """When something put off by quiet hours goes (None: now): at the end of quiet hours plus its own stable
        offset in the release window (pacing.release_offset), so a night's held work is not all at 08:00."""
        release = self.release_at(moment, tz)
        return None if release is None else release + release_offset(key, release, self.spread(window), before)

    def spread(self, window: timedelta) -> timedelta:
        """The release window, shorter than the day between quiet hours by a margin: a release spread past the
        day's end would fall in the next night and be put off to the next morning, again and again; and the
        sweep that releases a text runs up to a couple of minutes after its moment."""
        if self.weekly is not None:
            days = [datetime.combine(date.min, c) - datetime.combine(date.min, o) for o, c in filter(None, self.weekly)]
        else:
            day = (datetime.combine(date.min, self.start) - datetime.combine(date.min, self.end)) % timedelta(days=1)
            days = [day] if day else []  # start == end: never quiet
        return max(min([window, *(d - RELEASE_MARGIN for d in days)]), timedelta())


@dataclass(frozen=True)
class ScenarioOverride:
    enabled: bool | None = None
    template: str | None = None
    lead_time_minutes: int | None = None


@dataclass(frozen=True)
class MessagingSettings:
    """An organization's scenario overrides and quiet hours, over the shipped defaults."""
    overrides: dict[ScenarioName, ScenarioOverride] = field(default_factory=dict)
    quiet_hours: QuietHours = QuietHours()
    confirmation_followup_minutes: int = 120  # no reply this long after a confirmation or reminder: escalate
    voice_origination: str | None = None  # where set, an escalation also places a voice message
    escalate_before_hours: int = 48  # ...but not before this long ahead of the window (a visit weeks away)
    hand_back_before_hours: int = 24  # still no answer this long ahead: back to the sales channel
    technician_sms_alerts: bool = False  # text the assigned technician when the customer writes
    quiet_hours_by_region: dict[str, QuietHours] = field(default_factory=dict)  # the organization's own, by place
    travel_minutes: int = 30  # the drive between two visits when no distance is known (domain/arrival.py)

    def escalation_due(self, asked_at: datetime, window_start: datetime) -> datetime:
        """No reply: escalate after the threshold, or `escalate_before_hours` ahead of the window,
        whichever is later, so a visit three weeks out is not chased three weeks early (seed 003)."""
        return max(asked_at + timedelta(minutes=self.confirmation_followup_minutes),
                   window_start - timedelta(hours=self.escalate_before_hours))

    def hand_back_due(self, escalated_at: datetime, window_start: datetime) -> datetime:
        """Still nothing after the call: hand back `hand_back_before_hours` ahead of the window, and never
        sooner than one threshold after the escalation."""
        return max(escalated_at + timedelta(minutes=self.confirmation_followup_minutes),
                   window_start - timedelta(hours=self.hand_back_before_hours))

    def scenario(self, name: ScenarioName) -> Scenario:
        default, o = DEFAULTS[name], self.overrides.get(name)
        if o is None:
            return default
        if o.lead_time_minutes is not None and default.lead_time_minutes is None:
            raise ValidationError(f"scenarios.{name}.lead_time_minutes", "this scenario is not timed")
        return replace(default, **{k: v for k, v in vars(o).items() if v is not None})
