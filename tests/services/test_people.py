"""services/people: a customer is checked where it is created, whoever calls (the API's schema, the
benches, admin tooling): every text goes to this number, in this time zone."""
import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.services.people import create_customer


def customers(shop) -> dict:
    return shop.world.customers


def test_a_customer_gets_its_number_in_e164_form(shop):
    customer = create_customer(shop.repos, shop.dispatcher, name="Kim Park", phone="+1 (303) 555-0166", email=None,
                               time_zone="America/Chicago", address=None)
    assert customer.phone == "+13035550166"
    assert shop.repos.customers.by_phone(shop.org.id, "+13035550166").id == customer.id


@pytest.mark.parametrize(("field", "phone", "time_zone", "says"), [
    ("phone", "+17180001234", None, "is not a valid phone number"),  # the shape is right, no such number
    ("phone", "303 555 0166", None, "E.164"),
    ("time_zone", "+13035550166", "America/Gotham", "unknown time zone"),
])
def test_a_customer_with_a_number_or_zone_that_cannot_be_used_is_refused_and_nothing_is_stored(
        shop, field, phone, time_zone, says):
    before = dict(customers(shop))
    with pytest.raises(ValidationError) as refused:
        create_customer(shop.repos, shop.dispatcher, name="Kim Park", phone=phone, email=None,
                        time_zone=time_zone, address=None)
    assert refused.value.field == field and says in str(refused.value)
    assert customers(shop) == before
