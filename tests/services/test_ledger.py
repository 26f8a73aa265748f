"""The message ledger (services/outbox/ledger.py) on the twins: each outcome of a send is recorded as it
happened, counted in the metrics, and logged with the ids to find it by and the number masked."""
import logging
from datetime import timedelta

import pytest

from chalicelib import metrics
from chalicelib.domain.messages import MessageStatus, new_message
from chalicelib.domain.sending import GO, Verdict, drop
from chalicelib.services.outbox import ledger

from .conftest import SAM


@pytest.fixture(autouse=True)
def info_logged(caplog):
    """What the ledger logs at INFO, whatever level an earlier test left the service's logger at."""
    caplog.set_level(logging.INFO, logger="onmyway")


@pytest.fixture
def counted(monkeypatch):
    calls = []
    monkeypatch.setattr(metrics, "add", lambda name, org_id, value=1: calls.append((name, org_id, value)))
    return calls


def text(shop, clock, key="reminder:apt_1", status=MessageStatus.QUEUED, **kw):
    return new_message(shop.org.id, "job_1", key, sender="+13035550100", recipient=SAM, body="hello there",
                       now=clock.now, status=status, scenario="reminder", appointment_id="apt_1", **kw)


FIELDS = ("job_id", "appointment_id", "message_id", "scenario", "status", "to", "segments", "reason")


def logged(caplog) -> list[dict]:
    return [{"message": r.getMessage(), **{k: getattr(r, k, None) for k in FIELDS}} for r in caplog.records
            if r.name == "onmyway"]


def test_a_new_claim_is_to_be_sent_and_one_recorded_without_sending_is_logged(shop, clock, caplog):
    fresh = text(shop, clock)
    assert ledger.claim(shop.repos, fresh) == (fresh, True)
    held = text(shop, clock, key="reminder:apt_2", status=MessageStatus.SUPPRESSED, error="customer opted out")
    assert ledger.claim(shop.repos, held) == (held, False)
    (line,) = [entry for entry in logged(caplog) if entry["message"] == "recorded without sending"]
    assert line == {
        "message": "recorded without sending", "job_id": "job_1", "appointment_id": "apt_1", "message_id": held.id, "scenario": "reminder",
        "status": "suppressed", "to": "+1******0177", "segments": 1, "reason": "customer opted out"}


def test_a_replay_sends_nothing_twice_and_a_failed_first_try_again_only_if_the_rule_still_says_so(shop, clock):
    first = text(shop, clock)
    ledger.claim(shop.repos, first)
    ledger.sent(shop.repos, first, "prov-1", clock.now)
    assert ledger.claim(shop.repos, text(shop, clock)) [1] is False
    refused = text(shop, clock, key="reminder:apt_3")
    ledger.claim(shop.repos, refused)
    ledger.failed(shop.repos, refused, ConnectionError("no route"), clock.now)
    again, to_send = ledger.claim(shop.repos, text(shop, clock, key="reminder:apt_3"), verdict=GO)
    assert to_send is True and again.status is MessageStatus.FAILED
    replayed_at = clock.advance(minutes=4)
    dropped, to_send = ledger.claim(shop.repos, text(shop, clock, key="reminder:apt_3"),
                                    verdict=drop("customer opted out"))
    assert to_send is False
    stored = shop.repos.messages.claimed(shop.org.id, "job_1", "reminder:apt_3")
    assert (stored.status, stored.error, stored.updated_at) == (MessageStatus.SUPPRESSED, "customer opted out",
                                                                replayed_at)


def test_sent_is_recorded_whole_counted_and_logged(shop, clock, counted, caplog):
    m = text(shop, clock, release_at=clock.now, error="earlier refusal")
    ledger.claim(shop.repos, m)
    later = clock.advance(minutes=3)
    ledger.sent(shop.repos, m, "prov-9", later)
    stored = shop.repos.messages.claimed(shop.org.id, "job_1", m.key)
    assert (stored.status, stored.provider_id, stored.error, stored.release_at, stored.updated_at) == \
        (MessageStatus.SENT, "prov-9", None, None, later)
    assert counted == [("TextsSent", shop.org.id, 1), ("SmsSegments", shop.org.id, 1)]
    assert [(e["message"], e["status"], e["to"]) for e in logged(caplog)] == [("sent", "sent", "+1******0177")]


def test_a_refusal_is_recorded_with_its_cause_cut_to_500_characters_counted_and_logged(shop, clock, counted,
                                                                                        caplog):
    m = text(shop, clock)
    ledger.claim(shop.repos, m)
    later = clock.advance(minutes=1)
    ledger.failed(shop.repos, m, ConnectionError("x" * 600), later)
    stored = shop.repos.messages.claimed(shop.org.id, "job_1", m.key)
    assert stored.status is MessageStatus.FAILED and stored.updated_at == later
    assert stored.error == ("ConnectionError: " + "x" * 600)[:500] and len(stored.error) == 500
    assert counted == [("DeliveryFailures", shop.org.id, 1)]
    assert [(e["message"], e["reason"]) for e in logged(caplog)] == [("send failed", stored.error)]


def test_a_refused_text_is_held_five_minutes_for_the_sweep(shop, clock):
    m = text(shop, clock)
    ledger.claim(shop.repos, m)
    ledger.hold_for_retry(shop.repos, m, clock.now)
    stored = shop.repos.messages.claimed(shop.org.id, "job_1", m.key)
    assert (stored.status, stored.release_at, stored.updated_at) == \
        (MessageStatus.HELD, clock.now + timedelta(minutes=5), clock.now)
    assert ledger.RETRY_AFTER == timedelta(minutes=5)


def test_what_the_rule_said_is_recorded_once_and_a_go_writes_nothing(shop, clock, caplog):
    m = text(shop, clock, release_at=clock.now)
    ledger.claim(shop.repos, m)
    caplog.clear()
    assert ledger.judged(shop.repos, m, GO, clock.now) is True
    assert shop.repos.messages.claimed(shop.org.id, "job_1", m.key).status is MessageStatus.QUEUED
    morning = clock.now + timedelta(hours=9)
    assert ledger.judged(shop.repos, m, Verdict(MessageStatus.HELD, release_at=morning), clock.now) is False
    stored = shop.repos.messages.claimed(shop.org.id, "job_1", m.key)
    assert (stored.status, stored.release_at, stored.error) == (MessageStatus.HELD, morning, None)
    later = clock.advance(minutes=2)
    assert ledger.judged(shop.repos, m, drop("the window has already started"), later) is False
    stored = shop.repos.messages.claimed(shop.org.id, "job_1", m.key)
    assert (stored.status, stored.error, stored.release_at, stored.updated_at) == \
        (MessageStatus.SUPPRESSED, "the window has already started", None, later)
    assert [entry["message"] for entry in logged(caplog)] == ["held again", "dropped: the window has already started"]


def test_still_to_send_is_queued_or_refused_before_the_provider_took_it(clock):
    def m(status, provider_id=None):
        return new_message("o", "j", "k", sender="a", recipient="b", body="x", now=clock.now, status=status,
                           provider_id=provider_id)
    assert [ledger.unsent(m(s)) for s in MessageStatus] == [s is MessageStatus.QUEUED or s is MessageStatus.FAILED
                                                            for s in MessageStatus]
    assert ledger.unsent(m(MessageStatus.FAILED, "prov-1")) is False  # the provider accepted it once
