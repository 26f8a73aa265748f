"""Pure rules: classification and eligibility, the chain format, WhatsApp message shapes and replies."""
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.channels import (
    ChannelSettings,
    OutsideServiceWindow,
    WhatsAppTemplate,
    channel_for,
    parse_chain,
    reply_text,
    whatsapp_message,
)
from chalicelib.domain.customers import Customer
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.intake import Eligibility, Match, Order, OrderCustomer, Rule, classify, ineligible, order_id

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def order(**fields) -> Order:
    base = dict(org_id="o", channel="crm", reference="R1", customer=OrderCustomer("A B", "+13035550100"),
                service_type="Boiler_Repair", description="Urgent: the boiler is leaking", address="1 Main",
                received_at=NOW, customer_type="commercial", region="a")
    return Order(**{**base, **fields})


def test_the_first_matching_rule_wins_and_words_match_whole_words_in_any_case():
    rules = (Rule(Match(words=("urgently",)), priority="low"),
             Rule(Match(service_type="boiler_repair", region="A", words=("urgent",)), priority="emergency"),
             Rule(Match(), priority="normal"))
    assert classify(order(), rules).priority == "emergency"
    assert classify(order(description="Urgently needed"), rules).priority == "low"
    assert classify(order(region="B"), rules).priority == "normal"
    assert classify(order(customer_type=None), (Rule(Match(customer_type="commercial")),)) is None


def test_eligibility_names_every_reason():
    rules = Eligibility(regions=("A",), required=("customer.email", "windows"))
    assert ineligible(order(), rules) == ["missing customer.email", "missing windows"]
    assert ineligible(order(region=None), Eligibility(regions=("A",))) == \
        ["no region: cannot tell whether it is served"]
    assert ineligible(order(region="Z"), Eligibility(regions=("A",))) == ["region Z is not served"]
    assert ineligible(order(), Eligibility()) == []


def test_an_order_is_its_channel_and_reference():
    assert order_id("crm", "R1") == order_id("crm", "R1") != order_id("portal", "R1")
    assert order_id("a", "b\x00c") != order_id("a\x00b", "c")


def test_chain_format():
    chain = parse_chain(["whatsapp", "wait 2h", "sms", "wait 90m", "voice_task", "wait 1d", "hand_back"])
    assert [s.wait for s in chain if s.action == "wait"] == [timedelta(hours=2), timedelta(minutes=90),
                                                              timedelta(days=1)]
    for bad in (["wait 2h", "sms"], ["sms", "call"], ["sms", "wait 2 hours"], [], ["sms", "wait", "wait"]):
        with pytest.raises(ValidationError):
            parse_chain(bad)


def test_channel_choice_falls_back_to_sms_then_email():
    settings = ChannelSettings(whatsapp_phone_number_id="pn-1", email_from="v@x.example")
    wa = Customer("c", "o", "A", "+13035550100", NOW, email="a@x.example", preferred_channel="whatsapp")
    assert channel_for(wa, settings) == "whatsapp"
    assert channel_for(wa, ChannelSettings(email_from="v@x.example")) == "sms"
    sms_only = Customer("c", "o", "A", "+13035550100", NOW)
    assert channel_for(sms_only, settings, "whatsapp") == "sms"  # not known to be on WhatsApp
    email_only = Customer("c", "o", "A", None, NOW, email="a@x.example")
    assert channel_for(email_only, settings) == "email"


def test_whatsapp_is_template_first_outside_the_window():
    with pytest.raises(OutsideServiceWindow):
        whatsapp_message("13035550100", "hello", window_is_open=False)
    t = whatsapp_message("13035550100", "hello", window_is_open=False,
                         template=WhatsAppTemplate("visit_booked", "en_US", ("window", "eta")),
                         values={"window": "Thu 3 Dec, 9-11am", "eta": None})
    assert t["template"]["components"][0]["parameters"] == [{"type": "text", "text": "Thu 3 Dec, 9-11am"},
                                                            {"type": "text", "text": "-"}]
    assert whatsapp_message("13035550100", "hello", window_is_open=True)["text"]["body"] == "hello"


def test_taps_read_as_the_sms_reply_words():
    assert reply_text({"type": "button", "button": {"payload": "Confirm", "text": "Confirm"}}) == "C"
    assert reply_text({"type": "button", "button": {"payload": "reject", "text": "Reject"}}) == "N"
    assert reply_text({"type": "interactive", "interactive": {"button_reply": {"id": "R", "title": "Reschedule"}}}) == "R"
    assert reply_text({"type": "text", "text": {"body": "STOP"}}) == "STOP"
    assert reply_text({"type": "image", "image": {}}) is None
