"""A model server that answers every prediction with what it was started with: the variables Vertex AI sets
(AIP_*), the spec's own variables, its arguments, and the route the prediction came to. The Vertex AI emulator
tests run it as the command of the example's image."""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

SHOWN = ("AIP_", "SPEC_", "STORAGE_EMULATOR_HOST")
started = {k: v for k, v in os.environ.items() if k.startswith(SHOWN)}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == started["AIP_HEALTH_ROUTE"] else 404)
        self.end_headers()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.dumps({"predictions": [{"env": started, "argv": sys.argv[1:], "path": self.path}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(started["AIP_HTTP_PORT"])), Handler).serve_forever()
