"""A person at a browser, as far as Flask's test client goes: HTTPS (the session cookie
is Secure), forms posted with the CSRF token the page carries."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

from ledger.actors import Role
from ledger.services import activation, clients

HTTPS = "https://localhost"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """Each request runs in its own app context, as in a server: the test fixtures hold
    one app context open, and flask-wtf caches a CSRF token in its ``g``."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def get(self, path: str, **kw):
        with self.app.app_context():
            return self.http.get(path, base_url=HTTPS, **kw)

    def post(self, path: str, **kw):
        with self.app.app_context():
            return self.http.post(path, base_url=HTTPS, **kw)

    def token(self, path: str) -> str:
        page = self.get(path)
        found = TOKEN.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def submit(self, form_page: str, action: str, data: dict, **kw):
        """Open the page with the form, then post it with the page's token."""
        return self.post(action, data={**data, "csrf_token": self.token(form_page)}, **kw)

    def committee_log_in(self, client_id: str, secret: str):
        return self.submit("/committee/login", "/committee/login",
                           {"client_id": client_id, "client_secret": secret})

    def log_in(self, id_number: str, password: str):
        return self.submit("/login", "/login", {"id_number": id_number, "password": password})


def credited_and_rejected(world) -> None:
    """One credited class and one rejected posting (assessment failed) for the person."""
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    receipts = world.post(world.item(project),
                          world.item(project, "c-2", assessment="failed")).get_json()
    assert [r["status"] for r in receipts["receipts"]] == ["credited", "rejected"]


def activated(world, id_number: str, password: str) -> None:
    code = activation.issue_code(world.ctx, world.regulator, id_number)["code"]
    activation.activate(world.ctx, id_number, code, password)


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (Debian's poppler-utils)."""
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True)
    return done.stdout.decode()


def committee_client(world, name: str, jurisdiction: str):
    """A committee's client row and its secret, for the committee's page login."""
    return clients.create_client(world.ctx, role=Role.COMMITTEE, name=name,
                                 jurisdiction=jurisdiction)
