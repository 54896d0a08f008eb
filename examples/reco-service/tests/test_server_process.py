"""`python3 -m reco.server` as a container runs it: env contract, fail-fast startup, graceful SIGTERM."""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from tests.helpers import MODELS, ROOT, ServerProcess, request
from tests.test_gcs import FakeStorage


def run_to_exit(env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_") and k not in ("PORT", "MODEL_DIR")}
    full_env.update(PYTHONPATH=os.path.join(ROOT, "src"), HOST="127.0.0.1", PORT="0", **env)
    return subprocess.run([sys.executable, "-m", "reco.server"], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=10)


class EnvContractTest(unittest.TestCase):
    def test_vertex_env_variables(self):
        srv = ServerProcess({
            "AIP_HTTP_PORT": "0", "PORT": "1",
            "AIP_PREDICT_ROUTE": "/v1/endpoints/123/deployedModels/456:predict",
            "AIP_HEALTH_ROUTE": "/v1/endpoints/123/deployedModels/456",
            "AIP_STORAGE_URI": "file://" + os.path.join(MODELS, "v2"),
            "MODEL_DIR": os.path.join(MODELS, "broken"),  # AIP_STORAGE_URI wins
        }).start()
        try:
            self.assertNotEqual(srv.port, 1)
            status, _, body = request(srv.port, "POST", "/v1/endpoints/123/deployedModels/456:predict",
                                      {"instances": ["lipstick"]})
            self.assertEqual(status, 200)
            self.assertEqual(body["model"]["version"], "v2")
            self.assertEqual(body["predictions"][0]["items"][0]["category"], "lipstick")
            self.assertEqual(request(srv.port, "GET", "/v1/endpoints/123/deployedModels/456")[0], 200)
            self.assertEqual(request(srv.port, "POST", "/predict", {"instances": ["x"]})[0], 404)
        finally:
            srv.stop()

    def test_gke_env_variables(self):
        srv = ServerProcess({"PORT": "0", "MODEL_DIR": os.path.join(MODELS, "v1")}).start()
        try:
            status, _, body = request(srv.port, "GET", "/v1/recommendations?q=face+wash&k=2")
            self.assertEqual((status, body["model"]["version"], len(body["items"])), (200, "v1", 2))
        finally:
            srv.stop()


class CloudStorageModelTest(unittest.TestCase):
    def test_serves_the_model_vertex_ai_names_in_a_gs_uri(self):
        objects = {}
        for folder, _, files in os.walk(os.path.join(MODELS, "v2")):
            for name in files:
                with open(os.path.join(folder, name), "rb") as f:
                    relative = os.path.relpath(os.path.join(folder, name), os.path.join(MODELS, "v2"))
                    objects[("ds-models", "reco-ranker/v2/" + relative.replace(os.sep, "/"))] = f.read()
        storage = FakeStorage(objects)
        self.addCleanup(storage.close)
        srv = ServerProcess({"AIP_HTTP_PORT": "0", "AIP_STORAGE_URI": "gs://ds-models/reco-ranker/v2",
                             "STORAGE_EMULATOR_HOST": storage.host}).start()
        try:
            status, _, body = request(srv.port, "POST", "/predict", {"instances": ["lipstick"]})
            self.assertEqual((status, body["model"]["version"]), (200, "v2"))
        finally:
            srv.stop()


class FailFastTest(unittest.TestCase):
    def assertFailsWith(self, env, code, fragment):
        started = time.monotonic()
        result = run_to_exit(env)
        self.assertEqual(result.returncode, code, result.stderr)
        self.assertLess(time.monotonic() - started, 5)
        errors = [json.loads(line) for line in result.stderr.splitlines()]
        self.assertEqual(errors[-1]["severity"], "ERROR")
        self.assertIn(fragment, errors[-1]["message"])

    def test_missing_model_dir(self):
        self.assertFailsWith({"MODEL_DIR": os.path.join(MODELS, "v404")}, 1, "does not exist")

    def test_corrupt_model_dir(self):
        tmp = tempfile.mkdtemp()
        try:
            shutil.copytree(os.path.join(MODELS, "v2"), os.path.join(tmp, "v2"))
            with open(os.path.join(tmp, "v2", "idf.json"), "a") as f:
                f.write("\n")
            self.assertFailsWith({"MODEL_DIR": os.path.join(tmp, "v2")}, 1, "idf.json: sha256 does not match")
        finally:
            shutil.rmtree(tmp)

    def test_gcs_storage_uri_without_credentials(self):
        # Not on Google Cloud and no emulator: the metadata server cannot be reached, said plainly.
        self.assertFailsWith({"AIP_STORAGE_URI": "gs://ds-models/reco-ranker/v2", "GCE_METADATA_HOST": "127.0.0.1:9"},
                             1, "no credentials for Cloud Storage")


def read_response(sock):
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    resp.body = resp.read()
    return resp


class GracefulShutdownTest(unittest.TestCase):
    def test_sigterm_finishes_in_flight_request(self):
        srv = ServerProcess({"PORT": "0", "MODEL_DIR": os.path.join(MODELS, "v2")}).start()
        try:
            body = json.dumps({"instances": ["lipstick"]}).encode()
            with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
                # A first request proves the connection is accepted and has a handler thread.
                sock.sendall(b"GET /readyz HTTP/1.1\r\nHost: test\r\n\r\n")
                self.assertEqual(read_response(sock).status, 200)
                # Then start a second one, leave it half-sent, and ask the server to stop.
                sock.sendall(b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
                srv.proc.terminate()
                self.assertIsNotNone(srv.wait_for("shutting down, finishing in-flight requests"))
                time.sleep(0.2)
                self.assertIsNone(srv.proc.poll(), "exited with a request in flight")
                sock.sendall(body[10:])
                resp = read_response(sock)
                self.assertEqual(resp.status, 200)
                self.assertEqual(resp.getheader("Connection"), "close")
                self.assertEqual(json.loads(resp.body)["predictions"][0]["items"][0]["category"], "lipstick")
            self.assertEqual(srv.proc.wait(timeout=5), 0)
            self.assertIsNotNone(srv.wait_for("stopped"))
        finally:
            srv.stop()


if __name__ == "__main__":
    unittest.main()
