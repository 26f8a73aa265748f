"""The technician's app: a phone-first progressive web app of plain ES modules (chalicelib/webapp.py says how
it is served). The API client, the sign-in, the shared words and the vendored Preact + htm are the console's
own files, served again under this app's version."""
from pathlib import Path

from ..console import STATIC as CONSOLE_STATIC
from ..webapp import WebApp

HERE = Path(__file__).resolve().parent
SHARED = ("htm-preact-3.1.1.js", "api.js", "auth.js", "ui.js", "staff.js", "recipients.js")
APP = WebApp(HERE, CONSOLE_STATIC, SHARED)
