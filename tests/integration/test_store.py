"""Repositories against moto's DynamoDB, with the table built from infra/template.yaml."""
import threading
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.bootstrap import store_repositories
from chalicelib.domain.customers import Customer
from chalicelib.domain.errors import Conflict, InvalidTransition, NotFound, VersionConflict
from chalicelib.domain.jobs import Job
from chalicelib.domain.people import Role, User
from chalicelib.domain.status import AppointmentAction, JobStatus
from chalicelib.domain.values import TimeFrame
from chalicelib.services import jobs as job_service
from chalicelib.services.access import Caller
from chalicelib.services.people import create_organization

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def repos(aws):
    return store_repositories()


@pytest.fixture
def tenant(repos):
    org, dispatcher = create_organization(repos, name="Acme", slug="acme", time_zone="America/Denver",
                                          sms_number="+13035550100", dispatcher_name="Dana",
                                          dispatcher_email="dana@acme.example")
    tech = User(id="usr_tech", org_id=org.id, name="Ana", email="ana@acme.example",
                roles=frozenset({Role.TECHNICIAN}), created_at=NOW)
    repos.users.add(tech)
    repos.customers.add(Customer(id="cus_1", org_id=org.id, name="Sam", phone="+13035550177", created_at=NOW))
    return org, Caller(dispatcher), Caller(tech)


def scheduled_job(repos, org, start=NOW + timedelta(days=1), technician="usr_tech", created=NOW) -> Job:
    job = Job.create(org.id, "cus_1", "Leak under sink", created)
    job.schedule(TimeFrame(start, start + timedelta(hours=2)), created, technician)
    repos.jobs.save(job)
    return job


def test_job_round_trip_and_versions(repos, tenant):
    org, _, _ = tenant
    job = scheduled_job(repos, org)
    assert job.version == 1 and job.appointments[0].version == 1
    loaded = repos.jobs.get(org.id, job.id)
    assert loaded == job and loaded.appointments[0].window == job.appointments[0].window


def test_a_stale_aggregate_is_refused_and_the_winner_stays(repos, tenant):
    org, _, _ = tenant
    job = scheduled_job(repos, org)
    first, second = repos.jobs.get(org.id, job.id), repos.jobs.get(org.id, job.id)
    first.change_appointment_status(first.appointments[0].id, AppointmentAction.EN_ROUTE, NOW)
    repos.jobs.save(first)
    second.cancel("customer called", NOW)
    with pytest.raises(VersionConflict):
        repos.jobs.save(second)
    stored = repos.jobs.get(org.id, job.id)
    assert stored.status is JobStatus.IN_PROGRESS and stored.version == 2 and stored.cancel_reason is None


def test_two_racing_status_changes_exactly_one_wins(repos, tenant, monkeypatch):
    """Both requests read the same version before either writes; the conditional write decides."""
    org, dispatcher, tech = tenant
    job = scheduled_job(repos, org)
    appointment_id = job.appointments[0].id
    barrier = threading.Barrier(2, timeout=10)
    real_get = repos.jobs.get

    def get_then_wait(org_id, job_id):
        loaded = real_get(org_id, job_id)
        barrier.wait()
        return loaded

    monkeypatch.setattr(repos.jobs, "get", get_then_wait)
    outcomes = []

    def attempt(caller, action):
        try:
            job_service.change_status(repos, caller, appointment_id, action)
            outcomes.append("ok")
        except (VersionConflict, InvalidTransition) as e:
            outcomes.append(e.code)

    threads = [threading.Thread(target=attempt, args=(tech, AppointmentAction.EN_ROUTE)),
               threading.Thread(target=attempt, args=(dispatcher, AppointmentAction.COMPLETE))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["ok", "version_conflict"]
    assert real_get(org.id, job.id).version == 2


def test_deleted_appointment_goes_with_its_version_check(repos, tenant):
    org, _, _ = tenant
    job = scheduled_job(repos, org)
    stale = repos.jobs.get(org.id, job.id)
    job.delete_appointment(job.appointments[0].id, NOW)
    repos.jobs.save(job)
    assert repos.jobs.get(org.id, job.id).status is JobStatus.UNSCHEDULED
    stale.change_appointment_status(stale.appointments[0].id, AppointmentAction.START, NOW)
    with pytest.raises(VersionConflict):
        repos.jobs.save(stale)


def test_slug_and_sms_number_are_unique_across_organizations(repos, tenant):
    with pytest.raises(Conflict):
        create_organization(repos, name="Copycat", slug="acme", time_zone="UTC", sms_number="+13035550101",
                            dispatcher_name="X", dispatcher_email="x@x.example")
    with pytest.raises(Conflict):
        create_organization(repos, name="Copycat", slug="copycat", time_zone="UTC", sms_number="+13035550100",
                            dispatcher_name="X", dispatcher_email="x@x.example")
    org, _, _ = tenant
    assert repos.organizations.id_for_slug("acme") == org.id
    with pytest.raises(NotFound):
        repos.organizations.id_for_slug("copycat")  # the failed creation left nothing behind


def test_access_patterns_answer_by_key(repos, tenant):
    org, dispatcher, tech = tenant
    morning = scheduled_job(repos, org, start=datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    evening = scheduled_job(repos, org, start=datetime(2026, 12, 3, 2, 0, tzinfo=UTC),  # 7pm Dec 2 in Denver
                            created=NOW + timedelta(minutes=1))
    unassigned = scheduled_job(repos, org, start=datetime(2026, 12, 2, 17, 0, tzinfo=UTC), technician=None,
                               created=NOW + timedelta(minutes=2))

    day = job_service.technician_day(repos, tech, "2026-12-02")
    assert [j.id for _, j, _ in day] == [morning.id, evening.id]
    by_id = repos.jobs.appointments_by_id(org.id, {unassigned.appointments[0].id, morning.appointments[0].id})
    assert {a.id: a.technician_id for a in by_id.values()} == {unassigned.appointments[0].id: None,
                                                               morning.appointments[0].id: tech.id}

    start, end = job_service.local_day("2026-12-02", "America/Denver")
    assert {a.job_id for a in repos.jobs.appointments_starting(org.id, start, end)} == {
        morning.id, evening.id, unassigned.id}
    assert repos.jobs.list_all(org.id, "scheduled", 10, None).items[0].id == unassigned.id  # newest first

    # Pages of one, chained through next_token, walk the whole list exactly once.
    seen, token = [], None
    while True:
        page = repos.jobs.list_all(org.id, None, 1, token)
        seen += [j.id for j in page.items]
        if not (token := page.next_token):
            break
    assert sorted(seen) == sorted([morning.id, evening.id, unassigned.id])


@contextmanager
def batch_gets():
    """The sort keys each BatchGetItem asks for, in order, while the block runs."""
    import botocore.client
    asked, original = [], botocore.client.BaseClient._make_api_call

    def spy(client, operation, params):
        if operation == "BatchGetItem":
            asked.append(sorted(k["sk"]["S"] for t in params["RequestItems"].values() for k in t["Keys"]))
        return original(client, operation, params)

    botocore.client.BaseClient._make_api_call = spy
    try:
        yield asked
    finally:
        botocore.client.BaseClient._make_api_call = original

def test_a_sweep_runs_loader_reads_the_organizations_own_items_once_and_the_customer_every_time(repos, tenant):
    """The 8:00 reminders of a large zone would otherwise each read the organization's profile, settings,
    channels and technician from its one partition (bench/capacity)."""
    org, _, _ = tenant
    repos.customers.add(Customer(id="cus_2", org_id=org.id, name="Lee", phone="+13035550188", created_at=NOW))
    run = repos.contexts.for_run()
    with batch_gets() as asked:
        first = run.load(org.id, "cus_1", "usr_tech", None)
        second = run.load(org.id, "cus_2", "usr_tech", None)
        customer = repos.customers.get(org.id, "cus_1")
        customer.opt(True, NOW, "STOP")
        repos.customers.save(customer)
        third = run.load(org.id, "cus_1", "usr_tech", None)
        plain = repos.contexts.load(org.id, "cus_2", "usr_tech", None)

    assert asked[0] == ["CUST#cus_1", "PROFILE", "SETTINGS#channels", "SETTINGS#messaging", "USER#usr_tech"]
    assert asked[1:3] == [["CUST#cus_2"], ["CUST#cus_1"]]  # the rest once a run; the customer every time
    assert len(asked[3]) == 5  # outside a run everything is read every time
    assert (first.customer.name, second.customer.name, first.technician.name) == ("Sam", "Lee", "Ana")
    assert not first.customer.opted_out and third.customer.opted_out  # a STOP mid-run stops the next text
    assert second.org == first.org and second.settings == first.settings and plain.org == first.org


def test_a_changes_loader_reads_everything_once_the_customer_too(repos, tenant):
    """The reactions to one change (its timers, then its text) load the same context: one BatchGetItem."""
    org, _, _ = tenant
    change = repos.contexts.for_change()
    with batch_gets() as asked:
        first = change.load(org.id, "cus_1", "usr_tech", None)
        again = change.load(org.id, "cus_1", None, None)
        told = change.load(org.id, "cus_1", "usr_tech", None, consent=True)

    assert asked == [["CUST#cus_1", "PROFILE", "SETTINGS#channels", "SETTINGS#messaging", "USER#usr_tech"]]
    assert (again.customer, again.technician) == (first.customer, None)
    assert replace(told, consent=()) == first and told.consent  # the consent records read every time
