"""The one rule for whether an outbound message may go at a given moment: it goes now, waits (until when), or
is dropped (why). Composing a text, releasing a held one, the drainer right before the provider call and
every retry ask this function and nothing else, so a text that waited (in quiet hours, in a throttled
queue, after a refusal) is judged again on the same terms as when it was written."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from .consent import CONSENT_CHANNEL, ConsentRecord, Standing, standing
from .customers import Customer
from .jobs import Job
from .messages import RELAYED, Message, MessageStatus
from .scenarios import MessagingSettings, QuietHours, Scenario, ScenarioName
from .triggers import Trigger, why_not_now

OPTED_OUT = "customer opted out"
SCENARIO_OFF = "scenario turned off"
JOB_GONE = "the job is gone"


@dataclass(frozen=True)
class Verdict:
    status: MessageStatus  # QUEUED: it goes now; HELD: it waits until release_at; SUPPRESSED: never (why)
    why: str | None = None
    release_at: datetime | None = None

    @property
    def goes(self) -> bool:
        return self.status is MessageStatus.QUEUED

    @property
    def waits(self) -> bool:
        return self.status is MessageStatus.HELD

    @property
    def dropped(self) -> bool:
        return self.status is MessageStatus.SUPPRESSED


GO = Verdict(MessageStatus.QUEUED)


def drop(why: str) -> Verdict:
    return Verdict(MessageStatus.SUPPRESSED, why)


@dataclass(frozen=True)
class Outbound:
    """What the rule reads of one message."""
    key: str  # its trigger key: the stable offset of its release moment
    channel: str  # sms | whatsapp | email | voice
    address: str | None  # where it goes on that channel
    scenario: Scenario | None = None  # None: a person's words, or an answer to the customer
    trigger: Trigger | None = None  # what it says of the job, judged again on the job as it is now
    answering: bool = False  # an answer to the customer's own message: their writing is the consent

    @property
    def urgent(self) -> bool:
        """Someone is waiting on it: it goes inside quiet hours too. A person's words and answers always are."""
        return self.scenario is None or self.scenario.urgent


def verdict(out: Outbound, *, job: Job | None, consent: tuple[ConsentRecord, ...] | list[ConsentRecord],
            now: datetime, customer: Customer | None = None, quiet_hours: QuietHours | None = None,
            time_zone: str | None = None, release_window: timedelta = timedelta()) -> Verdict:
    """`job`: as it is now (None when it is gone); `consent`: the records of the recipient's addresses;
    `customer`: the recipient, whose `opted_out` (their SMS state, as the API shows it) stops SMS and calls
    too; `quiet_hours` and `time_zone`: the recipient's, by place (domain/quiet_hours.py), needed unless urgent."""
    if out.scenario is not None and not out.scenario.enabled:
        return drop(SCENARIO_OFF)
    if customer is not None and customer.opted_out and CONSENT_CHANNEL.get(out.channel) == "sms":
        return drop(OPTED_OUT)
    match standing(consent, out.channel, out.address):
        case Standing.OPTED_OUT:
            return drop(OPTED_OUT)
        case Standing.NONE if not out.answering:
            return drop(f"no consent on record for {out.channel}")
    if out.trigger is not None:
        if job is None:
            return drop(JOB_GONE)
        if stale := why_not_now(out.trigger, job, now):
            return drop(stale)
    if not out.urgent:
        if quiet_hours is None or time_zone is None:
            raise ValueError("a text that may wait needs its recipient's quiet hours and time zone")
        window = out.trigger and out.trigger.window
        release = quiet_hours.release_moment(now, time_zone, out.key, release_window, window and window.start)
        if release is not None:
            return Verdict(MessageStatus.HELD, release_at=release)
    return GO


def outbound_of(message: Message, settings: MessagingSettings) -> Outbound:
    """A message already written, as the rule reads it: a scenario's text is checked again against its
    scenario's switch and its truth; anything else is a person's words or an answer to the customer."""
    try:
        name = ScenarioName(message.scenario)
    except ValueError:  # a person's words (a staff member's, or sent on for a customer), or an answer
        return Outbound(message.key, message.channel, message.recipient,
                        answering=message.author_id is None and message.scenario != RELAYED)
    return Outbound(message.key, message.channel, message.recipient, settings.scenario(name),
                    Trigger(name, message.key, message.appointment_id, message.window))
