"""A whole day of work through the API: customer → job → appointment → on my way → … → cancel."""
from .conftest import add_user, new_customer, window


def test_dispatcher_and_technician_run_a_job_through_every_status(api, org):
    tech_id, tech = add_user(api, org, "Ana Tech", "technician")
    customer_id = new_customer(api, org)

    r = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "No heat upstairs"})
    assert r.status == 201 and r.body["status"] == "unscheduled" and r.body["version"] == 1
    job_id = r.body["id"]

    r = api.post(f"/jobs/{job_id}/appointments", org.dispatcher, window())
    assert r.status == 201 and r.body["technician_id"] is None and r.body["status"] == "scheduled"
    appointment_id = r.body["id"]
    assert api.get(f"/jobs/{job_id}", org.dispatcher).body["status"] == "scheduled"

    # Not yet assigned: the technician cannot see the job at all.
    assert api.get(f"/jobs/{job_id}", tech).status == 404
    r = api.patch(f"/appointments/{appointment_id}", org.dispatcher, {"technician_id": tech_id})
    assert r.status == 200 and r.body["technician_id"] == tech_id
    assert api.get(f"/jobs/{job_id}", tech).status == 200

    r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route", "eta": window()["window_start"]})
    assert r.status == 200 and r.body["status"] == "en_route" and r.body["eta"] == window()["window_start"]
    assert api.get(f"/jobs/{job_id}", tech).body["status"] == "in_progress"

    assert api.post(f"/appointments/{appointment_id}/status", tech, {"action": "start"}).body["status"] == "started"
    r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": "pause", "reason": "part needed"})
    assert r.body["status"] == "paused" and r.body["status_reason"] == "part needed"
    assert api.get(f"/jobs/{job_id}", tech).body["status"] == "paused"

    # A new appointment resumes the paused job.
    r = api.post(f"/jobs/{job_id}/appointments", org.dispatcher, {**window(days=3), "technician_id": tech_id})
    assert r.status == 201
    second = r.body["id"]
    assert api.get(f"/jobs/{job_id}", org.dispatcher).body["status"] == "scheduled"

    for action, status in [("en_route", "en_route"), ("start", "started"), ("complete", "complete")]:
        r = api.post(f"/appointments/{second}/status", tech, {"action": action})
        assert r.status == 200 and r.body["status"] == status, r.body
    job = api.get(f"/jobs/{job_id}", org.dispatcher).body
    assert job["status"] == "complete" and [a["status"] for a in job["appointments"]] == ["paused", "complete"]

    # Complete → new appointment → scheduled; cancel cascades to the open appointment, with a coupon.
    third = api.post(f"/jobs/{job_id}/appointments", org.dispatcher, window(days=5)).body["id"]
    r = api.post(f"/jobs/{job_id}/cancel", org.dispatcher, {"reason": "Customer sold the house", "offer_coupon": True})
    assert r.status == 200 and r.body["status"] == "canceled"
    assert r.body["coupon"]["percent"] == 15 and r.body["coupon"]["code"]
    by_id = {a["id"]: a for a in r.body["appointments"]}
    assert by_id[third]["status"] == "canceled" and by_id[second]["status"] == "complete"

    # Canceled → new appointment reactivates it; the coupon stays the one given first.
    coupon = r.body["coupon"]
    api.post(f"/jobs/{job_id}/appointments", org.dispatcher, window(days=6))
    r = api.post(f"/jobs/{job_id}/cancel", org.dispatcher, {"reason": "again", "offer_coupon": True})
    assert r.body["coupon"] == coupon


def test_scheduled_job_created_with_appointment_and_deleting_it_unschedules(api, org):
    tech_id, _ = add_user(api, org, "Ana Tech", "technician")
    customer_id = new_customer(api, org)
    r = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Install water heater",
                                           "appointment": {**window(), "technician_id": tech_id}})
    assert r.status == 201 and r.body["status"] == "scheduled" and len(r.body["appointments"]) == 1
    r = api.delete(f"/appointments/{r.body['appointments'][0]['id']}", org.dispatcher)
    assert r.status == 200 and r.body["status"] == "unscheduled" and r.body["appointments"] == []


def test_offer_accept_decline(api, org):
    provider_id, provider = add_user(api, org, "Brand Portal", "provider")
    customer_id = new_customer(api, org)
    r = api.post("/jobs", provider, {"customer_id": customer_id, "description": "Warranty repair"})
    assert r.status == 201 and r.body["status"] == "new_offer" and r.body["provider_id"] == provider_id
    offer = r.body["id"]
    r = api.post(f"/jobs/{offer}/accept", org.dispatcher)
    assert r.status == 200 and r.body["status"] == "unscheduled"
    assert api.post(f"/jobs/{offer}/accept", org.dispatcher).error == "invalid_transition"

    declined = api.post("/jobs", provider, {"customer_id": customer_id, "description": "Second offer"}).body["id"]
    assert api.post(f"/jobs/{declined}/decline", org.dispatcher).status == 204
    assert api.get(f"/jobs/{declined}", org.dispatcher).status == 404
    assert declined not in [j["id"] for j in api.get("/jobs", org.dispatcher).body["items"]]
    assert declined not in [j["id"] for j in api.get("/jobs", provider).body["items"]]


def test_technician_day_in_route_order_and_location(api, org):
    tech_id, tech = add_user(api, org, "Ana Tech", "technician")
    customer_id = new_customer(api, org)
    late = {**window(days=1), "technician_id": tech_id}
    late["window_start"] = late["window_start"][:11] + "20:00:00Z"
    late["window_end"] = late["window_start"][:11] + "22:00:00Z"
    early = {**late, "window_start": late["window_start"][:11] + "15:00:00Z",
             "window_end": late["window_start"][:11] + "17:00:00Z"}
    for w, what in [(late, "Evening visit"), (early, "Morning visit")]:
        assert api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": what,
                                                  "appointment": w}).status == 201
    day = late["window_start"][:10]  # 15:00Z and 20:00Z are the same day in Denver
    r = api.get(f"/technicians/me/appointments?date={day}", tech)
    assert r.status == 200
    assert [e["job"]["description"] for e in r.body["items"]] == ["Morning visit", "Evening visit"]
    assert r.body["items"][0]["customer"]["address"] == "12 Elm St, Denver"
    # The app names the day, shows its times in the organization's zone, reckons an ETA by the API's clock, and
    # offers only what the status machine allows now.
    assert r.body["date"] == day and r.body["time_zone"] == "America/Denver" and r.body["now"].endswith("Z")
    assert r.body["items"][0]["actions"] == ["en_route", "start", "complete", "delay"]
    first = r.body["items"][0]["id"]
    assert api.post(f"/appointments/{first}/status", tech, {"action": "start"}).status == 200
    assert api.get(f"/technicians/me/appointments?date={day}", tech).body["items"][0]["actions"] == ["pause", "complete"]
    assert api.get(f"/technicians/me/appointments?date={day}", org.dispatcher).status == 403

    r = api.put("/technicians/me/location", tech, {"lat": 39.74, "lon": -104.99, "heading": 90})
    assert r.status == 200 and r.body["lat"] == 39.74
    assert api.get(f"/users/{tech_id}", org.dispatcher).body["last_position"]["lon"] == -104.99
