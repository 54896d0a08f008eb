"""Shared test fixtures: paths, cached models, an in-thread server and a server subprocess."""

import functools
import http.client
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time

from reco.config import Config
from reco.model import load_model
from reco.server import App, JsonLog, RecoServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "training-output", "reco-ranker")
CATALOGUE = os.path.join(ROOT, "data", "catalogue.csv")
EVAL_QUERIES = os.path.join(ROOT, "training", "eval_queries.json")


@functools.lru_cache(maxsize=None)
def committed_model(version):
    """A committed model, loaded once per test run (models are immutable)."""
    return load_model(os.path.join(MODELS, version))


def request(port, method, path, body=None, headers=None):
    """(status, headers, decoded JSON or text) for one request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        raw = resp.read()
        if resp.getheader("Content-Type", "").startswith("application/json"):
            return resp.status, resp.headers, json.loads(raw)
        return resp.status, resp.headers, raw.decode("utf-8")
    finally:
        conn.close()


class ServerThread:
    """The real server on 127.0.0.1:<free port>, in this process, with logs captured."""

    def __init__(self, model=None, **config):
        self.out, self.err = io.StringIO(), io.StringIO()
        self.app = App(Config(host="127.0.0.1", port=0, **config), JsonLog(self.out, self.err), model=model)
        self.server = RecoServer(self.app)
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def request(self, method, path, body=None, headers=None):
        return request(self.port, method, path, body, headers)

    def log_lines(self):
        return [json.loads(line) for line in self.out.getvalue().splitlines()]


class ServerProcess:
    """`python3 -m reco.server` as a child process, as the container runs it."""

    def __init__(self, env):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_") and k not in ("PORT", "MODEL_DIR")}
        full_env.update({"PYTHONPATH": os.path.join(ROOT, "src"), "HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"})
        full_env.update(env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reco.server"], cwd=ROOT, env=full_env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.port = None

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def wait_for(self, message, timeout=5.0):
        """Next stdout log entry with this message (or None if the process ended first)."""
        deadline = time.monotonic() + timeout
        while True:
            entry = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if entry is None:
                return None
            if entry.get("message") == message:
                if message == "listening":
                    self.port = entry["port"]
                return entry

    def start(self):
        assert self.wait_for("listening"), self.proc.stderr.read()
        assert self.wait_for("model loaded"), self.proc.stderr.read()
        return self

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()
