"""Estimates (domain/estimates.py): lines validated, totals computed, each line decided once, all or nothing."""
from datetime import UTC, datetime

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.estimates import AlreadyDecided, Decision, Estimate, money

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def estimate(*amounts: int) -> Estimate:
    return Estimate.create("org_1", "job_1", "apt_1", lines=[{"description": f"Item {a}", "amount_cents": a}
                                                              for a in amounts], currency="USD", note=None, by="usr_1",
                           now=NOW)


def test_the_status_follows_the_lines_and_the_totals_are_computed():
    e = estimate(12000, 34950, 500)
    assert (e.status, e.total_cents, e.approved_cents) == ("sent", 47450, 0)
    a, b, c = (x.id for x in e.lines)
    e.decide({a: "approved"}, None, "customer", NOW)
    assert (e.status, e.approved_cents) == ("sent", 12000)  # still a line to decide
    e.decide({b: "declined", c: "approved"}, "thanks", "customer", NOW)
    assert (e.status, e.approved_cents, e.comment) == ("partly_approved", 12500, "thanks")
    all_yes, all_no = estimate(1, 2), estimate(1, 2)
    all_yes.decide({x.id: "approved" for x in all_yes.lines}, None, "customer", NOW)
    all_no.decide({x.id: "declined" for x in all_no.lines}, None, "customer", NOW)
    assert (all_yes.status, all_no.status) == ("approved", "declined")


def test_a_decision_is_all_or_nothing_and_a_line_is_decided_once():
    e = estimate(100, 200)
    a, b = (x.id for x in e.lines)
    e.decide({a: "approved"}, None, "customer", NOW)
    with pytest.raises(AlreadyDecided):
        e.decide({b: "approved", a: "declined"}, None, "customer", NOW)
    assert [x.decision for x in e.lines] == [Decision.APPROVED, Decision.PENDING]  # b not taken either
    for bad in ({}, {"ln_forged": "approved"}, {b: "pending"}, {b: True}, ["approved"]):
        with pytest.raises(ValidationError):
            e.decide(bad, None, "customer", NOW)
    assert e.lines[1].decision is Decision.PENDING


@pytest.mark.parametrize("lines,currency,field", [
    ([], "USD", "lines"), ("x", "USD", "lines"), ([{"description": "x", "amount_cents": 1}] * 51, "USD", "lines"),
    ([{"description": "x", "amount_cents": 1}], "XYZ", "currency"),
    ([{"description": " ", "amount_cents": 1}], "USD", "lines[0].description"),
    ([{"description": "x", "amount_cents": 1.5}], "USD", "lines[0].amount_cents"),
    ([{"description": "x", "amount_cents": -1}], "USD", "lines[0].amount_cents"),
    ([{"description": "x", "amount_cents": True}], "USD", "lines[0].amount_cents"),
    ([{"description": "x", "amount_cents": 1, "total": 9}], "USD", "lines[0].total"),
    ([{"description": "x", "amount_cents": 1, "optional": "yes"}], "USD", "lines[0].optional"),
])
def test_bad_estimates_are_refused_naming_the_field(lines, currency, field):
    with pytest.raises(ValidationError) as refused:
        Estimate.create("org_1", "job_1", "apt_1", lines=lines, currency=currency, note=None, by="usr_1", now=NOW)
    assert refused.value.field == field


def test_money_reads_the_customer_way():
    assert (money(123450, "USD"), money(5, "EUR"), money(0, "USD")) == ("$1,234.50", "0.05 EUR", "$0.00")
