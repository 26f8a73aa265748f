"""What a text is filled with and whether it goes (domain/texts.py), on a job built with the aggregate."""
from datetime import UTC, datetime, timedelta

from chalicelib.domain.customers import Customer
from chalicelib.domain.jobs import Job
from chalicelib.domain.people import Organization
from chalicelib.domain.recipients import RecipientContext
from chalicelib.domain.scenarios import MessagingSettings
from chalicelib.domain.status import AppointmentAction as AA
from chalicelib.domain.texts import variables
from chalicelib.domain.triggers import Trigger
from chalicelib.domain.values import TimeFrame

NOON = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # noon in Denver
NIGHT = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 22:00 in Denver
WINDOW = TimeFrame(datetime(2026, 12, 3, 17, 0, tzinfo=UTC), datetime(2026, 12, 3, 19, 0, tzinfo=UTC))


def context() -> RecipientContext:
    org = Organization("org_1", "acme Services", "acme", "America/Denver", "+13035550100", NOON)
    return RecipientContext(org, MessagingSettings(), Customer("cus_1", "org_1", "Sam Rivera", "+13035550177", NOON,
                                                               time_zone="America/Denver"), None, None)


def booked() -> tuple[Job, object]:
    job = Job.create("org_1", "cus_1", "Leak", NOON)
    return job, job.schedule(WINDOW, NOON, "usr_ana")


def test_the_template_values_name_the_company_the_customer_and_the_window():
    job, visit = booked()
    found = variables(context(), job, visit, Trigger("reminder", "k", visit.id, None), "https://x/c/t", NOON)
    assert {k: found[k] for k in ("company", "company_phone", "customer_name", "customer_first_name", "window",
                                  "link", "eta", "on_the_way")} == {
        "company": "acme Services", "company_phone": "+13035550100", "customer_name": "Sam Rivera",
        "customer_first_name": "Sam", "window": "Thu 3 Dec, 10am-12pm", "link": "https://x/c/t", "eta": None,
        "on_the_way": False}
    assert variables(context(), job, None, Trigger("canceled", "k", None, None), "", NOON)["window"] == ""


def test_an_eta_is_said_only_while_it_is_ahead():
    job, visit = booked()
    eta = WINDOW.start + timedelta(minutes=20)
    job.change_appointment_status(visit.id, AA.EN_ROUTE, NOON, eta=eta)
    trigger = Trigger("en_route", "k", visit.id, WINDOW)
    assert variables(context(), job, visit, trigger, "", eta - timedelta(minutes=1))["eta"] == "10:20am"
    assert variables(context(), job, visit, trigger, "", eta)["eta"] is None  # the moment has come: not "due now"
    assert variables(context(), job, visit, trigger, "", NOON)["on_the_way"] is True




def test_the_narrowed_window_fills_only_its_own_scenario():
    from chalicelib.domain.people import User
    job, visit = booked()
    told = TimeFrame(WINDOW.start + timedelta(minutes=30), WINDOW.start + timedelta(minutes=90))
    job.narrow(visit.id, told, NOON)
    ctx = context()
    ctx.technician = User("usr_ana", "org_1", "Ana Alvarez", "ana@x.example", frozenset({"technician"}))
    found = variables(ctx, job, visit, Trigger("window_narrowed", "k", visit.id, told), "", NOON)
    assert (found["technician_first_name"], found["expected_start"], found["expected_end"], found["window"]) == (
        "Ana", "10:30am", "11:30am", "Thu 3 Dec, 10:30-11:30am")
    other = variables(ctx, job, visit, Trigger("reminder", "k", visit.id, WINDOW), "", NOON)
    assert (other["expected_start"], other["expected_end"]) == (None, None)
    assert variables(context(), job, visit, Trigger("window_narrowed", "k", visit.id, told), "", NOON)[
        "technician_first_name"] is None
