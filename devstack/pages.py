"""The outbox page of the local stage: every message sent, and a phone to answer as a customer."""
from jinja2 import Environment, select_autoescape

PAGE = Environment(autoescape=select_autoescape(default=True)).from_string("""<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="3"><title>OnMyWay outbox</title>
<style>body{font:15px system-ui;margin:1.5em;max-width:60em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}.s{color:#666;font-size:12px}
form{background:#f4f4f4;padding:1em;margin:1em 0}input{margin:.2em}</style></head><body>
<h1>Outbox</h1><p class="s">Every message the local stack sent (SMS, WhatsApp, email), newest last. This page
refreshes itself.</p>
<form onsubmit="const c=this.channel.value,m={from:this.from.value,to:this.to.value};
 m[c=='whatsapp-tap'?'button':'body']=this.body.value;
 fetch(c=='sms'?'/dev/sms':'/dev/whatsapp',{method:'POST',headers:{'Content-Type':'application/json'},
 body:JSON.stringify(m)}).then(r=>r.json())
 .then(r=>{document.getElementById('outcome').textContent=r.outcome||JSON.stringify(r)});return false">
<b>Phone simulator</b> — write as a customer:<br>
<label>on <select name="channel"><option value="sms">SMS</option><option value="whatsapp">WhatsApp text</option>
<option value="whatsapp-tap">WhatsApp tap (Confirm, Reschedule, Reject, RATE 1-5)</option></select></label>
from <input name="from" value="{{ customers[0].phone if customers else '' }}" size="14">
to <input name="to" value="{{ org_number }}" size="14">
<input name="body" value="C" size="30"> <button>Send</button> <span id="outcome"></span></form>
{% if held %}<h2>Held</h2><p class="s">Written in quiet hours (21:00-08:00 in the customer's zone): each goes
at the time shown, if it is still true then.</p>
<table><tr><th>goes at</th><th>to</th><th>scenario</th><th>text</th><th>segments</th></tr>
{% for m in held %}<tr class="held"><td class="s">{{ m.release_at }}</td><td>{{ m.to }}</td><td>{{ m.scenario }}</td>
<td>{{ m.body }}</td><td>{{ m.segments }}</td></tr>{% endfor %}</table><h2>Sent</h2>{% endif %}
<table><tr><th>sent</th><th>channel</th><th>to</th><th>scenario</th><th>text</th><th>segments</th></tr>
{% for m in items %}<tr><td class="s">{{ m.sent_at }}</td><td>{{ m.channel }}</td><td>{{ m.to }}</td>
<td>{{ m.scenario }}</td><td>{{ m.body }}</td><td>{{ m.segments }}</td></tr>{% else %}<tr><td colspan="6">No messages yet.</td></tr>{% endfor %}
</table></body></html>""")


def outbox(items: list[dict], held: list[dict], demo: dict) -> str:
    return PAGE.render(items=items, held=held, customers=demo.get("customers", []),
                       org_number=demo["org"].sms_number if demo.get("org") else "")
