"""Select a time frame (seed 001's STF procedure) through chalice.test.Client on moto: R or a link → frames
soonest first → pick → the visit moves, the technician is told, the confirmation goes; none work → callback."""
import pytest

from .conftest import add_user, window
from .test_customer_pages import SAM, _org_number, fetch, last_token, token_in
from .test_two_way import inbound

ANA_PHONE = "+13035550142"  # add_user's phone


@pytest.fixture
def visit(api, org, stream):
    """Sam's visit with Ana, Thu 3 Dec 10am-12pm Denver, its booking confirmation sent."""
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    customer = api.post("/customers", org.dispatcher, {"name": "Sam Rivera", "phone": SAM,
                                                       "time_zone": "America/Denver"}).body
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer["id"], "description": "Leak under the sink",
                                             "appointment": {**window(days=2), "technician_id": tech_id}}).body
    stream.settle()
    return {"job": job["id"], "appointment": job["appointments"][0]["id"], "tech": tech, "tech_id": tech_id}


def reschedule_link(api, org, stream) -> str:
    """The customer replies R: the answer carries a reschedule link."""
    assert inbound(api, _org_number(org), "R")["outcome"]
    return last_token(stream)


def frames_of(api, token: str) -> list[dict]:
    page = fetch(api, "GET", f"/c/{token}/frames", accept="application/json")
    assert page.status == 200, page.text
    return page.json()["frames"]


def test_r_then_a_pick_moves_the_visit_tells_the_technician_and_confirms(api, org, stream, visit):
    token = reschedule_link(api, org, stream)
    page = fetch(api, "GET", f"/c/{token}")  # the reschedule link opens the picker
    assert page.status == 200 and "Pick a new time" in page.text and "Thu 3 Dec, 10am-12pm" in page.text
    assert page.headers["cache-control"] == "no-store" and "default-src 'none'" in page.headers["content-security-policy"]
    frames = frames_of(api, token)
    # Generated from the default working hours (Mon-Fri 8-6, 2 h frames), soonest first, in the customer's zone,
    # none begun (it is 10:00 on Tue 1 Dec) and never the visit's own window.
    assert [f["text"] for f in frames[:4]] == ["Tue 1 Dec, 12-2pm", "Tue 1 Dec, 2-4pm", "Tue 1 Dec, 4-6pm",
                                               "Wed 2 Dec, 8-10am"]
    assert [f["start"] for f in frames] == sorted(f["start"] for f in frames)
    assert "Thu 3 Dec, 10am-12pm" not in [f["text"] for f in frames]
    assert page.text.index("Tue 1 Dec, 12-2pm") < page.text.index("Tue 1 Dec, 2-4pm")

    second = frames[1]
    r = fetch(api, "POST", f"/c/{token}/pick", form={"start": second["start"]})
    assert r.status == 303 and r.headers["location"] == f"../{token}?done=picked"
    assert fetch(api, "POST", f"/c/{token}/pick", form={"start": second["start"]}).status == 303  # double submit
    job = api.get(f"/jobs/{visit['job']}", org.dispatcher).body
    (a,) = job["appointments"]
    assert (a["window_start"], a["window_end"], a["technician_id"]) == (second["start"], second["end"], visit["tech_id"])
    assert a["confirmation"] == "pending" and a["version"] == 2  # moved once

    stream.settle()
    confirmations = [b for to, b in stream.texts(SAM) if "visit booked for" in b]
    assert confirmations[-1].startswith(f"{org_name(org)}: visit booked for Tue 1 Dec, 2-4pm")
    notes = api.get(f"/jobs/{visit['job']}/notes", visit["tech"]).body["items"]
    assert [n["text"] for n in notes] == ["Sam picked Tue 1 Dec, 2-4pm on the time-frame page (was Thu 3 Dec, 10am-12pm)."]
    told = [b for to, b in stream.texts(ANA_PHONE) if "picked" in b]
    assert told == [f"{org_name(org)}: Sam picked Tue 1 Dec, 2-4pm on the time-frame page (was Thu 3 Dec, 10am-12pm). "
                    "Job details in the app."]
    sent = stream.texts()
    assert stream.redeliver() == []  # the pick's records (and every other) delivered again
    assert stream.texts() == sent  # once, even when redelivered: the technician's text and the confirmation
    assert len(api.get(f"/jobs/{visit['job']}/notes", visit["tech"]).body["items"]) == 1

    # A new link: the frame behind the chosen one is withdrawn; the chosen one is the visit itself now.
    again = [f["text"] for f in frames_of(api, reschedule_link(api, org, stream))]
    assert again[0] == "Tue 1 Dec, 4-6pm" and "Tue 1 Dec, 12-2pm" not in again and "Tue 1 Dec, 2-4pm" not in again
    done = fetch(api, "GET", f"/c/{token}?done=picked")
    assert "Tue 1 Dec, 2-4pm" in done.text and "booked for the time you picked" in done.text


def org_name(org) -> str:
    from chalicelib.bootstrap import store_repositories
    return store_repositories().organizations.get(org.id).name


def test_offered_frames_come_first_and_the_dispatcher_sees_and_sends_them(api, org, stream, visit):
    offered = [{"start": "2026-12-04T22:00:00Z", "end": "2026-12-05T00:00:00Z"},
               {"start": "2026-12-04T16:00:00Z", "end": "2026-12-04T18:00:00Z"}]
    assert api.post(f"/appointments/{visit['appointment']}/offers", org.dispatcher, {"frames": offered}).status == 200
    r = api.get(f"/appointments/{visit['appointment']}/offers", org.dispatcher)
    assert r.status == 200 and r.body["source"] == "offered"
    assert r.body["frames"] == sorted(offered, key=lambda f: f["start"])
    assert api.get(f"/appointments/{visit['appointment']}/offers", visit["tech"]).status == 403

    sent = api.post(f"/appointments/{visit['appointment']}/send-time-frames", org.dispatcher)
    assert sent.status == 201 and sent.body["status"] == "queued" and "/c/" in sent.body["body"]
    again = api.post(f"/appointments/{visit['appointment']}/send-time-frames", org.dispatcher)
    assert again.body["id"] == sent.body["id"]  # a double click: one text
    assert not [b for to, b in stream.texts(SAM) if "pick a time" in b]  # the API sends nothing itself
    stream.settle()
    texts = [b for to, b in stream.texts(SAM) if "pick a time" in b]
    assert len(texts) == 1
    frames = frames_of(api, token_in(texts[0]))
    assert [f["text"] for f in frames] == ["Fri 4 Dec, 9-11am", "Fri 4 Dec, 3-5pm"]


def test_two_customers_race_for_the_last_place_in_a_frame_exactly_one_gets_it(api, org, stream, visit, monkeypatch):
    from chalicelib import bootstrap
    assert api.put("/settings/time-frames", org.dispatcher, {"visits_per_frame": 1}).status == 200
    lee = api.post("/customers", org.dispatcher, {"name": "Lee Chen", "phone": "+13035550178"}).body
    lee_job = api.post("/jobs", org.dispatcher, {"customer_id": lee["id"], "description": "AC",
                                                 "appointment": window(days=3)}).body
    stream.settle()
    sam_token = reschedule_link(api, org, stream)
    lee_token = last_token(stream, "+13035550178")  # Lee's booking link (status purpose: "Pick another time")
    frame = frames_of(api, sam_token)[0]
    assert frame in frames_of(api, lee_token)

    # Lee's pick has read everything (the frame had a place); before its write, Sam's pick lands.
    frames = bootstrap.repos().frames
    original, raced = frames.pick, []

    def rival_first(*args, **kwargs):
        if not raced:
            raced.append(None)  # Sam's own pick writes unhindered
            raced[0] = fetch(api, "POST", f"/c/{sam_token}/pick", body={"start": frame["start"]})
        return original(*args, **kwargs)
    monkeypatch.setattr(frames, "pick", rival_first)
    lost = fetch(api, "POST", f"/c/{lee_token}/pick", body={"start": frame["start"]})
    assert raced[0].status == 200 and raced[0].json()["window_start"] == frame["start"]
    assert lost.status == 409 and lost.json()["error"]["code"] == "frame_taken"
    assert api.get(f"/jobs/{lee_job['id']}", org.dispatcher).body["appointments"][0]["window_start"] == \
        lee_job["appointments"][0]["window_start"]  # nothing changed for the loser
    page = fetch(api, "POST", f"/c/{lee_token}/pick", form={"start": frame["start"]})
    assert page.status == 409 and "just taken" in page.text and frame["text"] not in page.text  # full: not offered


def test_none_of_these_work_lands_in_the_callback_queue_and_withdraws_what_was_shown(api, org, stream, visit):
    token = reschedule_link(api, org, stream)
    shown = frames_of(api, token)
    blank = fetch(api, "POST", f"/c/{token}/none-work", form={"availability": "  "})
    assert blank.status == 400 and "which days and times suit you" in blank.text
    assert api.get("/queues/callback", org.dispatcher).body["items"] == []
    words = "Weekends only, or after 5pm on weekdays"
    r = fetch(api, "POST", f"/c/{token}/none-work", form={"availability": words})
    assert r.status == 303 and r.headers["location"] == f"../{token}?done=callback"
    fetch(api, "POST", f"/c/{token}/none-work", form={"availability": words})  # double submit: one entry
    (entry,) = api.get("/queues/callback", org.dispatcher).body["items"]
    assert entry["job_id"] == visit["job"] and entry["appointment_id"] == visit["appointment"]
    assert words in entry["reason"] and entry["state"] == "open"
    later = frames_of(api, reschedule_link(api, org, stream))
    assert all(f["start"] > shown[-1]["start"] for f in later)  # declined hours and all before them: withdrawn


def test_the_callback_queue_is_soonest_window_first(api, org, stream, visit):
    lee = api.post("/customers", org.dispatcher, {"name": "Lee Chen", "phone": "+13035550178"}).body
    api.post("/jobs", org.dispatcher, {"customer_id": lee["id"], "description": "AC", "appointment": window(days=1)})
    stream.settle()
    sam = reschedule_link(api, org, stream)
    lee_token = last_token(stream, "+13035550178")
    fetch(api, "POST", f"/c/{sam}/none-work", form={"availability": "Mondays"})
    fetch(api, "POST", f"/c/{lee_token}/none-work", form={"availability": "Fridays"})
    items = api.get("/queues/callback", org.dispatcher).body["items"]
    assert [("Fridays" in i["reason"]) for i in items] == [True, False]  # Lee's visit is sooner


def test_a_canceled_visit_is_rebooked_on_the_same_job_and_keeps_its_coupon(api, org, stream, visit):
    assert api.post(f"/jobs/{visit['job']}/cancel", org.dispatcher,
                    {"reason": "technician out sick", "offer_coupon": True}).status == 200
    stream.settle()
    token = token_in([b for to, b in stream.texts(SAM) if "canceled" in b][-1])
    coupon = api.get(f"/jobs/{visit['job']}", org.dispatcher).body["coupon"]
    page = fetch(api, "GET", f"/c/{token}")
    assert page.status == 200 and "Book a new visit" in page.text and "Thu 3 Dec, 10am-12pm" in page.text
    frame = frames_of(api, token)[0]
    assert fetch(api, "POST", f"/c/{token}/pick", form={"start": frame["start"]}).status == 303
    assert fetch(api, "POST", f"/c/{token}/pick", form={"start": frame["start"]}).status == 303  # once
    job = api.get(f"/jobs/{visit['job']}", org.dispatcher).body
    assert job["status"] == "scheduled" and job["coupon"] == coupon and coupon is not None
    rebooked = [a for a in job["appointments"] if a["id"] != visit["appointment"]]
    assert [(a["status"], a["window_start"], a["technician_id"]) for a in rebooked] == [
        ("scheduled", frame["start"], None)]  # a new visit, to be assigned; the canceled one stays canceled
    assert [a["status"] for a in job["appointments"] if a["id"] == visit["appointment"]] == ["canceled"]
    stream.settle()
    assert any(f"visit booked for {frame['text']}" in b for to, b in stream.texts(SAM))
    notes = api.get(f"/jobs/{visit['job']}/notes", org.dispatcher).body["items"]
    assert notes[-1]["text"] == f"Sam picked {frame['text']} on the time-frame page to rebook the canceled visit."


def test_bad_picks_change_nothing(api, org, stream, visit):
    token = reschedule_link(api, org, stream)
    before = api.get(f"/jobs/{visit['job']}", org.dispatcher).body
    for start in ("", "tomorrow", "2026-12-02T15:00:00", "2026-12-02T15:30:00Z", "2026-11-30T15:00:00Z"):
        r = fetch(api, "POST", f"/c/{token}/pick", body={"start": start})
        assert r.status == 400 and r.json()["error"]["code"] == "validation_error", (start, r.text)
    page = fetch(api, "POST", f"/c/{token}/pick", form={})
    assert page.status == 400 and "Pick one of the time frames" in page.text
    assert fetch(api, "POST", f"/c/{token}/pick", body=[1]).status == 400
    assert api.get(f"/jobs/{visit['job']}", org.dispatcher).body == before
    assert fetch(api, "POST", "/c/not-a-token/pick", form={"start": "x"}).status == 404
    # A visit under way can no longer be moved online.
    api.post(f"/appointments/{visit['appointment']}/status", visit["tech"], {"action": "en_route"})
    r = fetch(api, "POST", f"/c/{token}/pick", body={"start": "2026-12-02T15:00:00Z"})
    assert r.status == 409 and r.json()["error"]["code"] == "conflict"
    page = fetch(api, "GET", f"/c/{token}")
    assert page.status == 409 and "can no longer be moved online" in page.text and _org_number(org) in page.text
    assert api.get(f"/jobs/{visit['job']}", org.dispatcher).body["appointments"][0]["window_start"] == \
        before["appointments"][0]["window_start"]


def test_working_hours_settings(api, org, stream, visit):
    assert api.get("/settings/time-frames", org.dispatcher).body == {
        "days": ["mon", "tue", "wed", "thu", "fri"], "hours": {"start": "08:00", "end": "18:00"}, "frame_minutes": 120,
        "days_ahead": 14, "frames_per_day": 5, "visits_per_frame": 2, "generate": True}
    bad = api.put("/settings/time-frames", org.dispatcher, {"hours": {"start": "18:00", "end": "08:00"}})
    assert bad.status == 400 and bad.body["error"]["message"].startswith("hours.end")
    assert api.put("/settings/time-frames", org.dispatcher, {"days": ["funday"]}).status == 400
    assert api.put("/settings/time-frames?location_id=loc_nope", org.dispatcher, {}).status == 400
    r = api.put("/settings/time-frames", org.dispatcher, {"days": ["sat"], "hours": {"start": "09:00", "end": "13:00"},
                                                          "frame_minutes": 240})
    assert r.status == 200 and r.body["days"] == ["sat"]
    frames = api.get(f"/appointments/{visit['appointment']}/offers", org.dispatcher).body["frames"]
    assert frames[0] == {"start": "2026-12-05T16:00:00Z", "end": "2026-12-05T20:00:00Z"}  # Sat 9am-1pm Denver
    assert api.put("/settings/time-frames", visit["tech"], {}).status == 403
    assert api.put("/settings/time-frames", org.dispatcher, {"generate": False}).status == 200
    assert api.get(f"/appointments/{visit['appointment']}/offers", org.dispatcher).body == {
        **api.get(f"/appointments/{visit['appointment']}/offers", org.dispatcher).body, "source": "none", "frames": []}
