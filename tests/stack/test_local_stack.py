"""`make run`'s stack in a subprocess on free loopback ports: it serves the seeded API for real."""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest

READY_WITHIN = 90  # seconds, bounded
START = "2026-12-01T17:00:00Z"  # Tue 1 Dec, 10:00 in Denver: the stack's simulated clock starts here


def call(base, method, path, body=None, token=None, timeout=30):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw and "json" in r.headers.get("Content-Type", "") else raw
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def own_clock() -> dict:
    """The environment without libfaketime: the stack keeps its time by `--start`, and faketime's clock
    breaks its timed waits (it never stops on SIGTERM), so a suite run under faketime leaves it out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    preload = [lib for lib in env.pop("LD_PRELOAD", "").split() if "faketime" not in lib]
    return env | ({"LD_PRELOAD": " ".join(preload)} if preload else {})


def start(*args, env: dict | None = None):
    process = subprocess.Popen([sys.executable, "-m", "devstack", "--port", "0", "--start", START, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=own_clock() | (env or {}))
    base, deadline, lines = None, time.monotonic() + READY_WITHIN, []
    while base is None and time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        lines.append(line)
        if m := re.search(r"running on (http://127\.0\.0\.1:\d+)", line):
            base = m.group(1)
    assert base, "the local stack did not start:\n" + "".join(lines)
    # Keep reading its output, or the pipe fills and the stack blocks on its next print.
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    process.output, process.reader = lines, reader
    return base, process


def stop(process) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # say where it hangs (faulthandler), then never leave it behind
            process.send_signal(signal.SIGUSR1)
            time.sleep(2)
            process.kill()
            process.wait(timeout=10)
            process.reader.join(timeout=10)
            pytest.fail("the stack did not stop within 30 s of SIGTERM:\n" + "".join(process.output)[-20000:])
    process.reader.join(timeout=10)
    return "".join(process.output)


@pytest.fixture(scope="module")
def stack():
    base, process = start()
    yield base, process
    stop(process)


def test_an_unknown_path_is_a_404_in_the_error_format_as_when_deployed(stack):
    base, _ = stack
    _, demo = call(base, "GET", "/dev/demo")
    for token in (demo["users"][0]["token"], None):
        assert call(base, "GET", "/jobs/job_x/invoices", token=token) == (
            404, {"error": {"code": "not_found", "message": "no such path"}})


def test_local_stack_serves_the_seeded_api_and_resolves_a_real_race(stack):
    base, _ = stack
    status, demo = call(base, "GET", "/dev/demo")
    assert status == 200 and demo["org"]["slug"] == "acme"
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
    technician = next(u for u in demo["users"] if u["roles"] == ["technician"])
    status, jobs = call(base, "GET", "/jobs", token=dispatcher["token"])
    assert status == 200 and {j["status"] for j in jobs["items"]} >= {"scheduled", "in_progress", "unscheduled"}

    status, now = call(base, "GET", "/dev/clock")
    start = datetime.fromisoformat(now["now"].replace("Z", "+00:00")) + timedelta(days=1)
    window = {"window_start": start.strftime("%Y-%m-%dT%H:00:00Z"),
              "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:00:00Z"),
              "technician_id": technician["id"]}
    customer = demo["customers"][0]["id"]
    status, job = call(base, "POST", "/jobs", {"customer_id": customer, "description": "Race", "appointment": window},
                       dispatcher["token"])
    assert status == 201
    appointment = job["appointments"][0]["id"]

    # The technician presses "on my way" while the dispatcher cancels: exactly one wins.
    with ThreadPoolExecutor(2) as pool:
        en_route = pool.submit(call, base, "POST", f"/appointments/{appointment}/status", {"action": "en_route"},
                               technician["token"])
        cancel = pool.submit(call, base, "POST", f"/jobs/{job['id']}/cancel", {"reason": "duplicate"},
                             dispatcher["token"])
        outcomes = sorted([en_route.result()[0], cancel.result()[0]])
    assert outcomes == [200, 409]
    status, final = call(base, "GET", f"/jobs/{job['id']}", token=dispatcher["token"])
    assert final["status"] in ("in_progress", "canceled") and final["version"] == 2


def test_fifty_clients_at_once_all_get_an_http_answer(stack):
    """50 taps on "on my way" for one visit, released together: every client gets an answer, one wins."""
    base, _ = stack
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
    technician = next(u for u in demo["users"] if u["roles"] == ["technician"])
    _, now = call(base, "GET", "/dev/clock")
    start = datetime.fromisoformat(now["now"].replace("Z", "+00:00")) + timedelta(days=1)
    window = {"window_start": start.strftime("%Y-%m-%dT%H:00:00Z"),
              "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:00:00Z"),
              "technician_id": technician["id"]}
    _, job = call(base, "POST", "/jobs", {"customer_id": demo["customers"][0]["id"], "description": "Burst",
                                          "appointment": window}, dispatcher["token"])
    path, clients = f"/appointments/{job['appointments'][0]['id']}/status", 50
    together = threading.Barrier(clients)

    def tap(_):
        together.wait(timeout=30)
        return call(base, "POST", path, {"action": "en_route"}, technician["token"])[0]

    with ThreadPoolExecutor(clients) as pool:
        statuses = sorted(pool.map(tap, range(clients)))  # a reset raises here: no HTTP answer
    assert statuses == [200] + [409] * (clients - 1)


def wait_for(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    return None


def test_texts_replies_and_the_clock_work_end_to_end(stack):
    base, _ = stack
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
    technician = next(u for u in demo["users"] if u["roles"] == ["technician"])
    _, customer = call(base, "POST", "/customers", {"name": "Rae Smoke", "phone": "+13035550190",
                                                   "time_zone": "America/Denver"}, dispatcher["token"])
    _, now = call(base, "GET", "/dev/clock")
    start = datetime.fromisoformat(now["now"].replace("Z", "+00:00")) + timedelta(days=2)
    window = {"window_start": start.strftime("%Y-%m-%dT%H:00:00Z"),
              "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:00:00Z")}
    _, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Smoke",
                                          "appointment": {**window, "technician_id": technician["id"]}},
                  dispatcher["token"])
    appointment = job["appointments"][0]["id"]
    sms_to = demo["org"]["sms_number"]

    def texts():
        return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["to"] == "+13035550190"]

    # No settle: the background driver reads the stream by itself, within seconds.
    assert wait_for(lambda: [m for m in texts() if m["scenario"] == "booking_confirmation"])
    # The customer answers "C" from the phone simulator: the visit is confirmed.
    assert call(base, "POST", "/dev/sms", {"from": "+13035550190", "to": sms_to, "body": "C"})[1] == {
        "outcome": "confirmed"}
    _, full = call(base, "GET", f"/jobs/{job['id']}", token=dispatcher["token"])
    assert full["appointments"][0]["confirmation"] == "confirmed"

    assert call(base, "POST", f"/appointments/{appointment}/status", {"action": "en_route"},
                technician["token"])[0] == 200
    en_route = wait_for(lambda: [m for m in texts() if m["scenario"] == "en_route"])
    assert en_route and "is on the way" in en_route[0]["body"]
    # Each text gets its (simulated) delivery receipt, through the delivery-events handler.
    assert wait_for(lambda: [m for m in call(base, "GET", f"/jobs/{job['id']}/messages",
                                             token=dispatcher["token"])[1]["items"]
                             if m["scenario"] == "en_route" and m["status"] == "delivered"])

    # Jump past T-1h of an unassigned visit: auto-canceled, and the customer told.
    _, other = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Unassigned",
                                            "appointment": window}, dispatcher["token"])
    call(base, "POST", "/dev/settle", {})
    call(base, "POST", "/dev/clock", {"set": (start - timedelta(minutes=59)).strftime("%Y-%m-%dT%H:%M:%SZ")})
    call(base, "POST", "/dev/settle", {})
    _, other = call(base, "GET", f"/jobs/{other['id']}", token=dispatcher["token"])
    assert other["appointments"][0]["status"] == "canceled"
    assert [m for m in texts() if m["scenario"] == "auto_canceled"]
    status, page = call(base, "GET", "/dev/outbox")
    assert status == 200 and b"Phone simulator" in page


def test_whatsapp_and_email_customers_are_served_on_their_channel_without_failed_sends(stack):
    """moto has no WhatsApp: the local stage records WhatsApp sends and answers them as AWS would; emails go
    through moto's SES v2. Both show in the outbox; a WhatsApp tap confirms the visit."""
    base, process = stack
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
    technician = next(u for u in demo["users"] if u["roles"] == ["technician"])
    org_number = demo["org"]["sms_number"]
    assert call(base, "PUT", "/settings/channels", {
        "whatsapp_phone_number_id": "phone-number-id-local", "email_from": "visits@acme.example",
        "whatsapp_templates": {"booking_confirmation": {"name": "visit_booked", "language": "en_US",
                                                        "parameters": ["customer_first_name", "window", "link"]}}},
        dispatcher["token"])[0] == 200
    people = {"whatsapp": ("Wes Appleton", "+13035550193", None),
              "email": ("Em Mailer", "+13035550194", "em@example.com"), "sms": ("Sid Texter", "+13035550195", None)}
    _, now = call(base, "GET", "/dev/clock")
    start = datetime.fromisoformat(now["now"].replace("Z", "+00:00")) + timedelta(days=2)
    window = {"window_start": start.strftime("%Y-%m-%dT%H:00:00Z"),
              "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:00:00Z"),
              "technician_id": technician["id"]}
    jobs = {}
    for channel, (name, phone, email) in people.items():  # the SMS customer last: the stream must keep moving
        status, customer = call(base, "POST", "/customers", {
            "name": name, "phone": phone, "email": email, "time_zone": "America/Denver", "preferred_channel": channel},
            dispatcher["token"])
        assert status == 201, customer
        jobs[channel] = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Leak",
                                                     "appointment": window}, dispatcher["token"])[1]

    def sent(channel, to):
        return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"]
                if m["to"] == to and m["channel"] == channel]

    (confirmation,) = wait_for(lambda: sent("whatsapp", "+13035550193"))
    assert confirmation["scenario"] == "booking_confirmation" and confirmation["from"] == "phone-number-id-local"
    assert confirmation["body"].startswith("[template visit_booked (en_US)] Wes | ") and "/c/" in confirmation["body"]
    (emailed,) = wait_for(lambda: sent("email", "em@example.com"))
    assert emailed["scenario"] == "booking_confirmation" and emailed["from"] == "visits@acme.example"
    assert wait_for(lambda: sent("sms", "+13035550195"))
    assert not sent("sms", "+13035550193") and not sent("sms", "+13035550194")  # no fallback to SMS

    def status_of(channel):
        items = call(base, "GET", f"/jobs/{jobs[channel]['id']}/messages", token=dispatcher["token"])[1]["items"]
        return [(m["channel"], m["status"]) for m in items if m["scenario"] == "booking_confirmation"]

    # Simulated delivery events, through whatsapp_events and delivery_events (SES) as AWS would publish them.
    for channel in people:
        assert wait_for(lambda channel=channel: status_of(channel) == [(channel, "delivered")]), status_of(channel)

    # Sam taps Confirm on WhatsApp: the visit is confirmed, and the thank-you goes back on WhatsApp.
    assert call(base, "POST", "/dev/whatsapp", {"from": "+13035550193", "to": org_number, "button": "Confirm"}) == (
        200, {"outcome": "confirmed"})
    _, job = call(base, "GET", f"/jobs/{jobs['whatsapp']['id']}", token=dispatcher["token"])
    assert job["appointments"][0]["confirmation"] == "confirmed"
    assert wait_for(lambda: [m for m in sent("whatsapp", "+13035550193") if "is confirmed" in m["body"]])
    assert call(base, "POST", "/dev/whatsapp", {"from": "+13035550193", "to": org_number, "body": "thanks",
                                                "button": "Confirm"})[0] == 400
    assert "send failed" not in "".join(process.output)
    assert b"whatsapp" in call(base, "GET", "/dev/outbox")[1]


def test_the_outbox_long_poll_answers_with_what_is_there_or_nothing_when_nothing_comes(stack):
    base, _ = stack
    status, sent = call(base, "GET", "/dev/outbox.json?since=0&wait=20")  # the demo's first text, once sent
    assert status == 200 and sent["items"]
    assert call(base, "GET", "/dev/outbox.json?since=100000&wait=0.1") == (200, {"items": []})  # none comes
    assert call(base, "GET", "/dev/outbox.json?wait=31")[0] == 400


def test_stack_stops_cleanly_on_sigterm(stack):
    _, process = stack
    output = stop(process)
    assert process.returncode == 0 and "stopped" in output


def test_state_file_keeps_the_data_between_runs(tmp_path):
    state = tmp_path / "state.json"
    base, process = start("--state", str(state))
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
    _, customer = call(base, "POST", "/customers", {"name": "Kept Customer", "phone": "+13035550191"},
                       dispatcher["token"])
    assert "stopped" in stop(process) and state.exists()
    base, process = start("--state", str(state))
    try:
        _, again = call(base, "GET", "/dev/demo")
        assert again["org"]["id"] == demo["org"]["id"]
        token = next(u for u in again["users"] if u["id"] == dispatcher["id"])["token"]
        assert call(base, "GET", f"/customers/{customer['id']}", token=token)[1]["name"] == "Kept Customer"
    finally:
        stop(process)


def test_at_night_a_malformed_token_gets_401_and_a_held_text_shows_when_it_will_go():
    base, process = start("--start", "2026-12-02T05:30:00Z")  # 22:30 in Denver: quiet hours (last --start wins)
    try:
        for header in ("Bearer abc.def.ghi", "Bearer", "Bearer !!!.???.***", "Basic dXNlcjpwYXNz"):
            req = urllib.request.Request(base + "/jobs", headers={"Authorization": header})
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(req, timeout=30)
            assert answer.value.code == 401, header
            assert json.loads(answer.value.read())["error"]["code"] == "unauthorized"

        _, demo = call(base, "GET", "/dev/demo")
        dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
        _, customer = call(base, "POST", "/customers", {"name": "Night Owl", "phone": "+13035550192",
                                                       "time_zone": "America/Denver"}, dispatcher["token"])
        _, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Boiler", "appointment": {
            "window_start": "2026-12-03T17:00:00Z", "window_end": "2026-12-03T19:00:00Z"}}, dispatcher["token"])
        assert job["status"] == "scheduled"
        held = wait_for(lambda: [m for m in call(base, "GET", "/dev/held.json")[1]["items"]
                                 if m["to"] == "+13035550192"])
        assert held and held[0]["scenario"] == "booking_confirmation"
        # 08:00-09:00 in Denver: held texts are released over the hour after quiet hours, each at its own time
        assert "2026-12-02T15:00:00Z" <= held[0]["release_at"] < "2026-12-02T16:00:00Z"
        assert not [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["to"] == "+13035550192"]
        status, page = call(base, "GET", "/dev/outbox")
        assert status == 200 and b"Held" in page and held[0]["release_at"].encode() in page
    finally:
        stop(process)


def test_the_readme_walkthrough_works_verbatim_at_0530_utc():
    """The README's walkthrough, run as written (but for `make run` itself) at 22:30 in Denver."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Five-minute walkthrough"):]
    script = section[section.index("```sh\n") + 6:section.index("\n```", section.index("```sh\n"))]
    script = "\n".join(line for line in script.splitlines() if not line.startswith("make run"))
    base, process = start("--start", "2026-12-01T05:30:00Z")
    try:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env={**os.environ, "B": base},
                                capture_output=True, text=True, timeout=180)
        outbox = call(base, "GET", "/dev/outbox.json")[1]["items"]
        sent = {m["scenario"]: datetime.fromisoformat(m["sent_at"].replace("Z", "+00:00"))
                for m in outbox if m["to"] == "+13035550160"}
        dispatcher = call(base, "GET", "/dev/demo")[1]["users"][0]["token"]
        reviews = call(base, "GET", "/queues/no_show", token=dispatcher)[1]["items"]
    finally:
        log = stop(process)[-20000:]  # the stack's own output: what the sweep did, for a failure's message
    assert result.returncode == 0, result.stdout + result.stderr
    # The jump to 9am came after the seeded unassigned visit's window (its auto-cancel due at 4am) and Ben's
    # late visit (its delay check due at 2:30am): neither customer is told anything untrue; both visits wait
    # in the dispatcher's no-show review, with their appointment.
    assert not [m for m in outbox if m["scenario"] in ("auto_canceled", "delayed")], outbox
    assert {r["reason"].split(":")[0] for r in reviews} == {
        "nobody was assigned and the auto-cancel ran after the window had started",
        "not started an hour after its window (or its last ETA)"}, (reviews, log)
    assert all(r["appointment"] and r["appointment"]["id"] == r["appointment_id"] for r in reviews)
    # Time passes in the visit as it would: on the way 9:45, there 10:15, done 11:45.
    # (the simulated clock also runs on by itself, seconds at a time)
    assert timedelta(minutes=30) <= sent["arrived"] - sent["en_route"] < timedelta(minutes=31)
    assert timedelta(minutes=90) <= sent["feedback_request"] - sent["arrived"] < timedelta(minutes=91)
    out = result.stdout
    assert '"now":"2026-12-01T16:00:00Z"' in out.replace(" ", "")  # 9am in Denver
    assert "visit booked for Wed 2 Dec, 10am-12pm" in out and '"outcome": "confirmed"' in out.replace('":"', '": "')
    assert "reminder: Ana Alvarez visits Wed 2 Dec" in out
    assert "Confirm visit\nCancel this visit\n" in out  # the booking link's page, opened while still scheduled
    conversation = out.strip().splitlines()[-1]
    assert "'received')" in conversation and "'delivered')" in conversation
    assert "en_route: Acme Home Services: Ana Alvarez is on the way, ETA 10:15am. Track: http" in out
    scenarios = [line.split(":")[0] for line in out.splitlines() if line.split(":")[0] in (
        "booking_confirmation", "reply", "auto_reply", "reminder", "en_route", "arrived", "feedback_request")]
    assert scenarios == ["booking_confirmation", "auto_reply", "reminder", "en_route", "arrived", "feedback_request"]
