"""One contract, two adapters: every test runs against the PynamoDB adapters (on moto, tables from
infra/) and against their in-memory twins (tests/fakes), so a service test on the twins means what it
would mean on DynamoDB. Each test states a promise a service relies on (services/ports.py)."""
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.bootstrap import store_repositories
from chalicelib.domain.analytics import Where
from chalicelib.domain.consent import ConsentEvent, ConsentRecord, Source
from chalicelib.domain.customers import ContactChannel, Customer
from chalicelib.domain.errors import AlreadyGiven, Conflict, LimitReached, LinkExpired, NotFound, VersionConflict
from chalicelib.domain.estimates import Decision, Estimate
from chalicelib.domain.feedback import Feedback
from chalicelib.domain.frames import FrameSettings, Withdrawn
from chalicelib.domain.inbox import InboxItem
from chalicelib.domain.intake import Order, OrderCustomer
from chalicelib.domain.jobs import Confirmation, Job
from chalicelib.domain.links import Link
from chalicelib.domain.messages import Direction, Message, MessageStatus, message_id
from chalicelib.domain.notes import Note, StaffMessage, Visibility
from chalicelib.domain.people import Location, Organization, Role, User
from chalicelib.domain.queues import ClosedBy, EntryState, QueueEntry, QueueName
from chalicelib.domain.scenarios import LinkPurpose, MessagingSettings, QuietHours, ScenarioName, ScenarioOverride
from chalicelib.domain.timers import Timer, TimerKind
from chalicelib.domain.values import TimeFrame
from chalicelib.services.repositories import Repositories
from chalicelib.store.messages import RECEIPT_WAIT
from tests.fakes import fake_repositories

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
ORG = "org_contract"
PAT, LEE, KIM = "+13035550155", "+13035550178", "+13035550166"  # booking page callers


@pytest.fixture(params=["dynamodb", "memory"])
def repos(request) -> Repositories:
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return store_repositories()
    return fake_repositories()


@pytest.fixture
def tenant(repos):
    org = Organization(ORG, "Acme", "acme", "America/Denver", "+13035550100", NOW)
    dispatcher = User("usr_dana", ORG, "Dana", "dana@acme.example", frozenset({Role.DISPATCHER}), created_at=NOW)
    repos.organizations.create(org, dispatcher)
    repos.users.add(User("usr_ana", ORG, "Ana", "ana@acme.example", frozenset({Role.TECHNICIAN}), created_at=NOW))
    repos.customers.add(Customer("cus_1", ORG, "Sam Rivera", "+13035550177", NOW, time_zone="America/Denver"))
    return org


def scheduled(repos, start=NOW + timedelta(days=1), created=NOW, customer="cus_1", technician="usr_ana") -> Job:
    job = Job.create(ORG, customer, "Leak", created)
    job.schedule(TimeFrame(start, start + timedelta(hours=2)), created, technician)
    repos.jobs.save(job)
    return job


def text(job: Job, key: str, status=MessageStatus.QUEUED, created=NOW, **kw) -> Message:
    return Message(id=message_id(ORG, job.id, key), org_id=ORG, job_id=job.id, key=key, direction=Direction.OUTBOUND,
                   sender="+13035550100", recipient="+13035550177", body=f"text {key}", status=status, segments=1,
                   created_at=created, updated_at=created, scenario="reminder", **kw)


def drain(list_page, limit: int) -> list:
    """Every page of a list, in order."""
    seen, token = [], None
    while True:
        page = list_page(limit, token)
        seen += page.items
        token = page.next_token
        if not token:
            return seen


# -- organizations, users, customers, contexts ------------------------------------------------------------

def test_an_organization_is_found_by_its_number_and_its_slug_and_number_are_its_own(repos, tenant):
    assert repos.organizations.get(repos.organizations.id_for_number("+13035550100")) == tenant
    assert repos.organizations.id_for_slug("acme") == ORG
    with pytest.raises(NotFound):
        repos.organizations.id_for_number("+13035550999")
    other = Organization("org_other", "Other", "acme", "UTC", "+13035550101", NOW)
    with pytest.raises(Conflict):
        repos.organizations.create(other, User("usr_o", "org_other", "O", "o@x.example",
                                               frozenset({Role.DISPATCHER}), created_at=NOW))
    with pytest.raises(NotFound):
        repos.organizations.get("org_other")  # nothing of the refused one is stored


def test_users_are_added_once_and_listed_every_one_once_in_id_order(repos, tenant):
    with pytest.raises(Conflict):
        repos.users.add(User("usr_ana", ORG, "Ana", "ana@acme.example", frozenset({Role.TECHNICIAN}), created_at=NOW))
    for i in range(7):
        repos.users.add(User(f"usr_{i:02d}", ORG, f"U{i}", f"u{i}@x.example", frozenset({Role.TECHNICIAN}),
                             created_at=NOW))
    listed = drain(lambda limit, token: repos.users.list(ORG, limit, token), 3)
    assert [u.id for u in listed] == sorted(u.id for u in repos.users.of_org(ORG)) and len(listed) == 9
    with pytest.raises(NotFound):
        repos.users.save(User("usr_ghost", ORG, "G", "g@x.example", frozenset(), created_at=NOW))


def test_a_customer_is_found_by_phone_newest_first_and_saved_only_if_added(repos, tenant):
    repos.customers.add(Customer("cus_2", ORG, "Sam Junior", "+13035550177", NOW + timedelta(days=1)))
    assert repos.customers.by_phone(ORG, "+13035550177").id == "cus_2"
    assert repos.customers.by_phone(ORG, "+13035550111") is None
    with pytest.raises(Conflict):
        repos.customers.add(Customer("cus_2", ORG, "again", None, NOW))
    with pytest.raises(NotFound):
        repos.customers.save(Customer("cus_9", ORG, "never added", None, NOW))
    customer = repos.customers.get(ORG, "cus_1")
    customer.opt(True, NOW, "sms:1")
    repos.customers.save(customer)
    assert repos.customers.get(ORG, "cus_1").opted_out
    assert set(repos.customers.get_many(ORG, {"cus_1", "cus_2", "cus_9"})) == {"cus_1", "cus_2"}


def test_a_recipient_context_has_everything_a_text_needs_with_defaults(repos, tenant):
    ctx = repos.contexts.load(ORG, "cus_1", "usr_ana", None)
    assert (ctx.org, ctx.customer.name, ctx.technician.name, ctx.location) == (tenant, "Sam Rivera", "Ana", None)
    assert ctx.settings == MessagingSettings() and ctx.time_zone == "America/Denver"
    repos.locations.add(Location("loc_n", ORG, "North", "America/Chicago", False, NOW))
    with pytest.raises(Conflict):
        repos.locations.add(Location("loc_n", ORG, "Again", "UTC", True, NOW))
    settings = MessagingSettings({ScenarioName.ARRIVED: ScenarioOverride(enabled=False)},
                                 QuietHours(*[datetime.strptime(t, "%H:%M").time() for t in ("22:00", "07:00")]))
    repos.settings.save_messaging(ORG, settings)
    ctx = repos.contexts.load(ORG, "cus_1", None, "loc_n")
    assert ctx.settings == settings and ctx.location.direct_reply_enabled is False and ctx.technician is None
    assert repos.settings.messaging(ORG) == settings
    with pytest.raises(NotFound):
        repos.contexts.load(ORG, "cus_missing", None, None)


def test_an_organization_is_saved_only_once_created_and_its_numbers_key_moves_with_it(repos, tenant):
    from dataclasses import replace
    repos.organizations.save(replace(tenant, name="Acme Plumbing", brand_color="#123456"))
    assert repos.organizations.get(ORG) == replace(tenant, name="Acme Plumbing", brand_color="#123456")
    assert repos.organizations.id_for_number("+13035550100") == ORG
    with pytest.raises(NotFound):
        repos.organizations.save(Organization("org_never", "Never", "never", "UTC", "+13035550109", NOW))
    with pytest.raises(NotFound):
        repos.organizations.get("org_never")


def test_a_user_is_read_back_as_saved_and_its_organization_is_found_by_its_id_alone(repos, tenant):
    ana = repos.users.get(ORG, "usr_ana")
    assert (ana.name, ana.roles, ana.active) == ("Ana", frozenset({Role.TECHNICIAN}), True)
    ana.active, ana.roles = False, frozenset({Role.TECHNICIAN, Role.DISPATCHER})
    repos.users.save(ana)
    assert repos.users.get(ORG, "usr_ana") == ana
    assert repos.users.org_of("usr_ana") == repos.users.org_of("usr_dana") == ORG
    with pytest.raises(NotFound):
        repos.users.org_of("usr_ghost")
    with pytest.raises(NotFound):
        repos.users.get(ORG, "usr_ghost")
    with pytest.raises(NotFound):
        repos.users.get("org_other", "usr_ana")  # nothing crosses organizations


def test_a_location_is_read_saved_and_listed_every_one_once(repos, tenant):
    for n in range(5):
        repos.locations.add(Location(f"loc_{n}", ORG, f"Branch {n}", "America/Denver", True, NOW))
    north = repos.locations.get(ORG, "loc_3")
    assert (north.name, north.time_zone, north.direct_reply_enabled) == ("Branch 3", "America/Denver", True)
    north.direct_reply_enabled, north.name = False, "North"
    repos.locations.save(north)
    assert repos.locations.get(ORG, "loc_3") == north
    listed = drain(lambda limit, token: repos.locations.list(ORG, limit, token), 2)
    assert sorted(loc.id for loc in listed) == [f"loc_{n}" for n in range(5)]
    assert [loc.name for loc in listed if loc.id == "loc_3"] == ["North"]
    with pytest.raises(NotFound):
        repos.locations.get(ORG, "loc_9")
    with pytest.raises(NotFound):
        repos.locations.get("org_other", "loc_3")


def test_a_sweep_runs_loader_loads_what_the_plain_loader_loads(repos, tenant):
    repos.locations.add(Location("loc_n", ORG, "North", "America/Chicago", False, NOW))
    repos.customers.add(Customer("cus_2", ORG, "Pat Lee", "+13035550178", NOW, time_zone="America/Chicago"))
    run = repos.contexts.for_run()
    for customer, technician, location in [("cus_1", "usr_ana", None), ("cus_2", None, "loc_n"),
                                           ("cus_1", None, "loc_n")]:
        assert run.load(ORG, customer, technician, location) == repos.contexts.load(ORG, customer, technician,
                                                                                    location)
    assert run.load(ORG, "cus_2", None, "loc_n").customer.name == "Pat Lee"
    with pytest.raises(NotFound):
        run.load(ORG, "cus_missing", None, None)


# -- jobs -------------------------------------------------------------------------------------------------

def test_a_providers_offers_are_listed_to_it_alone_every_one_once(repos, tenant):
    offered = []
    for n in range(5):
        job = Job.create(ORG, "cus_1", f"offer {n}", NOW + timedelta(minutes=n), provider_id="usr_brand",
                         offered=True)
        repos.jobs.save(job)
        offered.append(job.id)
    other = Job.create(ORG, "cus_1", "someone else's", NOW, provider_id="usr_other", offered=True)
    repos.jobs.save(other)
    scheduled(repos)  # the organization's own job: no provider
    listed = drain(lambda limit, token: repos.jobs.list_offered_by(ORG, "usr_brand", limit, token), 2)
    assert sorted(j.id for j in listed) == sorted(offered) and len(listed) == 5
    assert [j.id for j in repos.jobs.list_offered_by(ORG, "usr_other", 10, None).items] == [other.id]
    assert repos.jobs.list_offered_by(ORG, "usr_nobody", 10, None).items == []

def test_a_job_round_trips_with_its_appointments_in_window_order_and_versions(repos, tenant):
    job = scheduled(repos)
    assert job.version == 1 and job.appointments[0].version == 1 and not job.touched
    job.schedule(TimeFrame(NOW + timedelta(hours=3), NOW + timedelta(hours=5)), NOW)
    repos.jobs.save(job)
    loaded = repos.jobs.get(ORG, job.id)
    assert loaded.appointments == sorted(job.appointments, key=lambda a: a.window.start)  # window order
    loaded.appointments = job.appointments
    assert loaded == job
    assert (loaded.version, sorted(a.version for a in loaded.appointments)) == (2, [1, 1])
    with pytest.raises(NotFound):
        repos.jobs.get(ORG, "job_missing")


def test_a_stale_job_is_refused_whole_and_the_winner_stays(repos, tenant):
    job = scheduled(repos)
    first, second = repos.jobs.get(ORG, job.id), repos.jobs.get(ORG, job.id)
    first.cancel("customer called", NOW)
    repos.jobs.save(first)
    second.confirm(second.appointments[0].id, Confirmation.CONFIRMED, NOW)
    with pytest.raises(VersionConflict):
        repos.jobs.save(second)
    stored = repos.jobs.get(ORG, job.id)
    assert stored.cancel_reason == "customer called" and stored.appointments[0].confirmation == "pending"
    new = Job.create(ORG, "cus_1", "x", NOW)
    new.id = job.id  # a new job (no version) where one exists
    with pytest.raises(VersionConflict):
        repos.jobs.save(new)


def test_a_declined_job_is_gone_and_a_customers_jobs_come_newest_first(repos, tenant):
    older = scheduled(repos, created=NOW - timedelta(days=2))
    newer = scheduled(repos, created=NOW - timedelta(days=1))
    offer = Job.create(ORG, "cus_1", "offer", NOW, provider_id="usr_dana", offered=True)
    offer.decline(NOW)
    repos.jobs.save(offer)
    with pytest.raises(NotFound):
        repos.jobs.get(ORG, offer.id)
    assert [j.id for j in repos.jobs.of_customer(ORG, "cus_1")] == [newer.id, older.id]
    assert repos.jobs.of_customer(ORG, "cus_1")[0].appointments == []
    assert set(repos.jobs.get_many(ORG, {older.id, offer.id})) == {older.id}
    listed = drain(lambda limit, token: repos.jobs.list_all(ORG, None, limit, token), 1)
    assert [j.id for j in listed] == [newer.id, older.id]


def test_appointments_by_window_technician_and_id(repos, tenant):
    jobs = [scheduled(repos, start=NOW + timedelta(hours=h)) for h in (30, 5, 20)]
    ids = {j.appointments[0].id: j.appointments[0].window.start for j in jobs}
    starting = repos.jobs.appointments_starting(ORG, NOW + timedelta(hours=5), NOW + timedelta(hours=30))
    assert sorted(a.window.start for a in starting) == [NOW + timedelta(hours=5), NOW + timedelta(hours=20)]
    mine = drain(lambda limit, token: repos.jobs.appointments_of_technician(ORG, "usr_ana", None, None, limit, token), 2)
    assert [a.id for a in mine] == sorted(ids, key=ids.get)
    assert set(repos.jobs.appointments_by_id(ORG, set(ids) | {None})) == set(ids)


# -- the message ledger and links -------------------------------------------------------------------------

def test_a_trigger_claims_one_message_and_a_replay_gets_the_first_back(repos, tenant):
    job = scheduled(repos)
    token, link = Link.issue(ORG, job.id, job.appointments[0].id, LinkPurpose.STATUS, NOW)
    first = text(job, "booking:1")
    assert repos.messages.claim(first, [link]) is None
    replay = text(job, "booking:1", created=NOW + timedelta(minutes=5))
    replay.body = "a different rendering"
    earlier = repos.messages.claim(replay, [])
    assert earlier == first and earlier.body == "text booking:1"
    assert repos.messages.claimed(ORG, job.id, "booking:1") == first
    with pytest.raises(NotFound):
        repos.messages.claimed(ORG, job.id, "never")
    assert repos.links.resolve(token, NOW).appointment_id == job.appointments[0].id
    with pytest.raises(LinkExpired):
        repos.links.resolve(token, link.expires_at)
    with pytest.raises(NotFound):
        repos.links.resolve("not-a-token", NOW)


def test_updates_keep_the_conversation_in_order_and_every_message_once(repos, tenant):
    job = scheduled(repos)
    for i in range(7):
        repos.messages.claim(text(job, f"k{i}", created=NOW + timedelta(minutes=7 - i)), [])
    sent = repos.messages.claimed(ORG, job.id, "k3")
    sent.status, sent.provider_id = MessageStatus.SENT, "prov-3"
    repos.messages.update(sent)
    assert repos.messages.by_provider_id("prov-3") == sent and repos.messages.by_provider_id("nope") is None
    listed = drain(lambda limit, token: repos.messages.conversation(ORG, job.id, limit, token), 3)
    assert [m.key for m in listed] == [f"k{i}" for i in reversed(range(7))]
    with pytest.raises(NotFound):
        repos.messages.update(text(job, "unclaimed"))


def test_a_held_text_is_due_at_its_release_and_is_taken_once(repos, tenant):
    job = scheduled(repos)
    release = NOW + timedelta(hours=10)
    held = text(job, "held", MessageStatus.HELD, release_at=release)
    repos.messages.claim(held, [])
    assert repos.due.due_between(NOW, release - timedelta(seconds=1))[0] == []
    (due,), _ = repos.due.due_between(release, release + timedelta(minutes=1))
    assert due == held and repos.messages.held_between(NOW, release) == [held]
    taken = repos.messages.take_held(due)
    assert taken.status is MessageStatus.QUEUED and repos.messages.take_held(due) is None
    assert repos.due.due_between(NOW, release + timedelta(hours=1))[0] == []
    assert repos.messages.claimed(ORG, job.id, "held").status is MessageStatus.QUEUED


def test_a_sent_text_is_due_for_its_receipt_and_a_final_receipt_is_not_overwritten(repos, tenant):
    job = scheduled(repos)
    message = text(job, "sent")
    repos.messages.claim(message, [])
    message.status, message.provider_id, message.updated_at = MessageStatus.SENT, "prov-1", NOW
    repos.messages.update(message)
    (due,), _ = repos.due.due_between(NOW + RECEIPT_WAIT, NOW + RECEIPT_WAIT)
    assert due.status is MessageStatus.SENT and due.key == "sent"
    assert repos.messages.receipt(due, MessageStatus.DELIVERED, None, NOW + timedelta(minutes=1))
    assert not repos.messages.receipt(due, MessageStatus.FAILED, "late failure", NOW + timedelta(minutes=2))
    assert repos.messages.claimed(ORG, job.id, "sent").status is MessageStatus.DELIVERED
    assert repos.due.due_between(NOW + RECEIPT_WAIT - timedelta(minutes=1), NOW + RECEIPT_WAIT)[0] == []


# -- timers and the due index -----------------------------------------------------------------------------

def timer(job: Job, kind=TimerKind.REMINDER, due=NOW + timedelta(hours=2)) -> Timer:
    a = job.appointments[0]
    return Timer(ORG, job.id, a.id, kind, due, 1, a.window.start)


def test_a_due_timer_is_taken_once_and_not_after_it_moved(repos, tenant):
    job = scheduled(repos)
    reminder, delay = timer(job), timer(job, TimerKind.DELAY_CHECK, NOW + timedelta(hours=3))
    repos.timers.put(reminder, NOW)
    repos.timers.put(delay, NOW)
    assert {t.kind for t in repos.timers.of_appointment(ORG, job.id, reminder.appointment_id)} == {
        TimerKind.REMINDER, TimerKind.DELAY_CHECK}
    found, _ = repos.due.due_between(NOW, NOW + timedelta(hours=3))
    assert found == [reminder, delay]  # due order
    taken = repos.timers.take(found[0])
    assert taken.status == "fired" and repos.timers.take(found[0]) is None
    moved = timer(job, TimerKind.DELAY_CHECK, NOW + timedelta(hours=4))
    repos.timers.put(moved, NOW)
    assert repos.timers.take(found[1]) is None  # the stale due time: it moved
    assert repos.due.due_between(NOW, NOW + timedelta(hours=3))[0] == []
    repos.timers.remove(moved)
    assert [t.kind for t in repos.timers.of_appointment(ORG, job.id, moved.appointment_id)] == [TimerKind.REMINDER]
    for gone in (moved, reminder):  # removed already; fired: it stays as the record that it fired
        with pytest.raises(VersionConflict):
            repos.timers.remove(gone)
    assert repos.due.due_between(NOW, NOW + timedelta(hours=5))[0] == []


def test_a_timer_already_due_is_filed_at_now_and_the_index_mixes_texts_and_timers_in_due_order(repos, tenant):
    job = scheduled(repos)
    late = timer(job, due=NOW - timedelta(hours=5))
    repos.timers.put(late, NOW)
    repos.messages.claim(text(job, "held", MessageStatus.HELD, release_at=NOW - timedelta(minutes=1)), [])
    assert repos.due.due_between(NOW - timedelta(hours=6), NOW - timedelta(hours=4))[0] == []
    found, queries = repos.due.due_between(NOW - timedelta(minutes=1), NOW)
    assert [type(f).__name__ for f in found] == ["Message", "Timer"] and found[1].due == late.due
    assert queries >= 1


def test_each_shards_watermark_only_moves_forward_on_its_own(repos, tenant):
    assert repos.due.watermark(0) is None
    repos.due.advance_watermark(NOW, 0)
    repos.due.advance_watermark(NOW - timedelta(minutes=5), 0)
    assert repos.due.watermark(0) == NOW
    repos.due.advance_watermark(NOW + timedelta(minutes=1), 0)
    assert repos.due.watermark(0) == NOW + timedelta(minutes=1)
    assert repos.due.watermark(1) == NOW + timedelta(minutes=1)  # none of its own yet: the slowest shard's
    repos.due.advance_watermark(NOW - timedelta(minutes=5), 1)  # a slow shard keeps its own place
    assert (repos.due.watermark(0), repos.due.watermark(1)) == (NOW + timedelta(minutes=1), NOW - timedelta(minutes=5))
    assert repos.due.watermark(2) == NOW - timedelta(minutes=5)


def test_every_due_item_is_in_exactly_one_shard(repos, tenant):
    jobs = [scheduled(repos) for _ in range(12)]
    for job in jobs:
        repos.timers.put(timer(job), NOW)
    everything, _ = repos.due.due_between(NOW, NOW + timedelta(hours=3))
    by_shard = [repos.due.due_between(NOW, NOW + timedelta(hours=3), shard)[0] for shard in range(repos.due.shards())]
    assert sorted(t.job_id for part in by_shard for t in part) == sorted(t.job_id for t in everything)
    assert len(everything) == len(jobs) and sum(1 for part in by_shard if part) > 1


# -- notes and photos -------------------------------------------------------------------------------------

def test_notes_and_photos_list_oldest_first_every_one_once_and_public_ones_alone_when_asked(repos, tenant):
    from chalicelib.domain.notes import Note, Photo, Visibility
    job, elsewhere = scheduled(repos), scheduled(repos)
    for n in range(5):
        seen = Visibility.PUBLIC if n % 2 == 0 else Visibility.PRIVATE
        repos.notes.add(ORG, Note(f"not_{n}", job.id, "usr_ana", f"note {n}", seen, NOW + timedelta(minutes=5 - n)))
        repos.notes.add_photo(ORG, Photo(f"pho_{n}", job.id, "usr_ana", "image/jpeg", seen,
                                         f"{ORG}/{job.id}/pho_{n}.jpg", NOW + timedelta(minutes=n)))
    repos.notes.add(ORG, Note("not_x", elsewhere.id, "usr_ana", "another job's", Visibility.PUBLIC, NOW))
    notes = drain(lambda limit, token: repos.notes.list(ORG, job.id, False, limit, token), 2)
    assert [n.id for n in notes] == ["not_4", "not_3", "not_2", "not_1", "not_0"]  # by when written
    assert notes[0] == Note("not_4", job.id, "usr_ana", "note 4", Visibility.PUBLIC, NOW + timedelta(minutes=1))
    public = drain(lambda limit, token: repos.notes.list(ORG, job.id, True, limit, token), 2)
    assert [n.id for n in public] == ["not_4", "not_2", "not_0"]
    photos = drain(lambda limit, token: repos.notes.list_photos(ORG, job.id, False, limit, token), 2)
    assert [p.id for p in photos] == [f"pho_{n}" for n in range(5)]
    assert photos[1].object_key == f"{ORG}/{job.id}/pho_1.jpg" and photos[1].content_type == "image/jpeg"
    assert [p.id for p in repos.notes.list_photos(ORG, job.id, True, 10, None).items] == ["pho_0", "pho_2", "pho_4"]
    assert [n.id for n in repos.notes.list(ORG, elsewhere.id, False, 10, None).items] == ["not_x"]


# -- queues, inbox, feedback, settings, orders ------------------------------------------------------------

def test_staff_messages_list_oldest_first_apart_from_the_job_and_an_inbox_item_keeps_its_author(repos, tenant):
    job = scheduled(repos)
    said = [StaffMessage(f"stm_{i}", ORG, job.id, "usr_dana", ("usr_ana", "usr_bo"), f"words {i}",
                         NOW + timedelta(minutes=2 - i)) for i in range(3)]
    for m in said:
        repos.notes.add_staff_message(m)
    assert repos.notes.staff_messages(ORG, job.id) == said[::-1]  # oldest first, recipients in order
    assert repos.notes.staff_messages(ORG, "job_none") == []
    assert repos.notes.list(ORG, job.id, False, 10, None).items == []  # not notes
    assert repos.jobs.get(ORG, job.id) == job  # nor read as the job
    item = InboxItem(ORG, "usr_ana", job.id, "stm_0", "words 0", NOW, author_id="usr_dana")
    assert repos.inbox.add(item)
    assert repos.inbox.list(ORG, "usr_ana", 10, None).items == [item]


def entry(job_id: str, created=NOW, queue=QueueName.ESCALATION) -> QueueEntry:
    return QueueEntry(ORG, queue, job_id, None, "call them", created)


def test_a_queue_entry_is_added_once_per_key_and_saved_on_its_version(repos, tenant):
    first = entry("job_0000000000000001")
    assert repos.queues.add(first, "k") and first.version == 1 and first.id
    assert not repos.queues.add(entry("job_0000000000000001"), "k")
    a, b = (repos.queues.get(ORG, "escalation", first.id) for _ in range(2))
    a.claim("usr_dana", NOW)
    repos.queues.save(a)
    assert a.version == 2
    b.claim("usr_other", NOW)
    with pytest.raises(VersionConflict):
        repos.queues.save(b)
    assert repos.queues.get(ORG, "escalation", first.id).claimed_by == "usr_dana"
    with pytest.raises(NotFound):
        repos.queues.get(ORG, "retention", first.id)
    with pytest.raises(NotFound):
        repos.queues.get(ORG, "escalation", "garbage")
    assert [e.id for e in repos.queues.of_job(ORG, "job_0000000000000001")] == [first.id]


def test_a_queue_lists_oldest_waiting_first_by_state_and_pages_every_entry_once(repos, tenant):
    added = []
    for i in range(12):
        e = entry(f"job_{i:016x}", NOW - timedelta(minutes=(i * 7) % 12))
        repos.queues.add(e, f"k{i}")
        added.append(e)
    claimed, done = added[3], added[5]
    claimed.claim("usr_dana", NOW)
    repos.queues.save(claimed)
    done.close(ClosedBy.CANCELED, NOW)
    repos.queues.save(done)
    active = drain(lambda limit, token: repos.queues.list(ORG, "escalation", None, limit, token), 5)
    assert len(active) == 11 and len({e.id for e in active}) == 11
    assert [e.order_at for e in active] == sorted(e.order_at for e in active)
    assert [e.id for e in repos.queues.list(ORG, "escalation", EntryState.CLAIMED, 50, None).items] == [claimed.id]
    assert [e.id for e in repos.queues.list(ORG, "escalation", EntryState.DONE, 50, None).items] == [done.id]
    assert len(drain(lambda limit, token: repos.queues.list(ORG, "escalation", EntryState.OPEN, limit, token), 4)) == 10


def test_the_inbox_takes_a_message_once_lists_unread_newest_first_and_throttles_alerts(repos, tenant):
    items = [InboxItem(ORG, "usr_dana", "job_1", f"msg_{i}", f"hi {i}", NOW + timedelta(minutes=i)) for i in range(3)]
    assert all(repos.inbox.add(i) for i in items) and not repos.inbox.add(items[0])
    repos.inbox.mark_read(ORG, "usr_dana", items[2].id, NOW)
    listed = drain(lambda limit, token: repos.inbox.list(ORG, "usr_dana", limit, token), 2)
    assert [i.message_id for i in listed] == ["msg_1", "msg_0", "msg_2"]
    with pytest.raises(NotFound):
        repos.inbox.mark_read(ORG, "usr_dana", "inb_missing", NOW)
    every = timedelta(minutes=15)
    assert repos.inbox.may_text_technician(ORG, "job_1", "usr_ana", NOW, every)
    assert not repos.inbox.may_text_technician(ORG, "job_1", "usr_ana", NOW + timedelta(minutes=14), every)
    assert repos.inbox.may_text_technician(ORG, "job_1", "usr_ana", NOW + every, every)


def test_feedback_is_given_once_and_read_with_the_job(repos, tenant):
    job = scheduled(repos)
    repos.feedback.add(Feedback(ORG, job.id, job.appointments[0].id, 5, "great", NOW))
    with pytest.raises(AlreadyGiven):
        repos.feedback.add(Feedback(ORG, job.id, None, 1, None, NOW))
    assert repos.jobs.get(ORG, job.id).feedback.rating == 5
    assert [f.rating for f in repos.feedback.between(ORG, NOW, NOW + timedelta(days=1), 10, None).items] == [5]


def test_settings_come_back_as_saved_or_as_defaults(repos, tenant):
    from chalicelib.domain.channels import ChannelSettings
    from chalicelib.domain.intake import Classification
    assert repos.channels.get(ORG) == ChannelSettings()
    assert repos.classification.get(ORG) == Classification()
    repos.channels.save(ORG, ChannelSettings(email_from="desk@acme.example"))
    assert repos.channels.get(ORG).email_from == "desk@acme.example"
    from chalicelib.domain.intake import Eligibility, Match, Rule
    rules = Classification((Rule(Match(service_type="repair", words=("leak", "burst")), "emergency", "loc_n",
                                 "dispatch"), Rule(Match(region="north"), queue="intake")),
                           Eligibility(regions=("north", "south"), required=("customer.email",)))
    repos.classification.save(ORG, rules)
    assert repos.classification.get(ORG) == rules
    assert repos.classification.get("org_other") == Classification()


def test_an_order_is_claimed_once_and_a_resend_gets_the_first(repos, tenant):
    def order(description):
        return Order(ORG, "shop", "ref-1", OrderCustomer("Sam", "+13035550177"), "repair", description, "12 Elm St",
                     NOW)
    first = order("first")
    first_id = first.id
    assert repos.orders.claim(first) is None
    again = repos.orders.claim(order("resent"))
    assert again.description == "first" and again.id == first_id
    from chalicelib.domain.intake import OrderStatus
    first.status, first.job_id, first.priority, first.reasons = OrderStatus.ACCEPTED, "job_1", "high", ["rule 1"]
    repos.orders.save(first)  # the outcome: a resend now gets it
    outcome = repos.orders.claim(order("resent again"))
    assert (outcome.status, outcome.job_id, outcome.priority, outcome.reasons, outcome.description) == (
        OrderStatus.ACCEPTED, "job_1", "high", ["rule 1"], "first")


def test_the_directory_enrolls_each_sign_in_with_a_new_user_id_and_follows_roles_and_activity(repos, tenant):
    roles = frozenset({Role.TECHNICIAN})
    first = repos.directory.enroll(ORG, "new1@acme.example", roles)
    second = repos.directory.enroll(ORG, "new2@acme.example", roles)
    assert first.startswith("usr_") and second.startswith("usr_") and first != second
    repos.directory.set_roles("new1@acme.example", roles, roles | {Role.DISPATCHER})
    repos.directory.set_active("new1@acme.example", False)
    repos.directory.set_active("new1@acme.example", True)


def test_photo_urls_name_the_object_and_the_way_it_moves(repos):
    upload = repos.uploads.upload_url("org_contract/job_1/pho_1.jpg", "image/jpeg")
    download = repos.uploads.download_url("org_contract/job_1/pho_1.jpg")
    assert "pho_1.jpg" in upload and "pho_1.jpg" in download and upload != download


# -- the booking page, the customer's page, time frames, the analytics counters ----------------------

def booking(key: str, phone: str = "hash_sam") -> tuple[Job, list]:
    """A request from the booking page, and its counters: 2 per phone a day, 3 per client address an hour."""
    job = Job.create(ORG, "cus_1", f"request {key}", NOW, offered=True, channel="booking_page")
    return job, [("phone", phone, "2026-12-01", 2, NOW + timedelta(days=2)),
                 ("client", "hash_client", "2026-12-01T17", 3, NOW + timedelta(hours=2))]


def opt_in(phone: str, minutes: int = 0) -> ConsentRecord:
    return ConsentRecord(ORG, ContactChannel.SMS, phone, ConsentEvent.OPT_IN, Source.BOOKING_PAGE,
                         NOW + timedelta(minutes=minutes))


def test_a_booking_form_is_stored_once_and_a_full_counter_stores_nothing(repos, tenant):
    expires = NOW + timedelta(days=1)
    first, counters = booking("a")
    assert repos.bookings.add(first, None, "a", counters, expires, opt_in(PAT)) is None
    assert first.version == 1 and repos.bookings.earlier(ORG, "a") == first.id
    again, counters = booking("a")
    assert repos.bookings.add(again, None, "a", counters, expires, opt_in(PAT, 1)) == first.id  # counts nothing
    with pytest.raises(NotFound):
        repos.jobs.get(ORG, again.id)
    second, counters = booking("b")
    assert repos.bookings.add(second, None, "b", counters, expires, opt_in(PAT, 2)) is None  # the phone's 2nd of 2
    assert repos.consent.of_address(ORG, PAT) == [opt_in(PAT), opt_in(PAT, 2)]  # the same form's opted in once
    third, counters = booking("c")
    lee = Customer("cus_lee", ORG, "Lee Chen", LEE, NOW)
    with pytest.raises(LimitReached) as refused:
        repos.bookings.add(third, lee, "c", counters, expires, opt_in(LEE))
    assert refused.value.which == "phone" and repos.bookings.earlier(ORG, "c") is None
    for gone in (lambda: repos.jobs.get(ORG, third.id), lambda: repos.customers.get(ORG, "cus_lee")):
        with pytest.raises(NotFound):  # nothing of the refused request is stored
            gone()
    other, counters = booking("d", phone="hash_lee")
    assert repos.consent.of_address(ORG, LEE) == []  # nothing of the refused request is stored
    assert repos.bookings.add(other, lee, "d", counters, expires, opt_in(LEE, 3)) is None  # the client's third
    assert repos.customers.get(ORG, "cus_lee").name == "Lee Chen" and repos.jobs.get(ORG, other.id).version == 1
    assert repos.consent.of_address(ORG, LEE) == [opt_in(LEE, 3)]
    last, counters = booking("e", phone="hash_kim")
    with pytest.raises(LimitReached) as refused:
        repos.bookings.add(last, None, "e", counters, expires, opt_in(KIM))
    assert refused.value.which == "client"


def test_the_customer_page_reads_the_job_its_visit_its_feedback_and_the_conversation_oldest_first(repos, tenant):
    job = scheduled(repos)
    repos.messages.claim(text(job, "later", created=NOW + timedelta(minutes=5)), [])
    repos.messages.claim(text(job, "sooner", created=NOW + timedelta(minutes=1)), [])
    repos.feedback.add(Feedback(ORG, job.id, job.appointments[0].id, 4, "on time", NOW))
    found, conversation = repos.customer_pages.job_with_conversation(ORG, job.id)
    assert (found.id, [a.id for a in found.appointments], found.feedback.rating) == \
        (job.id, [job.appointments[0].id], 4)
    assert found.appointments[0].technician_id == "usr_ana"
    assert [m.key for m in conversation] == ["sooner", "later"]
    assert repos.customer_pages.job_with_conversation(ORG, "job_missing") is None


def test_working_hours_fall_back_from_the_location_to_the_organization_to_the_defaults(repos, tenant):
    assert repos.frames.settings(ORG, "loc_n") == FrameSettings() and repos.frames.stored_settings(ORG, None) is None
    hours = FrameSettings(frame_minutes=180, visits_per_frame=1)
    repos.frames.save_settings(ORG, None, hours)
    assert repos.frames.settings(ORG, "loc_n") == hours and repos.frames.stored_settings(ORG, "loc_n") is None
    north = FrameSettings(days=("sat",), generate=False)
    repos.frames.save_settings(ORG, "loc_n", north)
    assert (repos.frames.settings(ORG, "loc_n"), repos.frames.settings(ORG, None)) == (north, hours)
    assert repos.frames.withdrawn(ORG, "job_1") == Withdrawn()
    repos.frames.withdraw(ORG, "job_1", Withdrawn(NOW + timedelta(days=3)))
    assert repos.frames.withdrawn(ORG, "job_1") == Withdrawn(NOW + timedelta(days=3))


def picked(job: Job, frame: TimeFrame) -> tuple[str, Note]:
    moved = job.reschedule(job.appointments[0].id, NOW, window=frame)
    return moved.id, Note(f"note_stf_{job.id[-6:]}", job.id, "customer", "picked", Visibility.PRIVATE, NOW)


def test_a_pick_takes_a_place_and_a_rival_on_the_same_slot_version_writes_nothing(repos, tenant):
    frame = TimeFrame(NOW + timedelta(days=3), NOW + timedelta(days=3, hours=2))
    mine, rival = scheduled(repos), scheduled(repos, start=NOW + timedelta(days=2))
    slot, holders = repos.frames.slot(ORG, None, frame, None)
    assert (slot.holders, slot.version, holders) == (frozenset(), None, [])
    moved, note = picked(mine, frame)
    repos.frames.pick(mine, slot, holders, moved, Withdrawn(frame.start), note)
    taken, holders = repos.frames.slot(ORG, None, frame, None)
    assert taken.holders == {moved} and holders == [moved] and taken.version is not None
    assert repos.frames.slot(ORG, None, frame, moved)[1] == []  # the visit itself does not count against it
    assert repos.frames.booked(ORG, None, frame.start, frame.end, None) == [(moved, frame)]
    assert repos.jobs.get(ORG, mine.id).appointments[0].window == frame
    assert repos.frames.withdrawn(ORG, mine.id) == Withdrawn(frame.start)
    assert [n.id for n in repos.notes.list(ORG, mine.id, False, 10, None).items] == [note.id]
    late, note = picked(rival, frame)
    with pytest.raises(VersionConflict):  # it read the slot before the first pick
        repos.frames.pick(rival, slot, [], late, Withdrawn(frame.start), note)
    assert repos.jobs.get(ORG, rival.id).appointments[0].window.start == NOW + timedelta(days=2)
    assert repos.notes.list(ORG, rival.id, False, 10, None).items == []
    assert repos.frames.withdrawn(ORG, rival.id) == Withdrawn()
    assert repos.frames.slot(ORG, None, frame, None)[0].holders == {moved}


def test_the_technician_is_told_of_a_pick_once_unless_the_claim_is_released(repos, tenant):
    assert repos.frames.claim_told(ORG, "job_1", "note_stf_1", NOW)
    assert not repos.frames.claim_told(ORG, "job_1", "note_stf_1", NOW)
    repos.frames.release_told(ORG, "job_1", "note_stf_1")
    assert repos.frames.claim_told(ORG, "job_1", "note_stf_1", NOW)


def test_a_fact_counts_once_and_the_counters_add_up_by_day_and_dimension(repos, tenant):
    where = Where("2026-12-01", "phone", "loc_1", "usr_ana")
    assert repos.tallies.count(ORG, "job_1", "sent:m1", where, {"sent": 1, "segments": 2}, NOW)
    assert not repos.tallies.count(ORG, "job_1", "sent:m1", where, {"sent": 1, "segments": 2}, NOW)  # a replay
    assert repos.tallies.count(ORG, "job_1", "asked:apt_1", where, {"asked": 1}, NOW, keep_where=True)
    later = Where("2026-12-02", "web", "none", "unassigned")
    assert repos.tallies.count(ORG, "job_2", "sent:m2", later, {"sent": 1, "segments": 1}, NOW)
    assert repos.tallies.marks(ORG, "job_1") == {"sent:m1": None, "asked:apt_1": where}
    assert repos.tallies.marks(ORG, "job_3") == {}
    assert repos.tallies.read(ORG, "day", date(2026, 12, 1), date(2026, 12, 2)) == [
        ("2026-12-01", {"sent": 1, "segments": 2, "asked": 1}), ("2026-12-02", {"sent": 1, "segments": 1})]
    assert repos.tallies.read(ORG, "channel", date(2026, 12, 2), date(2026, 12, 2)) == [
        ("2026-12-02#web", {"sent": 1, "segments": 1})]
    assert repos.tallies.read(ORG, "technician", date(2026, 12, 3), date(2026, 12, 9)) == []


def test_the_counting_reads_the_zone_the_channel_and_each_visits_technician(repos, tenant):
    job = scheduled(repos)
    zone, stored, visits = repos.tallies.job_context(ORG, job.id)
    assert (zone, stored["channel"], stored.get("location_id")) == ("America/Denver", job.channel, None)
    assert [(v["appointment_id"], v["technician_id"]) for v in visits] == [(job.appointments[0].id, "usr_ana")]
    assert repos.tallies.job_context(ORG, "job_none") == ("America/Denver", None, [])


def test_the_counting_of_one_visits_fact_reads_that_visit_alone(repos, tenant):
    job = scheduled(repos)
    job.schedule(TimeFrame(NOW + timedelta(days=3), NOW + timedelta(days=3, hours=2)), NOW)
    repos.jobs.save(job)
    first, second = job.appointments
    zone, stored, visits = repos.tallies.job_context(ORG, job.id, second.id)
    assert (zone, stored["channel"], stored.get("location_id")) == ("America/Denver", job.channel, None)
    assert [(v["appointment_id"], v.get("technician_id")) for v in visits] == [(second.id, None)]
    assert repos.tallies.job_context(ORG, job.id, "apt_gone")[1:] == (stored, [])
    assert repos.tallies.job_context(ORG, "job_none", first.id) == ("America/Denver", None, [])


# -- estimates ----------------------------------------------------------------------------------------------

def test_an_estimate_round_trips_and_is_saved_only_under_its_version(repos, tenant):
    job = scheduled(repos)
    estimate = Estimate.create(ORG, job.id, job.appointments[0].id, lines=[
        {"description": "Trap", "amount_cents": 12000}, {"description": "Faucet", "amount_cents": 34950,
                                                          "optional": True}], currency="USD", note="Parts", by="usr_ana",
        now=NOW)
    repos.estimates.add(estimate)
    assert repos.estimates.get(ORG, job.id, estimate.id) == estimate and estimate.version == 1
    stale = repos.estimates.get(ORG, job.id, estimate.id)
    estimate.decide({estimate.lines[0].id: "approved"}, "ok", "customer", NOW + timedelta(hours=1))
    repos.estimates.save(estimate)
    assert estimate.version == 2
    stale.decide({stale.lines[0].id: "declined"}, None, "customer", NOW)
    with pytest.raises(VersionConflict):
        repos.estimates.save(stale)  # decided meanwhile: the first answer stays
    (listed,) = repos.estimates.of_job(ORG, job.id)
    assert listed == estimate and listed.lines[0].decision is Decision.APPROVED and listed.comment == "ok"
    assert repos.estimates.of_job(ORG, "job_none") == []
    with pytest.raises(NotFound):
        repos.estimates.get(ORG, job.id, "est_none")
    assert [a.id for a in repos.jobs.get(ORG, job.id).appointments] == [job.appointments[0].id]  # not read as the job


def test_contacts_list_the_customer_first_are_found_by_phone_and_their_opt_ins_come_with_them(repos, tenant):
    from chalicelib.domain.contacts import Contact, new_contact_id
    tia = Contact(new_contact_id("cus_1"), ORG, "cus_1", "Tia Tenant", "+13035550181", None, NOW, role="tenant")
    omar = Contact(new_contact_id("cus_1"), ORG, "cus_1", "Omar Owner", None, "omar@x.example",
                   NOW + timedelta(seconds=1), notify=False)
    repos.contacts.add(tia, [ConsentRecord(ORG, "sms", tia.phone, ConsentEvent.OPT_IN, Source.DISPATCHER, NOW)])
    repos.contacts.add(omar, [])
    with pytest.raises(Conflict):
        repos.contacts.add(tia, [])
    listed = repos.contacts.of_customer(ORG, "cus_1")
    assert [(c.name, c.primary) for c in listed] == [("Sam Rivera", True), ("Tia Tenant", False), ("Omar Owner", False)]
    assert listed[0].id == "cus_1" and listed[1] == tia and repos.contacts.get(ORG, "cus_1").primary
    assert repos.contacts.get(ORG, omar.id) == omar
    assert repos.contacts.by_phone(ORG, tia.phone) == tia and repos.contacts.by_phone(ORG, "+13035550177") is None
    assert repos.customers.by_phone(ORG, tia.phone) is None  # a contact's number is not a customer's
    assert [r.event for r in repos.consent.of_address(ORG, tia.phone)] == [ConsentEvent.OPT_IN]
    ctx = repos.contexts.load(ORG, "cus_1", None, None, contact_id=tia.id)
    assert (ctx.customer.name, ctx.customer.phone, ctx.customer.time_zone) == ("Tia Tenant", tia.phone, "America/Denver")
    repos.contacts.invited(tia, NOW)
    repos.contacts.invited(tia, NOW + timedelta(days=1))  # the first invitation's moment stays
    assert repos.contacts.get(ORG, tia.id).invited_at == NOW
    tia.invited_at, tia.role = NOW, None
    repos.contacts.save(tia)
    assert repos.contacts.get(ORG, tia.id).role is None
    repos.contacts.remove(ORG, tia.id)
    for gone in (lambda: repos.contacts.get(ORG, tia.id), lambda: repos.contacts.remove(ORG, tia.id),
                 lambda: repos.contacts.save(tia), lambda: repos.contacts.get(ORG, "con_bad"),
                 lambda: repos.contexts.load(ORG, "cus_1", None, None, contact_id=tia.id)):
        with pytest.raises(NotFound):
            gone()
    repos.contacts.invited(tia, NOW)  # a removed contact is not written back
    assert [c.name for c in repos.contacts.of_customer(ORG, "cus_1")] == ["Sam Rivera", "Omar Owner"]
    assert [c.name for c in repos.contacts.of_customer(ORG, "cus_1")] == ["Sam Rivera", "Omar Owner"]
    with pytest.raises(NotFound):
        repos.contacts.of_customer(ORG, "cus_nobody")


def test_a_jobs_recipients_round_trip_and_a_claimed_key_is_known(repos, tenant):
    job = scheduled(repos)
    assert repos.jobs.get(ORG, job.id).recipients is None
    job.recipients = ("con_1_a",)
    repos.jobs.save(job)
    assert repos.jobs.get(ORG, job.id).recipients == ("con_1_a",)
    message = Message(message_id(ORG, job.id, "k"), ORG, job.id, "k", Direction.INBOUND, "+13035550181", "+1303",
                      "hi", MessageStatus.RECEIVED, 1, NOW, NOW, contact_id="con_1_a", copied_to=("cus_1",))
    assert not repos.messages.was_claimed(ORG, job.id, "k")
    repos.messages.claim(message, [])
    assert repos.messages.was_claimed(ORG, job.id, "k")
    assert repos.messages.claimed(ORG, job.id, "k") == message
