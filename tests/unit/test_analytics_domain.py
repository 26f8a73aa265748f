"""What a change counts (domain/analytics.py): marks that name each fact once, and the report's sums."""
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.analytics import Report, UnreadableChange, facts, week_of

AT = datetime(2026, 12, 1, 17, tzinfo=UTC)


def text(status, scenario="reminder", **extra):
    return {"kind": "message", "message_id": "m1", "job_id": "j1", "direction": "outbound", "status": status,
            "scenario": scenario, "segments": 2, "appointment_id": "a1", "key": "reminder:a1",
            "updated_at": "2026-12-01T17:00:00.000000+0000", **extra}


def marks(old, new):
    return [(f.mark, f.counts) for f in facts(old, new, AT)]


def test_a_text_counts_each_status_it_enters_once_and_its_segments_when_sent():
    assert marks(None, text("held")) == [("text:m1:held", {"texts.reminder.held": 1})]
    assert marks(text("held"), text("queued")) == []
    assert marks(text("queued"), text("sent")) == [("text:m1:sent", {"texts.reminder.sent": 1, "segments": 2}),
                                                   ("asked:a1", {"asked": 1})]
    assert marks(text("sent"), text("sent", body="same status, another attribute")) == []
    # Held again after a failure: the same mark, so the counters see it once.
    assert marks(text("failed"), text("held")) == marks(None, text("held"))


def test_free_text_inbound_and_the_delay_check():
    assert marks(None, text("queued", scenario=None)) == []
    assert marks(text("queued", scenario=None), text("sent", scenario=None))[0][1] == {
        "texts.free_text.sent": 1, "segments": 2}
    inbound = {**text("received"), "direction": "inbound"}
    found = facts(None, inbound, AT)
    assert [(f.mark, f.for_asked) for f in found] == [("inbound:m1", False), ("replied", True)]
    late = text("sent", scenario="delayed", key="delay_check:a1:20261201T2000", window_start="2026-12-01T18:00Z")
    assert ("no_show:a1:2026-12-01T18:00Z", {"no_shows": 1}) in marks(None, late)
    assert not [m for m, _ in marks(None, {**late, "key": "delay:a1:3"}) if m.startswith("no_show")]


def test_appointment_changes():
    base = {"kind": "appointment", "appointment_id": "a1", "job_id": "j1", "status": "scheduled",
            "confirmation": "pending", "version": 1, "window_set_at": "2026-12-01T16:00:00.000000+0000",
            "updated_at": "2026-12-01T17:00:00.000000+0000"}
    assert marks(None, base) == [("booked:a1", {"appointments": 1})]
    confirmed = facts(base, {**base, "confirmation": "confirmed", "version": 2}, AT)
    assert [(f.mark, f.counts, f.for_asked) for f in confirmed] == [
        ("confirmed", {"confirmed": 1, "confirm_seconds": 3600}, True)]
    assert marks(base, {**base, "confirmation": "rejected", "version": 2, "rejection_category": "Price"}) == [
        ("rejected:a1:2", {"rejections.price": 1})]
    canceled = {**base, "status": "canceled", "status_reason": "no technician was available", "version": 3}
    assert marks(base, canceled) == [("auto_cancel:a1:3", {"auto_cancels": 1})]
    assert marks(base, {**canceled, "status_reason": "customer asked"}) == []
    assert marks(base, None) == []  # a removal counts nothing


@pytest.mark.parametrize("rating", [0, 6, 2.5, "5", True, None])
def test_a_feedback_rating_must_be_a_whole_number_from_1_to_5(rating):
    with pytest.raises(UnreadableChange):
        facts(None, {"kind": "feedback", "job_id": "j1", "sk": "FEEDBACK", "rating": rating}, AT)


def test_an_image_without_its_job_is_unreadable():
    with pytest.raises(UnreadableChange):
        facts(None, {"kind": "message", "message_id": "m1", "direction": "outbound"}, AT)


def test_the_report_fills_every_day_and_computes_rates():
    r = Report("week", date(2026, 11, 30), date(2026, 12, 13))
    r.add("2026-12-01", {"asked": 4, "replied": 3, "confirmed": 2, "confirm_seconds": 2 * 1800, "feedback": 2,
                         "rating_sum": 9, "texts.reminder.sent": 4, "rejections.price": 1})
    r.add("2026-12-08", {"asked": 1})
    body = r.body()
    assert [g["key"] for g in body["groups"]] == ["2026-W49", "2026-W50"] and week_of("2026-12-13") == "2026-W50"
    first = body["groups"][0]
    assert (first["reply_rate"], first["confirmation_rate"], first["time_to_confirm_minutes"], first["feedback"],
            first["texts"], first["rejections"]) == (0.75, 0.5, 30.0, {"count": 2, "average": 4.5},
                                                     {"reminder": {"sent": 4}}, {"price": 1})
    assert body["groups"][1]["reply_rate"] == 0.0 and body["total"]["asked"] == 5
