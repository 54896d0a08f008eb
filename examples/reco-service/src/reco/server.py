"""HTTP model server for reco-ranker.

Serves two contracts from one process:
  * Vertex AI custom container: POST AIP_PREDICT_ROUTE, GET AIP_HEALTH_ROUTE on AIP_HTTP_PORT;
  * the service API behind the GKE ingress: GET /v1/recommendations, /healthz, /readyz, /metrics.

    PYTHONPATH=src MODEL_DIR=training-output/reco-ranker/v2 python3 -m reco.server
"""

import json
import signal
import sys
import tempfile
import threading
import time
import traceback
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from reco import __version__
from reco.api import RequestError, parse_predict, parse_recommendations
from reco.config import Config, ConfigError
from reco.gcs import StorageError, fetch
from reco.metrics import Metrics
from reco.model import ModelError, load_model

JSON = "application/json"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


class JsonLog:
    """One JSON object per line with the keys Cloud Logging understands (severity, message, httpRequest)."""

    def __init__(self, out=None, err=None):
        self._out = out
        self._err = err
        self._lock = threading.Lock()

    def write(self, severity, message, **fields):
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "severity": severity,
            "message": message,
            **fields,
        }
        stream = (self._err or sys.stderr) if severity == "ERROR" else (self._out or sys.stdout)
        with self._lock:
            stream.write(json.dumps(entry, sort_keys=True) + "\n")
            stream.flush()


class HttpError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class App:
    """State shared by all request threads."""

    def __init__(self, config, log=None, model=None):
        self.config = config
        self.log = log or JsonLog()
        self.metrics = Metrics()
        self.model = model      # set once loading has finished; readiness follows it
        self.draining = False   # set on SIGTERM so the load balancer stops sending traffic
        # path -> {method: handler method name}. The AIP routes come last so they win a clash.
        self.routes = {
            "/v1/recommendations": {"GET": "recommendations"},
            "/healthz": {"GET": "liveness"},
            "/readyz": {"GET": "readiness"},
            "/metrics": {"GET": "metrics"},
            config.health_route: {"GET": "health"},
            config.predict_route: {"POST": "predict"},
        }

    @property
    def ready(self):
        return self.model is not None and not self.draining


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Malformed request lines get a real status line, not an HTTP/0.9 bare body.
    default_request_version = "HTTP/1.0"
    server_version = f"reco-service/{__version__}"
    # Idle keep-alive connections are closed after this many seconds, so they
    # cannot hold up a graceful shutdown for long.
    timeout = 5
    # Headers and body go out in two writes; with Nagle's algorithm on, a
    # kept-alive client's delayed ACK would hold every answer back ~40 ms.
    disable_nagle_algorithm = True

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    # --- plumbing -----------------------------------------------------------

    def version_string(self):
        return self.server_version  # no Python version in the Server header

    @property
    def app(self):
        return self.server.app

    def _dispatch(self, method):
        started = time.perf_counter()
        self._body_consumed = False
        path = urlsplit(self.path).path
        methods = self.app.routes.get(path)
        route = path if methods else "unmatched"  # metrics labels must not grow with junk paths
        headers = {}
        try:
            if methods is None:
                raise HttpError(404, f"no route {path[:100]!r}")
            if method not in methods:
                raise HttpError(405, f"{method} is not allowed here", {"Allow": ", ".join(sorted(methods))})
            status, body, content_type = getattr(self, "handle_" + methods[method])()
        except RequestError as e:
            status, body, content_type = 400, _error_body(400, e.message, e.field), JSON
        except HttpError as e:
            status, body, content_type = e.status, _error_body(e.status, e.message), JSON
            headers = e.headers
        except Exception:  # noqa: BLE001 - the client gets a 500, the log gets the traceback
            self.app.log.write("ERROR", "unhandled error", route=route, traceback=traceback.format_exc())
            status, body, content_type = 500, _error_body(500, "internal error"), JSON
        # Counted and logged before the response goes out, so a client that has
        # its answer also sees it on /metrics and in the log.
        elapsed = time.perf_counter() - started
        self.app.metrics.observe(route, status, elapsed)
        self._access_log(method, path, status, len(body), elapsed)
        self._send(status, body, content_type, headers)

    def _send(self, status, body, content_type, headers):
        # An unread request body would be parsed as the next request on this
        # connection, and a draining server wants clients to reconnect elsewhere.
        unread = not self._body_consumed and int(self.headers.get("Content-Length") or 0) > 0
        if unread or self.app.draining:
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.app.config.image_digest:
            self.send_header("X-Mlship-Image-Digest", self.app.config.image_digest)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _access_log(self, method, path, status, size, elapsed):
        # Path only: query strings carry what users searched for.
        self.app.log.write("INFO", f"{method} {path[:200]} {status}", httpRequest={
            "requestMethod": method,
            "requestUrl": path[:200],
            "status": status,
            "responseSize": str(size),
            "latency": f"{elapsed:.6f}s",
            "remoteIp": self.client_address[0],
            "userAgent": self.headers.get("User-Agent", "") if getattr(self, "headers", None) else "",
            "protocol": self.request_version,
        })

    def send_error(self, code, message=None, explain=None):
        """Errors found before routing (malformed request line, unsupported method): JSON and logged too."""
        self.close_connection = True
        body = _error_body(code, message or HTTPStatus(code).phrase)
        self.app.metrics.observe("unmatched", code, 0.0)
        self._access_log(self.command or "-", urlsplit(getattr(self, "path", "-")).path, code, len(body), 0.0)
        self.send_response(code)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code="-", size="-"):
        pass  # replaced by _access_log

    def log_error(self, format, *args):
        message = format % args
        if "timed out" not in message:  # idle keep-alive connections time out all the time
            self.app.log.write("WARNING", message)

    def _read_json(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise HttpError(411, "chunked bodies are not supported; send Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            raise HttpError(411, "Content-Length is required")
        if not length.isdigit():
            raise HttpError(400, "invalid Content-Length")
        limit = self.app.config.max_body_bytes
        if int(length) > limit:
            raise HttpError(413, f"request body of {length} bytes exceeds the limit of {limit} bytes")
        raw = self.rfile.read(int(length))
        self._body_consumed = True
        try:
            return json.loads(raw)
        except ValueError as e:
            raise RequestError("body", f"invalid JSON ({e})") from None

    def _model(self):
        if self.app.model is None:
            raise HttpError(503, "model is not loaded yet")
        return self.app.model

    # --- routes ---------------------------------------------------------------

    def handle_predict(self):
        model = self._model()
        queries = parse_predict(self._read_json(), model.categories)
        predictions = [
            {"items": [r.to_json() for r in model.recommend(q.text, q.k, q.category)]} for q in queries
        ]
        self.app.metrics.count_predictions(len(queries))
        return _json(200, {"predictions": predictions, "model": _model_info(model)})

    def handle_recommendations(self):
        model = self._model()
        q = parse_recommendations(parse_qs(urlsplit(self.path).query, keep_blank_values=True), model.categories)
        items = [r.to_json() for r in model.recommend(q.text, q.k, q.category)]
        self.app.metrics.count_predictions(1)
        return _json(200, {"query": q.text, "items": items, "model": _model_info(model)})

    def handle_health(self):
        # Vertex AI sends traffic only once this returns 200.
        return self.handle_readiness()

    def handle_liveness(self):
        return _json(200, {"status": "alive"})

    def handle_readiness(self):
        app = self.app
        if app.ready:
            return _json(200, {"status": "ready", "model": _model_info(app.model)})
        return _json(503, {"status": "draining" if app.draining else "loading"})

    def handle_metrics(self):
        body = self.app.metrics.render(self.app.model, self.app.ready).encode("utf-8")
        return 200, body, PROMETHEUS


class RecoServer(ThreadingHTTPServer):
    # Non-daemon request threads that server_close() joins: in-flight requests
    # finish before the process exits.
    daemon_threads = False
    block_on_close = True

    def __init__(self, app):
        self.app = app
        super().__init__((app.config.host, app.config.port), Handler)


def _json(status, payload):
    return status, json.dumps(payload).encode("utf-8"), JSON


def _error_body(status, message, field=None):
    error = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if field:
        error["field"] = field
    return json.dumps({"error": error}).encode("utf-8")


def _model_info(model):
    return {"name": model.name, "version": model.version}


def _local(model_dir, env):
    """The model's folder on this machine: a gs:// URI (Vertex AI's AIP_STORAGE_URI) is downloaded first."""
    if not model_dir.startswith("gs://"):
        return model_dir
    return fetch(model_dir, tempfile.mkdtemp(prefix="reco-model-"), env)


def main(env=None, log=None):
    """Run until SIGTERM/SIGINT. Returns the process exit code."""
    log = log or JsonLog()
    try:
        config = Config.from_env(env)
    except ConfigError as e:
        log.write("ERROR", f"invalid configuration: {e}")
        return 2
    app = App(config, log)
    try:
        server = RecoServer(app)
    except OSError as e:
        log.write("ERROR", f"cannot listen on {config.host}:{config.port}: {e.strerror}")
        return 1

    # Block the stop signals before any thread starts (threads inherit the mask),
    # then collect them synchronously with sigwait below: no handler races.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="http", daemon=True).start()
    log.write("INFO", "listening", port=server.server_address[1],
              predict_route=config.predict_route, health_route=config.health_route)

    # Listen first, load second: liveness answers while a large model loads, readiness waits for it.
    started = time.perf_counter()
    try:
        app.model = load_model(_local(config.model_dir, env))
    except (ModelError, StorageError) as e:
        # Exit non-zero so a bad model shows up as a crash loop, not as a pod that never gets ready.
        log.write("ERROR", f"cannot load model from {config.model_dir!r}: {e}")
        server.shutdown()
        server.server_close()
        return 1
    log.write("INFO", "model loaded", model=_model_info(app.model), model_dir=config.model_dir,
              products=len(app.model.products), load_seconds=round(time.perf_counter() - started, 3))

    received = signal.sigwait(stop_signals)
    app.draining = True
    log.write("INFO", "shutting down, finishing in-flight requests", signal=signal.Signals(received).name)
    server.shutdown()      # stop accepting connections
    server.server_close()  # close the socket and join request threads
    log.write("INFO", "stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
