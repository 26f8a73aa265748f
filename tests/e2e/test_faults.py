"""Exactly once under faults (issue 14, R1): status changes through the API, the stream delivered to the
handler with Lambda's failure modes (retry from the first failed record, bisect after a timed-out
invocation, batches delivered twice), the SMS provider refusing 10% of sends, all seeded. Counted from
the message ledger and from what the provider accepted. devstack/faults.py has the harness;
bench/faults.py runs it at full size (1,000 changes over 100 appointments)."""
from devstack import faults

# 50 status changes, 55 texts: bounded, as moto's transactions still deep-copy the whole table per item
# (quadratic as data grows); bench/faults.py runs the full 1,000 changes over 100 appointments.
APPOINTMENTS = 5


def test_every_text_goes_exactly_once_through_provider_failures_redeliveries_and_timeouts(api, capsys):
    # Seeded: at this size, seed 1 brings every fault below (refusals, partial failures, timeouts, bisections,
    # batches delivered twice); a 10th of the invocations time out, a 5th of the batches come twice.
    figures = faults.run(api.client, appointments=APPOINTMENTS, seed=1, failure_rate=0.1, timeout_rate=0.1,
                         again_rate=0.2)
    with capsys.disabled():
        print(f"\nfaults: {figures.report()}")
    d = figures.deliveries
    assert figures.refused and d.partial_failures and d.timeouts and d.bisections and d.delivered_again, \
        "the faults this test is about did not all happen"
    assert (figures.lost, figures.duplicates, figures.problems, d.dead_lettered) == (0, 0, [], [])
    assert figures.expected == figures.claimed == figures.ledger_sent == figures.accepted == 11 * APPOINTMENTS
