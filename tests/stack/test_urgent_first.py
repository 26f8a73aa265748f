"""On the local stage, as in AWS: an en-route text written behind 500 routine ones waiting for a 10DLC
number's 1 part/s goes out within seconds, before nearly all of them (issue 31). The backlog is made the way
a busy morning makes it: 500 visits booked through the API, each confirmation claimed by the stream and
queued; the en-route text is claimed last and jumps the queue in the drainer."""
import json
import time
from concurrent.futures import ThreadPoolExecutor

from .test_local_stack import call, start, stop

BACKLOG = 500
PHONE = "+17205570000"
QUEUED_WITHIN = 400  # seconds, bounded: the stream claims a booking in ~0.2 s on an idle 2-core machine


def queued(process, job_ids: set[str]) -> int:
    """Confirmations of these jobs the stream has claimed and put on the routine queue, from the stage's log."""
    lines = [json.loads(line) for line in list(process.output) if '"message":"text queued"' in line]
    return sum(1 for e in lines if e.get("job_id") in job_ids and e.get("scenario") == "booking_confirmation")


def test_an_en_route_text_behind_500_routine_ones_goes_first():
    base, process = start()
    try:
        _, org = call(base, "POST", "/dev/orgs", {"name": "Backlog Heating", "slug": "backlog-heating",
                                               "time_zone": "America/Denver"})  # a 10DLC number: 1 part/s
        number, dispatcher = org["org"]["sms_number"], org["dispatcher"]["token"]
        _, tech = call(base, "POST", "/users", {"name": "Una Ortiz", "email": "una@backlog.example",
                                                "roles": ["technician"]}, dispatcher)
        _, tech_token = call(base, "POST", "/dev/token", {"user_id": tech["id"]})
        _, customer = call(base, "POST", "/customers", {"name": "Bea Ruiz", "phone": PHONE}, dispatcher)
        window = {"window_start": "2026-12-03T17:00:00Z", "window_end": "2026-12-03T19:00:00Z",
                  "technician_id": tech["id"]}  # Thu 3 Dec, 10-12 in Denver; the stage starts Tue 10:00

        def book(i: int) -> dict:
            status, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": f"Furnace {i}",
                                                       "appointment": window}, dispatcher)
            assert status == 201, job
            return job

        with ThreadPoolExecutor(4) as pool:
            jobs = list(pool.map(book, range(BACKLOG)))
        # Every confirmation claimed and queued by the stream (its log says so); at 1 part/s nearly all wait.
        # Not /dev/settle: it returns only once every queued text has gone, 500 s at this number's rate.
        ours_ids = {job["id"] for job in jobs}
        deadline = time.monotonic() + QUEUED_WITHIN
        while queued(process, ours_ids) < BACKLOG:
            assert time.monotonic() < deadline, f"{queued(process, ours_ids)} of {BACKLOG} queued in {QUEUED_WITHIN} s"
            time.sleep(0.5)

        def ours() -> list[dict]:
            return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["from"] == number]

        before = len(ours())
        assert before < 50, f"{before} confirmations already sent: no backlog to jump"
        status, _ = call(base, "POST", f"/appointments/{jobs[-1]['appointments'][0]['id']}/status",
                         {"action": "en_route"}, tech_token["token"])
        assert status == 200
        posted, sent = time.monotonic(), []
        while time.monotonic() - posted < 20 and not any(m["scenario"] == "en_route" for m in sent):
            time.sleep(0.2)
            sent = ours()
        scenarios = [m["scenario"] for m in sent]
        assert "en_route" in scenarios, f"no en-route text 20 s after the status change ({len(sent)} sent)"
        ahead = scenarios.index("en_route")
        assert ahead <= before + 5, f"{ahead - before} confirmations went between the status change and it"
        assert scenarios[:ahead] == ["booking_confirmation"] * ahead
        assert BACKLOG - ahead >= 440  # the rest of the backlog still waits behind it, none dropped or sent
    finally:
        stop(process)
