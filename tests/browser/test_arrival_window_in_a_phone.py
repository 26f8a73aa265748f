"""The narrowed arrival window on a phone (390x844, Chromium), against `make run`'s stack: Ana's first visit of the
day completes, the next customer gets one window_narrowed text, and its link shows "Expected between 11am and
12pm"; Ana setting off ten minutes later changes nothing told. axe: no serious violation; screenshots saved."""
import re

from playwright.sync_api import expect

from tests.stack.test_local_stack import call, wait_for

from .conftest import serious_violations

FIRST, NEXT = "+13035550163", "+13035550164"


def texts(base, to: str, scenario: str) -> list[dict]:
    return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["to"] == to and m["scenario"] == scenario]


def shoot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name


def test_the_next_customer_is_told_once_and_sees_the_window_on_the_page(stack, phone, tmp_path):
    base = stack
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])["token"]
    ana = next(u for u in demo["users"] if u["name"].startswith("Ana"))
    visits = []
    # Today in Denver (the stack's clock starts at 10:00 there): 10am-12pm, then 11am-3pm.
    for phone_number, name, start_at, end_at in ((FIRST, "Kim Ortiz", "17:00", "19:00"),
                                                 (NEXT, "Noa Price", "18:00", "22:00")):
        _, customer = call(base, "POST", "/customers", {"name": name, "phone": phone_number,
                                                       "time_zone": "America/Denver", "address": "1 Main St, Denver"},
                           dispatcher)
        status, job = call(base, "POST", "/jobs", {
            "customer_id": customer["id"], "description": "No heat",
            "appointment": {"window_start": f"2026-12-01T{start_at}:00Z", "window_end": f"2026-12-01T{end_at}:00Z",
                            "technician_id": ana["id"]}}, dispatcher)
        assert status == 201, job
        visits.append(job["appointments"][0]["id"])
    first, following = visits
    for action in ("en_route", "start"):
        assert call(base, "POST", f"/appointments/{first}/status", {"action": action}, ana["token"])[0] == 200
    call(base, "POST", "/dev/clock", {"set": "2026-12-01T18:00:00Z"})  # done at 11am
    assert call(base, "POST", f"/appointments/{first}/status", {"action": "complete"}, ana["token"])[0] == 200

    (told,) = wait_for(lambda: texts(base, NEXT, "window_narrowed"), seconds=30)
    assert told["body"].startswith("Acme Home Services: Ana should now arrive between 11am and 12pm. http")
    assert texts(base, FIRST, "window_narrowed") == []
    # The window told starts at the completion (11am, plus the second or so the stack's clock ran on meanwhile).
    day = call(base, "GET", "/technicians/me/appointments?date=2026-12-01", token=ana["token"])[1]["items"]
    told_window = next(i["expected"] for i in day if i["id"] == following)
    assert told_window["start"].startswith("2026-12-01T18:00:") and told_window["end"].startswith("2026-12-01T19:00:")
    phone.goto(re.search(r"https?://\S+/c/[A-Za-z0-9_-]{22}", told["body"]).group(0))
    expect(phone.get_by_text("Expected between 11am and 12pm")).to_be_visible()
    shoot(phone, tmp_path, "1-expected")

    # On the way at 11:10 with no ETA: there around 11:40, ten minutes from what was told: no new text.
    call(base, "POST", "/dev/clock", {"set": "2026-12-01T18:10:00Z"})
    assert call(base, "POST", f"/appointments/{following}/status", {"action": "en_route"}, ana["token"])[0] == 200
    assert wait_for(lambda: texts(base, NEXT, "en_route"), seconds=30)
    # The stream drained and the texts it queued sent: a narrowing would be stored and texted by now.
    assert call(base, "POST", "/dev/settle")[0] == 200
    assert len(texts(base, NEXT, "window_narrowed")) == 1
    phone.reload()
    expect(phone.get_by_text("On the way", exact=True)).to_be_visible()
    expect(phone.get_by_text("Expected between 11am and 12pm")).to_be_visible()
    shoot(phone, tmp_path, "2-on-the-way")
    day = call(base, "GET", "/technicians/me/appointments?date=2026-12-01", token=ana["token"])[1]["items"]
    assert [(i["id"], i["expected"]) for i in day] == [(first, None), (following, told_window)]  # not narrowed again
