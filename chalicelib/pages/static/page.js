// Live refresh of the status page: the page works without this; it only polls status.json (every
// poll_seconds, at most 20 s) while the visit is ahead or on its way, and stops when it has started,
// ended or been canceled. Text is set with textContent only.
(function () {
  var live = document.getElementById("live");
  if (!live || live.dataset.live !== "yes") return;
  var url = live.dataset.status, every = Math.min(Number(live.dataset.poll) || 20, 20) * 1000;
  function set(name, text) {
    var el = live.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = text || "";
    return el;
  }
  function show(selector, on) {
    live.querySelectorAll(selector).forEach(function (el) { el.classList.toggle("hidden", !on); });
  }
  function messages(list) {
    var ol = document.getElementById("messages");
    if (!ol || !list.length || (ol.children.length === list.length && !ol.querySelector(".empty"))) return;
    ol.textContent = "";
    list.forEach(function (m) {
      var li = document.createElement("li"), meta = document.createElement("p"), body = document.createElement("p");
      li.className = m.direction; meta.className = "meta"; body.className = "body";
      meta.textContent = m.from + " to " + m.to + " \u00b7 " + m.when; body.textContent = m.body;
      li.appendChild(meta); li.appendChild(body); ol.appendChild(li);
    });
  }
  function tick() {
    fetch(url, {headers: {Accept: "application/json"}, cache: "no-store"}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (s) {
      if (!s) return;
      set("status_text", s.status_text);
      set("technician_first_name", s.technician_first_name || "Being assigned");
      set("eta_text", s.eta_text); show(".eta", !!s.eta_text);
      set("expected_text", s.expected_text); show(".expected", !!s.expected_text);
      set("visit_code", s.visit_code); show(".code", !!s.visit_code);
      var p = s.position;
      document.getElementById("where").classList.toggle("hidden", !p);
      set("position_updated", p ? "Position updated " + p.updated : "");
      set("distance_text", s.distance_text ? ", " + s.distance_text : "");
      if (s.maps_url) set("maps_url", "Open in maps").href = s.maps_url;
      messages(s.messages);
      if (s.live) setTimeout(tick, every);
    }, function () { setTimeout(tick, every * 2); });
  }
  setTimeout(tick, every);
})();
