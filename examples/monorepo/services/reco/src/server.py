"""storefront-reco: a stand-in HTTP service for the monorepo example (standard library only)."""
import json
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path in ("/healthz", "/readyz"):
            body = {"status": "ok"}
        else:
            body = {"items": [{"id": "P0023", "title": "matte red lipstick"}]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    HTTPServer(("", 8080), Handler).serve_forever()
