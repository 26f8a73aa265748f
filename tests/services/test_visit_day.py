"""The visit day on the fakes: the code the customer asks for at the door (drawn per visit, shown on the
page from the visit's day in the customer's zone, the same in the technician's day, never in a text), and
the technician card (first name and photo, uploaded by the technician or a dispatcher)."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import Forbidden, NotFound, ValidationError
from chalicelib.domain.people import Role
from chalicelib.domain.status import AppointmentAction
from chalicelib.services import customer_page, people
from chalicelib.services import jobs as job_service
from chalicelib.services.access import Caller

from .conftest import SAM

TOMORROW_9AM = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # Wed 2 Dec, 9:00 in Denver


def page_of(shop, job):
    """The visit behind the status link of the job's booking confirmation."""
    token = re.search(r"/c/(\S+)$", shop.texts()[-1]).group(1)
    link = shop.repos.links.resolve(token, shop.clock.now)
    assert link.job_id == job.id
    return link


def code_on_the_page(shop, link) -> str | None:
    return customer_page.visit_code(customer_page.visit(shop.repos, link), shop.clock.now)


def test_the_code_shows_from_the_visit_day_on_and_equals_the_technicians(shop):
    job, appointment_id = shop.book(TOMORROW_9AM, shop.tech.id)
    link = page_of(shop, job)
    assert code_on_the_page(shop, link) is None  # Tue 1 Dec, 10:00: the day before
    shop.clock.now = datetime(2026, 12, 2, 6, 59, tzinfo=UTC)  # 23:59 on Tue in Denver
    assert code_on_the_page(shop, link) is None
    shop.clock.now = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # midnight: the visit's day
    code = code_on_the_page(shop, link)
    assert re.fullmatch(r"\d{4}", code)
    (mine,) = [a for a, _, _ in job_service.technician_day(shop.repos, shop.tech, "2026-12-02")]
    assert (mine.id, mine.visit_code) == (appointment_id, code)
    shop.clock.now = TOMORROW_9AM + timedelta(days=1)  # and after it
    assert code_on_the_page(shop, link) == code


def test_the_day_is_the_customers_own(shop):
    """At 23:30 in Denver it is already the visit's day in New York."""
    shop.add_customer("cus_kim", "+13035550166")
    kim = shop.world.customers[(shop.org.id, "cus_kim")]
    kim.time_zone = "America/New_York"
    job, _ = shop.book(TOMORROW_9AM, shop.tech.id, customer_id="cus_kim")
    token = re.search(r"/c/(\S+)$", shop.sender.to("+13035550166")[-1]).group(1)
    link = shop.repos.links.resolve(token, shop.clock.now)
    shop.clock.now = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)  # 23:30 Tue in Denver, 01:30 Wed in New York
    assert re.fullmatch(r"\d{4}", code_on_the_page(shop, link))


def test_each_visit_draws_its_own_code(shop):
    codes = [shop.job(shop.book(TOMORROW_9AM + timedelta(hours=i), shop.tech.id)[0].id).appointments[0].visit_code
             for i in range(30)]
    assert all(re.fullmatch(r"\d{4}", c) for c in codes)
    assert len(set(codes)) >= 25  # 30 draws of 10,000: a repeat or two at most


def test_a_canceled_visit_shows_no_code(shop):
    job, _ = shop.book(TOMORROW_9AM, shop.tech.id)
    link = page_of(shop, job)
    job_service.cancel(shop.repos, shop.dispatcher, job.id, "customer called", offer_coupon=False)
    assert shop.settle() == []
    shop.clock.now = TOMORROW_9AM
    assert code_on_the_page(shop, link) is None


def test_a_visit_stored_without_a_code_gets_one_with_its_next_change(shop):
    job, appointment_id = shop.book(TOMORROW_9AM)
    shop.world.appointments[(shop.org.id, job.id)][appointment_id].visit_code = None  # stored before codes
    job_service.update_appointment(shop.repos, shop.dispatcher, appointment_id, window=None,
                                   technician_id=shop.tech.id, assign=True)
    assert re.fullmatch(r"\d{4}", shop.job(job.id).appointments[0].visit_code)


def test_the_code_is_in_no_text(shop, monkeypatch):
    """Through the confirmation, the reminder, on my way, start and complete: the code never goes out."""
    monkeypatch.setattr("chalicelib.domain.ids.secrets.randbelow", lambda n: 4821)
    job, appointment_id = shop.book(TOMORROW_9AM, shop.tech.id)
    assert shop.job(job.id).appointments[0].visit_code == "4821"
    monkeypatch.undo()
    shop.run_until(TOMORROW_9AM)
    for action in (AppointmentAction.EN_ROUTE, AppointmentAction.START, AppointmentAction.COMPLETE):
        job_service.change_status(shop.repos, shop.tech, appointment_id, action, eta=TOMORROW_9AM + timedelta(minutes=20))
        assert shop.settle() == []
    texts = shop.sender.to(SAM)
    assert len(texts) >= 4 and not [t for t in texts if "4821" in t]


# -- the technician card ---------------------------------------------------------------------------

def card(shop, link) -> tuple[str | None, str | None]:
    from chalicelib.api import page_views
    view = page_views.view(customer_page.visit(shop.repos, link), "t" * 22)
    return view.as_json()["technician"], view.technician_photo_url


def test_a_technician_uploads_their_photo_and_the_customer_sees_it_with_the_first_name_only(shop):
    job, _ = shop.book(TOMORROW_9AM, shop.tech.id)
    link = page_of(shop, job)
    assert card(shop, link)[0] == {"first_name": "Ana", "photo_url": None}
    url = people.photo_upload(shop.repos, shop.tech, shop.tech.id, "image/webp")
    key = shop.repos.users.get(shop.org.id, shop.tech.id).photo_key
    assert re.fullmatch(rf"users/{shop.org.id}/{shop.tech.id}/pho_[0-9a-f]{{16}}\.webp", key)
    assert url == f"https://uploads.invalid/{key}?method=PUT&content-type=image/webp"
    shown, _ = card(shop, link)
    assert shown == {"first_name": "Ana", "photo_url": f"https://uploads.invalid/{key}?method=GET"}
    assert "Alvarez" not in str(shown) and "0142" not in str(shown)


def test_a_dispatcher_may_set_a_technicians_photo_another_technician_may_not(shop):
    people.photo_upload(shop.repos, shop.dispatcher, shop.tech.id, "image/jpeg")
    assert shop.repos.users.get(shop.org.id, shop.tech.id).photo_key.endswith(".jpg")
    bo = Caller(people.create_user(shop.repos, shop.dispatcher, name="Bo Berg", email="bo@acme.example",
                                   roles=frozenset({Role.TECHNICIAN})))
    with pytest.raises(Forbidden):
        people.photo_upload(shop.repos, bo, shop.tech.id, "image/png")
    with pytest.raises(NotFound):
        people.photo_upload(shop.repos, shop.dispatcher, "usr_nobody", "image/png")


@pytest.mark.parametrize("content_type", ["image/gif", "image/heic", "text/html", ""])
def test_a_photo_of_another_type_is_refused_naming_the_field_and_nothing_is_stored(shop, content_type):
    with pytest.raises(ValidationError) as refused:
        people.photo_upload(shop.repos, shop.tech, shop.tech.id, content_type)
    assert refused.value.field == "content_type" and "image/jpeg" in str(refused.value)
    assert shop.repos.users.get(shop.org.id, shop.tech.id).photo_key is None
