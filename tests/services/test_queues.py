"""Working the queues (services/queues) on the fakes: claim, release and resolve with an outcome that acts
on the appointment; entries that close by themselves; the unassigned queue; paging. Mirrors the
decisions of tests/e2e/test_queues.py."""
from datetime import timedelta

import pytest

from chalicelib.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from chalicelib.domain.people import Role
from chalicelib.domain.queues import EntryState, Outcome, QueueEntry, QueueName
from chalicelib.domain.values import TimeFrame
from chalicelib.services import inbound, queues
from chalicelib.services import jobs as job_service
from chalicelib.services.access import Caller
from chalicelib.services.people import create_user

from .conftest import NOON, NUMBER, SAM


@pytest.fixture
def escalated(shop, noon):
    """A visit tomorrow afternoon whose booking confirmation got no reply: an open escalation entry."""
    shop.sweep()
    job, appointment_id = shop.book(NOON + timedelta(hours=26), shop.tech.id)
    shop.run_until(NOON + timedelta(hours=2, minutes=10), step=timedelta(minutes=10))
    (entry,) = queues.entries(shop.repos, shop.dispatcher, "escalation", None, 10, None).items
    return job, appointment_id, entry


def listed(shop, name, state=None) -> list:
    return queues.entries(shop.repos, shop.dispatcher, name, state, 50, None).items


def other_dispatcher(shop) -> Caller:
    return Caller(create_user(shop.repos, shop.dispatcher, name="Dee Dispatch", email="dee@acme.example",
                              roles=frozenset({Role.DISPATCHER})))


def test_a_dispatcher_claims_the_call_and_resolves_it_confirmed_once(shop, escalated):
    job, _, entry = escalated
    claimed = queues.claim(shop.repos, shop.dispatcher, "escalation", entry.id)
    assert (claimed.state, claimed.claimed_by) == (EntryState.CLAIMED, shop.dispatcher.id)
    queues.claim(shop.repos, shop.dispatcher, "escalation", entry.id)  # one's own claim again: nothing changes
    dee = other_dispatcher(shop)
    with pytest.raises(InvalidTransition):
        queues.claim(shop.repos, dee, "escalation", entry.id)
    with pytest.raises(InvalidTransition):
        queues.resolve(shop.repos, dee, "escalation", entry.id, Outcome.CONFIRMED)
    assert [e.id for e in listed(shop, "escalation", EntryState.CLAIMED)] == [entry.id]
    assert listed(shop, "escalation", EntryState.OPEN) == []
    done = queues.resolve(shop.repos, shop.dispatcher, "escalation", entry.id, Outcome.CONFIRMED,
                          note="called, all good")
    assert (done.state, done.outcome, done.closed_by, done.note) == ("done", "confirmed", shop.dispatcher.id,
                                                                     "called, all good")
    assert shop.job(job.id).appointments[0].confirmation == "confirmed"
    assert listed(shop, "escalation") == [] and [e.id for e in listed(shop, "escalation", EntryState.DONE)] == [entry.id]
    with pytest.raises(InvalidTransition):
        queues.resolve(shop.repos, shop.dispatcher, "escalation", entry.id, Outcome.DONE)
    assert shop.settle() == []  # the confirmation on the stream finds the entry closed: it stays as resolved
    assert listed(shop, "escalation", EntryState.DONE)[0].outcome == "confirmed"


def test_a_claim_released_goes_back_to_the_queue(shop, escalated):
    _, _, entry = escalated
    queues.claim(shop.repos, shop.dispatcher, "escalation", entry.id)
    released = queues.release(shop.repos, other_dispatcher(shop), "escalation", entry.id)
    assert (released.state, released.claimed_by) == (EntryState.OPEN, None)


def test_two_dispatchers_saving_the_same_read_one_wins(shop, escalated):
    from chalicelib.domain.errors import VersionConflict
    _, _, entry = escalated
    a, b = (shop.repos.queues.get(shop.org.id, "escalation", entry.id) for _ in range(2))
    a.claim(shop.dispatcher.id, NOON)
    shop.repos.queues.save(a)
    b.claim("usr_dee", NOON)
    with pytest.raises(VersionConflict):
        shop.repos.queues.save(b)


def test_the_customer_confirming_by_text_closes_the_open_call_by_itself(shop, escalated):
    import json
    _, _, entry = escalated
    queues.claim(shop.repos, shop.dispatcher, "escalation", entry.id)
    text = inbound.parse(json.dumps({"originationNumber": SAM, "destinationNumber": NUMBER, "messageBody": "C",
                                     "inboundMessageId": "in-1"}))
    assert inbound.handle(shop.repos, shop.senders, text) == "confirmed"
    assert shop.settle() == []
    (closed,) = listed(shop, "escalation", EntryState.DONE)
    assert (closed.outcome, closed.closed_by) == ("customer_confirmed", "system")


def test_a_refused_outcome_changes_nothing_then_reschedule_moves_and_rejected_keeps_the_reason(shop, escalated, noon):
    job, _, entry = escalated
    before = shop.job(job.id)
    with pytest.raises(ValidationError, match="window_start"):
        queues.resolve(shop.repos, shop.dispatcher, "escalation", entry.id, Outcome.RESCHEDULE)
    with pytest.raises(ValidationError, match="reason"):
        queues.resolve(shop.repos, shop.dispatcher, "escalation", entry.id, Outcome.REJECTED)
    assert shop.job(job.id) == before and listed(shop, "escalation")[0].state is EntryState.OPEN
    later = NOON + timedelta(days=3)
    done = queues.resolve(shop.repos, shop.dispatcher, "escalation", entry.id, Outcome.RESCHEDULE,
                          window=TimeFrame(later, later + timedelta(hours=2)))
    assert done.outcome == "reschedule" and shop.job(job.id).appointments[0].window.start == later
    assert shop.settle() == []
    assert "visit booked for Fri 4 Dec" in shop.texts()[-1]
    shop.run_until(later - timedelta(hours=47, minutes=50), step=timedelta(hours=4))
    (again,) = listed(shop, "escalation")
    queues.resolve(shop.repos, shop.dispatcher, "escalation", again.id, Outcome.REJECTED,
                   reason="found a cheaper quote")
    visit = shop.job(job.id).appointments[0]
    assert (visit.confirmation, visit.rejection_reason, visit.rejection_category) == (
        "rejected", "found a cheaper quote", "price")
    (retention,) = listed(shop, "retention")
    assert (retention.reason, retention.state) == ("found a cheaper quote", EntryState.OPEN)
    assert queues.resolve(shop.repos, shop.dispatcher, "retention", retention.id, Outcome.DONE).state == "done"
    assert listed(shop, "retention") == []


def test_an_unassigned_visit_waits_in_its_queue_by_window_until_assigned(shop, noon):
    late, _ = shop.book(NOON + timedelta(days=3))
    soon, soon_appointment = shop.book(NOON + timedelta(days=1))
    items = listed(shop, "unassigned")
    assert [(e.job_id, e.state) for e in items] == [(soon.id, "open"), (late.id, "open")]
    assert items[0].appointment_id == soon_appointment and items[0].reason == "no technician assigned yet"
    job_service.update_appointment(shop.repos, shop.dispatcher, soon_appointment, window=None,
                                   technician_id=shop.tech.id, assign=True)
    assert shop.settle() == []
    assert [e.job_id for e in listed(shop, "unassigned")] == [late.id]
    (closed,) = listed(shop, "unassigned", EntryState.DONE)
    assert (closed.job_id, closed.outcome, closed.closed_by) == (soon.id, "assigned", "system")
    job_service.update_appointment(shop.repos, shop.dispatcher, soon_appointment, window=None, technician_id=None,
                                   assign=True)
    assert shop.settle() == []
    assert [e.job_id for e in listed(shop, "unassigned")] == [soon.id, late.id]  # back, as a new entry


def test_paging_a_250_entry_queue_returns_every_entry_once_oldest_first(shop, noon):
    for i in range(250):  # added in a shuffled order of waiting time
        created = NOON - timedelta(minutes=(i * 7919) % 250)
        shop.repos.queues.add(QueueEntry(shop.org.id, QueueName.CALLBACK, f"job_{i:016x}", None, f"call back #{i}",
                                         created), f"callback:{i}")
    seen, token = [], None
    while True:
        page = queues.entries(shop.repos, shop.dispatcher, "callback", None, 37, token)
        seen += page.items
        if not (token := page.next_token):
            break
    assert len(seen) == 250 and len({e.id for e in seen}) == 250
    assert [e.created_at for e in seen] == sorted(e.created_at for e in seen)


def test_only_dispatchers_work_queues_and_unknown_entries_are_not_found(shop, escalated):
    _, _, entry = escalated
    with pytest.raises(Forbidden):
        queues.claim(shop.repos, shop.tech, "escalation", entry.id)
    for name, id_ in (("escalation", "que_ffff_ffffffffffff"), ("escalation", "garbage"), ("retention", entry.id),
                      ("nope", entry.id)):
        with pytest.raises(NotFound):
            queues.claim(shop.repos, shop.dispatcher, name, id_)
