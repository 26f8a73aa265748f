"""The outbox page of the local stage: every message sent, and a phone to answer as a customer. The rows
refresh themselves (fetched every 3 s, the page is never reloaded), so what is typed in the phone stays."""
import re

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

URL = re.compile(r"https?://[^\s<>\"']+")


def linked(text: str) -> Markup:
    """The text, escaped, with its links clickable (as the page's script does for the rows it fetches)."""
    text, out, at = str(text), [], 0
    for found in URL.finditer(text):
        out += [escape(text[at:found.start()]), Markup('<a href="{0}">{0}</a>').format(found.group(0))]
        at = found.end()
    return Markup("").join([*out, escape(text[at:])])


ENV = Environment(autoescape=select_autoescape(default=True))
ENV.filters["linked"] = linked
PAGE = ENV.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>OnMyWay outbox</title>
<style>body{font:15px system-ui;margin:1.5em;max-width:60em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}.s{color:#555;font-size:12px}
form{background:#f4f4f4;padding:1em;margin:1em 0}input{margin:.2em}td a{word-break:break-all}</style></head>
<body><main>
<h1>Outbox</h1><p class="s">Every message the local stack sent (SMS, WhatsApp, email). The rows refresh every
3 seconds; what you type below stays.</p>
<form id="phone"><b>Phone simulator</b> — write as a customer:<br>
<label>on <select name="channel"><option value="sms">SMS</option><option value="whatsapp">WhatsApp text</option>
<option value="whatsapp-tap">WhatsApp tap (Confirm, Reschedule, Reject, RATE 1-5)</option></select></label>
<label>from <input name="from" value="{{ customers[0].phone if customers else '' }}" size="14"></label>
<label>to <input name="to" value="{{ org_number }}" size="14"></label>
<label>message <input name="body" value="C" size="30"></label> <button>Send</button>
<span id="outcome" role="status"></span></form>
<label><input type="checkbox" id="newest"> newest first</label>
<section id="held"{% if not held %} hidden{% endif %}><h2>Held</h2><p class="s">Written in quiet hours
(21:00-08:00 in the customer's zone): each goes at the time shown, if it is still true then.</p>
<table><thead><tr><th>goes at</th><th>to</th><th>scenario</th><th>text</th><th>segments</th></tr></thead>
<tbody id="held-rows">{% for m in held %}<tr class="held"><td class="s">{{ m.release_at }}</td><td>{{ m.to }}</td>
<td>{{ m.scenario }}</td><td>{{ m.body|linked }}</td><td>{{ m.segments }}</td></tr>{% endfor %}</tbody></table>
<h2>Sent</h2></section>
<table><thead><tr><th>sent</th><th>channel</th><th>to</th><th>scenario</th><th>text</th><th>segments</th></tr></thead>
<tbody id="rows">{% for m in items %}<tr><td class="s">{{ m.sent_at }}</td><td>{{ m.channel }}</td><td>{{ m.to }}</td>
<td>{{ m.scenario }}</td><td>{{ m.body|linked }}</td><td>{{ m.segments }}</td></tr>{% else %}<tr><td colspan="6">No
messages yet.</td></tr>{% endfor %}</tbody></table></main>
<script>
const form = document.getElementById("phone"), newest = document.getElementById("newest");
const saved = localStorage.getItem("outbox.from");
if (saved) form.from.value = saved;  // the last customer written as, not the first seeded one
newest.checked = localStorage.getItem("outbox.newest") === "1";
function cell(tr, text, cls, links) {
  const td = tr.insertCell();
  if (cls) td.className = cls;
  const s = String(text ?? ""), re = /https?:\\/\\/[^\\s<>"']+/g;
  let at = 0;
  for (const m of (links ? s.matchAll(re) : [])) {
    td.append(s.slice(at, m.index));
    const a = document.createElement("a");
    a.href = a.textContent = m[0];
    td.append(a);
    at = m.index + m[0].length;
  }
  td.append(s.slice(at));
}
function fill(id, items, columns, empty) {
  const body = document.getElementById(id), rows = newest.checked ? [...items].reverse() : items;
  body.replaceChildren();
  for (const m of rows) {
    const tr = body.insertRow();
    columns.forEach((c, i) => cell(tr, m[c], i === 0 ? "s" : "", c === "body"));
  }
  if (!rows.length && empty) body.insertRow().insertCell().append(empty);
}
async function refresh() {
  try {
    const [sent, held] = await Promise.all(["/dev/outbox.json", "/dev/held.json"].map(
      u => fetch(u).then(r => r.json())));
    fill("rows", sent.items, ["sent_at", "channel", "to", "scenario", "body", "segments"], "No messages yet.");
    fill("held-rows", held.items, ["release_at", "to", "scenario", "body", "segments"]);
    document.getElementById("held").hidden = !held.items.length;
  } catch (e) { /* the stack restarting: the next refresh tries again */ }
}
newest.addEventListener("change", () => { localStorage.setItem("outbox.newest", newest.checked ? "1" : "0"); refresh(); });
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const c = form.channel.value, m = {from: form.from.value, to: form.to.value};
  m[c === "whatsapp-tap" ? "button" : "body"] = form.body.value;
  localStorage.setItem("outbox.from", form.from.value);
  const r = await fetch(c === "sms" ? "/dev/sms" : "/dev/whatsapp", {method: "POST",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify(m)}).then(r => r.json());
  document.getElementById("outcome").textContent = r.outcome || JSON.stringify(r);
  refresh();
});
if (newest.checked) refresh();
setInterval(refresh, 3000);
</script></body></html>""")


def outbox(items: list[dict], held: list[dict], demo: dict) -> str:
    return PAGE.render(items=items, held=held, customers=demo.get("customers", []),
                       org_number=demo["org"].sms_number if demo.get("org") else "")
