"""The demo organization `make run` seeds: a dispatcher, two technicians, customers, jobs in several statuses."""
import random
from datetime import timedelta

from chalicelib import clock
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.people import Role
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.values import TimeFrame
from chalicelib.services import jobs, people
from chalicelib.services.access import Caller
from chalicelib.services.repositories import Repositories

from .tokens import mint

AREA_CODES = ["303", "720", "212", "415", "617", "312", "206", "512", "602", "404"]


def create_org(repos: Repositories, name: str, slug: str, time_zone: str):
    """A fresh organization on a free fictional number (555-01xx) with its dispatcher."""
    for _ in range(50):
        number = f"+1{random.choice(AREA_CODES)}55501{random.randint(0, 99):02d}"
        try:
            return people.create_organization(repos, name=name, slug=slug, time_zone=time_zone, sms_number=number,
                                              dispatcher_name="Dana Dispatch", dispatcher_email=f"dispatch@{slug}.example")
        except Conflict:
            try:
                repos.organizations.id_for_slug(slug)
            except NotFound:
                continue  # the number was taken: draw another
            raise
    raise Conflict("no free demo number left")


def seed(repos: Repositories) -> dict:
    org, dispatcher = create_org(repos, "Acme Home Services", "acme", "America/Denver")
    d = Caller(dispatcher)
    ana = people.create_user(repos, d, name="Ana Alvarez", email="ana@acme.example", phone="+13035550142",
                             roles=frozenset({Role.TECHNICIAN}))
    ben = people.create_user(repos, d, name="Ben Okafor", email="ben@acme.example", phone="+13035550143",
                             roles=frozenset({Role.TECHNICIAN}))
    sam = people.create_customer(repos, d, name="Sam Rivera", phone="+13035550177", email="sam@example.com",
                                 time_zone="America/Denver", address="1420 Larimer St, Denver, CO")
    lee = people.create_customer(repos, d, name="Lee Chen", phone="+13035550178", email=None,
                                 time_zone="America/Denver", address="88 Pearl St, Boulder, CO")
    now = clock.now().replace(minute=0, second=0)

    def window(hours: int) -> TimeFrame:
        return TimeFrame(now + timedelta(hours=hours), now + timedelta(hours=hours + 2))

    furnace = jobs.create_job(repos, d, sam.id, "Furnace makes a rattling noise",
                              appointment=jobs.NewAppointment(window(26), ana.id))
    heater = jobs.create_job(repos, d, lee.id, "Install tankless water heater",
                             appointment=jobs.NewAppointment(window(2), ben.id))
    jobs.change_status(repos, Caller(ben), heater.appointments[0].id, AppointmentAction.EN_ROUTE,
                       eta=now + timedelta(hours=2, minutes=30))
    unassigned = jobs.create_job(repos, d, lee.id, "Annual AC tune-up", appointment=jobs.NewAppointment(window(5)))
    quote = jobs.create_job(repos, d, sam.id, "Quote for a new thermostat")
    users = [(dispatcher, [Role.DISPATCHER]), (ana, [Role.TECHNICIAN]), (ben, [Role.TECHNICIAN])]
    return {
        "org": org,
        "users": [{"id": u.id, "name": u.name, "roles": [r.value for r in roles], "token": mint(u.id, org.id, roles)}
                  for u, roles in users],
        "customers": [sam, lee],
        "jobs": [furnace, heater, unassigned, quote],
    }


def restore(repos: Repositories) -> dict:
    """The demo organization of an earlier run, found again by its slug, with fresh tokens."""
    org = repos.organizations.get(repos.organizations.id_for_slug("acme"))
    users = repos.users.list(org.id, 100, None).items
    jobs_page = repos.jobs.list_all(org.id, None, 100, None).items
    customers = repos.customers.get_many(org.id, {j.customer_id for j in jobs_page}) if jobs_page else {}
    return {
        "org": org,
        "users": [{"id": u.id, "name": u.name, "roles": sorted(r.value for r in u.roles),
                   "token": mint(u.id, org.id, u.roles)} for u in users],
        "customers": list(customers.values()),
        "jobs": [repos.jobs.get(org.id, j.id) for j in jobs_page],
    }
