"""A local receiver for the provincial push that fails on purpose, as told."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers each request by the next word of ``plan`` (then ``then``):
    ok (store, 200), fail (500, store nothing), lost (store, then answer 500: the answer
    was lost), drop (close the connection without an answer)."""

    def __init__(self, plan: list[str], then: str = "ok"):
        self.plan, self.then = list(plan), then
        self.stored: dict[int, dict] = {}
        self.received: list[int] = []  # every seq of every request, duplicates included
        self.keys: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                action = receiver.plan.pop(0) if receiver.plan else receiver.then
                receiver.keys.append(self.headers["Idempotency-Key"])
                seqs = [item["seq"] for item in body["items"]]
                receiver.received += seqs
                if action == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if action in ("ok", "lost"):
                    for item in body["items"]:  # a receiver keyed by seq drops duplicates
                        receiver.stored.setdefault(item["seq"], item)
                self.send_response(200 if action == "ok" else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/province/feed"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
