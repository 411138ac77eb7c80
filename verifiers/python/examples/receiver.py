"""A receiver for recording notifications: verifies each POST, drops
duplicates, answers 200 with a JSON body.

    LIVE_CALLBACK_KEY=0123456789abcdef0123456789abcdef python examples/receiver.py 127.0.0.1:8080

LIVE_CALLBACK_KEY is the config's key (new,old while rotating), read from
the environment only; LIVE_CALLBACK_SIGN_TYPE is HMACSHA256 (default) or MD5.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from live_record_callbacks_verify import NotificationError, Verifier, dedupe_key

verifier = Verifier(
    os.environ.get("LIVE_CALLBACK_SIGN_TYPE", "HMACSHA256"),
    [k.strip() for k in os.environ["LIVE_CALLBACK_KEY"].split(",")],
)
seen = set()  # a real receiver keeps a bounded or persistent store


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, verifier.max_body + 1))
        try:
            n = verifier.verify(body)
        except NotificationError as e:
            return self.answer(e.status, {"error": str(e)})
        key = dedupe_key(n)
        if key is None:
            status = "ignored"  # an event the contract does not list
        elif key in seen:
            status = "duplicate"
        else:
            seen.add(key)
            status = "ok"
            print(f"receiver: {status} {n['event_type']} {n.get('stream')}", file=sys.stderr)
        self.answer(200, {"status": status})

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080").rpartition(":")
server = ThreadingHTTPServer((host, int(port)), Handler)
print(
    f"receiver: listening on http://{host}:{server.server_address[1]}", file=sys.stderr, flush=True
)
server.serve_forever()
