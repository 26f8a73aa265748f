"""The one rule (domain/sending.py), consent as data (domain/consent.py) and quiet hours by place
(domain/quiet_hours.py): pure functions, literal cases."""
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from chalicelib.domain.consent import ConsentEvent, ConsentRecord, Standing, given_with, standing
from chalicelib.domain.customers import Customer
from chalicelib.domain.jobs import Job
from chalicelib.domain.messages import MessageStatus, new_message
from chalicelib.domain.quiet_hours import PLACES, for_place, stricter
from chalicelib.domain.scenarios import DEFAULTS, MessagingSettings, QuietHours, ScenarioName, ScenarioOverride
from chalicelib.domain.sending import Outbound, outbound_of, verdict
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.triggers import Trigger
from chalicelib.domain.values import TimeFrame

DENVER = "America/Denver"
NOON = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # Tue 1 Dec, 12:00 in Denver
NIGHT = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # Tue 22:00 in Denver
PHONE = "+13035550177"
S = ScenarioName


def record(event: ConsentEvent, at: datetime, channel: str = "sms", address: str = PHONE) -> ConsentRecord:
    return ConsentRecord("org", channel, address, event, "test", at)


IN = record(ConsentEvent.OPT_IN, NOON - timedelta(days=1))


def booked() -> tuple[Job, Trigger]:
    job = Job.create("org", "cus", "Furnace", NOON - timedelta(days=1))
    a = job.schedule(TimeFrame(NOON + timedelta(days=2), NOON + timedelta(days=2, hours=2)), NOON - timedelta(days=1))
    return job, Trigger(S.BOOKING_CONFIRMATION, f"booking_confirmation:{a.id}:v1", a.id, a.window)


DEFAULT_SETTINGS, FEDERAL = MessagingSettings(), QuietHours()


def judge(scenario=S.BOOKING_CONFIRMATION, *, consent=(IN,), now=NOON, job_trigger=None, channel="sms",
          settings=DEFAULT_SETTINGS, customer=None, answering=False, quiet=FEDERAL):
    job, trigger = job_trigger or booked()
    out = Outbound(trigger.key, channel, PHONE, settings.scenario(scenario) if scenario else None,
                   trigger if scenario else None, answering=answering)
    return verdict(out, job=job, consent=consent, now=now, customer=customer, quiet_hours=quiet, time_zone=DENVER)


def test_a_true_text_with_consent_in_the_day_goes():
    assert judge().goes


def test_each_reason_drops_or_holds_in_this_order():
    off = MessagingSettings(overrides={S.BOOKING_CONFIRMATION: ScenarioOverride(enabled=False)})
    stop = (IN, record(ConsentEvent.OPT_OUT, NOON - timedelta(hours=1)))
    job, trigger = booked()
    job.change_appointment_status(trigger.appointment_id, AppointmentAction.EN_ROUTE, NOON)
    cases = [
        (judge(settings=off, consent=stop, now=NIGHT), "suppressed", "scenario turned off"),
        (judge(consent=stop, now=NIGHT), "suppressed", "customer opted out"),
        (judge(consent=(), now=NIGHT), "suppressed", "no consent on record for sms"),
        (judge(job_trigger=(job, trigger), now=NIGHT), "suppressed", "superseded by a later change"),
        (judge(now=NIGHT), "held", None),
    ]
    assert [(v.status.value, v.why) for v, _, _ in cases] == [(status, why) for _, status, why in cases]


def test_a_held_text_goes_at_its_own_moment_after_8am_and_before_its_window():
    v = judge(now=NIGHT)
    assert v.status is MessageStatus.HELD
    assert datetime(2026, 12, 2, 15, 0, tzinfo=UTC) == v.release_at  # 08:00 in Denver (no release window here)
    spread = verdict(Outbound("k", "sms", PHONE, DEFAULTS[S.REMINDER], None), job=None, consent=(IN,), now=NIGHT,
                     quiet_hours=QuietHours(), time_zone=DENVER, release_window=timedelta(minutes=60))
    assert timedelta() <= spread.release_at - datetime(2026, 12, 2, 15, 0, tzinfo=UTC) < timedelta(minutes=60)


def test_urgent_texts_answers_and_a_persons_words_go_in_quiet_hours_but_never_after_a_stop():
    stop = (IN, record(ConsentEvent.OPT_OUT, NOON))
    job, trigger = booked()
    job.change_appointment_status(trigger.appointment_id, AppointmentAction.EN_ROUTE, NOON)
    en_route = Trigger(S.EN_ROUTE, "en_route:x", trigger.appointment_id, trigger.window)
    assert judge(S.EN_ROUTE, job_trigger=(job, en_route), now=NIGHT).goes
    assert judge(None, now=NIGHT, answering=True, consent=()).goes  # they wrote first: the answer may go
    assert judge(None, now=NIGHT, consent=()).why == "no consent on record for sms"  # a person's text needs one
    assert judge(None, now=NIGHT, answering=True, consent=stop).why == "customer opted out"
    assert judge(S.EN_ROUTE, job_trigger=(job, en_route), consent=stop).why == "customer opted out"


def test_a_wait_needs_the_recipients_quiet_hours():
    job, trigger = booked()
    with pytest.raises(ValueError):
        verdict(Outbound(trigger.key, "sms", PHONE, DEFAULTS[S.BOOKING_CONFIRMATION], trigger), job=job,
                consent=(IN,), now=NOON)


def test_the_customers_own_sms_opt_out_stops_sms_and_calls_not_whatsapp():
    quiet = Customer("cus", "org", "Sam", PHONE, NOON, opted_out=True)
    wa_in = record(ConsentEvent.OPT_IN, NOON - timedelta(days=1), channel="whatsapp")
    assert judge(customer=quiet).why == "customer opted out"
    assert judge(None, customer=quiet, channel="voice", answering=True).why == "customer opted out"
    assert judge(customer=quiet, channel="whatsapp", consent=(wa_in,)).goes


def test_consent_is_per_channel_and_the_latest_decides_ties_by_order():
    wa_out = record(ConsentEvent.OPT_OUT, NOON, channel="whatsapp")
    records = [IN, wa_out, record(ConsentEvent.HELP, NOON + timedelta(minutes=1))]
    assert standing(records, "sms", PHONE) is Standing.OPTED_IN
    assert standing(records, "whatsapp", PHONE) is Standing.OPTED_OUT
    assert standing(records, "voice", PHONE) is Standing.OPTED_IN  # a call follows the number's SMS consent
    assert standing(records, "email", "sam@x.example") is Standing.NONE
    assert standing(records, "sms", "+13035550999") is Standing.NONE  # another number's records are not theirs
    same_instant = [record(ConsentEvent.OPT_OUT, NOON), record(ConsentEvent.OPT_IN, NOON)]
    assert standing(same_instant, "sms", PHONE) is Standing.OPTED_IN
    assert standing(same_instant[::-1], "sms", PHONE) is Standing.OPTED_OUT


def test_a_new_customer_comes_with_the_opt_ins_of_what_they_gave():
    c = Customer("cus", "org", "Sam", PHONE, NOON, email="sam@x.example", preferred_channel="whatsapp",
                 consent_source="booking_page")
    assert [(r.channel, r.address, r.event.value, r.source) for r in given_with(c)] == [
        ("sms", PHONE, "opt_in", "booking_page"), ("whatsapp", PHONE, "opt_in", "booking_page"),
        ("email", "sam@x.example", "opt_in", "booking_page")]
    assert given_with(Customer("cus", "org", "Sam", None, NOON)) == []


def test_a_written_message_is_read_back_as_what_it_was():
    job, trigger = booked()
    m = new_message("org", job.id, trigger.key, sender="+1", recipient=PHONE, body="hi", now=NOON,
                    scenario="booking_confirmation", appointment_id=trigger.appointment_id, window=trigger.window)
    out = outbound_of(m, MessagingSettings())
    assert (out.scenario.name, out.trigger, out.urgent, out.answering) == (S.BOOKING_CONFIRMATION, trigger, False, False)
    reply = outbound_of(replace(m, scenario="auto_reply"), MessagingSettings())
    assert (reply.scenario, reply.trigger, reply.urgent, reply.answering) == (None, None, True, True)
    written = outbound_of(replace(m, scenario=None, author_id="usr_1"), MessagingSettings())
    assert (written.urgent, written.answering) == (True, False)


# -- quiet hours by place ----------------------------------------------------------------------------------

def local(day: int, hour: int, minute: int = 0, tz: str = DENVER) -> datetime:
    from zoneinfo import ZoneInfo
    return datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo(tz))


@pytest.mark.parametrize(("region", "moment", "release"), [
    (None, local(1, 20, 30), None),  # the federal window: texts until 21:00
    (None, local(1, 21, 0), local(2, 8)),
    ("US-FL", local(1, 20, 30), local(2, 8)),  # Florida: 8am-8pm
    ("US-FL", local(2, 7, 59), local(2, 8)),
    ("US-KY", local(2, 9, 0), local(2, 10)),  # Kentucky: from 10am
    ("US-TX", local(5, 20, 59), None),  # Texas: Saturday to 9pm, Sunday from noon
    ("US-TX", local(5, 21, 30), local(6, 12)),
    ("US-TX", local(7, 9, 30), None),  # a Monday at 9:30
    ("US-AL", local(5, 20, 30), local(7, 8)),  # Alabama: Saturday's evening waits past Sunday to Monday 8am
    ("US-AL", local(6, 12, 0), local(7, 8)),
    ("US-CO", local(1, 20, 30), None),  # no rule of its own: the organization's hours
])
def test_a_places_hours_within_the_organizations(region, moment, release):
    hours = for_place(MessagingSettings(), region)
    expected = release and release.astimezone(UTC)
    assert hours.release_at(moment, DENVER) == expected


def test_the_stricter_of_the_place_and_the_organizations_own_hours():
    own = QuietHours(time(20, 0), time(9, 0))  # the organization texts only 9am-8pm
    texas = stricter(PLACES["US-TX"], own)
    assert texas.weekly[0] == (time(9), time(20)) and texas.weekly[6] == (time(12), time(20))
    florida = for_place(MessagingSettings(quiet_hours=own), "US-FL")
    assert florida.release_at(local(1, 8, 30), DENVER) == local(1, 9).astimezone(UTC)
    assert florida.release_at(local(1, 19, 59), DENVER) is None and florida.release_at(local(1, 20), DENVER)


def test_an_organizations_own_hours_for_a_place_come_first():
    mine = QuietHours(time(22, 0), time(7, 0))
    settings = MessagingSettings(quiet_hours_by_region={"US-FL": mine})
    assert for_place(settings, "US-FL") is mine
    assert for_place(settings, "US-FL").release_at(local(1, 20, 30), DENVER) is None


def test_every_shipped_rule_names_its_source_and_allows_some_hours_each_week():
    for rule in PLACES.values():
        assert rule.source and rule.read and len(rule.hours) == 7 and any(rule.hours), rule.region
        assert all(h is None or h[0] < h[1] for h in rule.hours), rule.region


def test_a_written_message_is_judged_under_its_own_key_and_a_gone_job_says_so():
    job, trigger = booked()
    for scenario in ("booking_confirmation", None):
        message = new_message("org", job.id, "the-key", sender="+13035550100", recipient=PHONE, body="x", now=NOON,
                              scenario=scenario, appointment_id=trigger.appointment_id, window=trigger.window)
        out = outbound_of(message, DEFAULT_SETTINGS)
        assert (out.key, out.address) == ("the-key", PHONE)
    gone = verdict(Outbound(trigger.key, "sms", PHONE, DEFAULT_SETTINGS.scenario(S.REMINDER), trigger), job=None,
                   consent=(IN,), now=NOON, quiet_hours=FEDERAL, time_zone=DENVER)
    assert (gone.status, gone.why) == (MessageStatus.SUPPRESSED, "the job is gone")


def test_a_text_that_may_wait_needs_both_its_quiet_hours_and_its_zone():
    job, trigger = booked()
    out = Outbound(trigger.key, "sms", PHONE, DEFAULT_SETTINGS.scenario(S.BOOKING_CONFIRMATION), trigger)
    for quiet, zone in [(FEDERAL, None), (None, DENVER)]:
        with pytest.raises(ValueError, match="^a text that may wait needs its recipient's quiet hours and time zone$"):
            verdict(out, job=job, consent=(IN,), now=NOON, quiet_hours=quiet, time_zone=zone)


def test_a_held_text_about_an_early_visit_goes_within_the_first_half_of_the_time_left():
    job = Job.create("org", "cus", "Furnace", NOON - timedelta(days=1))
    early = TimeFrame(datetime(2026, 12, 2, 15, 10, tzinfo=UTC), datetime(2026, 12, 2, 17, 0, tzinfo=UTC))  # 8:10
    a = job.schedule(early, NOON - timedelta(days=1))
    releases = set()
    for n in range(20):
        trigger = Trigger(S.BOOKING_CONFIRMATION, f"booking_confirmation:{a.id}:v{n}", a.id, early)
        held = verdict(Outbound(trigger.key, "sms", PHONE, DEFAULT_SETTINGS.scenario(S.BOOKING_CONFIRMATION), trigger),
                       job=job, consent=(IN,), now=NIGHT, quiet_hours=FEDERAL, time_zone=DENVER,
                       release_window=timedelta(minutes=60))
        assert held.waits
        releases.add(held.release_at)
    start = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 08:00 in Denver
    assert all(start <= r < start + timedelta(minutes=5) for r in releases) and len(releases) > 5
