"""The trigger against a local HTTP server standing in for Jenkins: the exact request it sends."""

import base64
import http.server
import threading
import unittest
import urllib.parse

import main

ENV = {
    "JENKINS_URL": "",  # set per test to the local server
    "JENKINS_JOB": "ds/reco-service-promotion",
    "JENKINS_JOB_TOKEN": "job-token-123",
    "JENKINS_USER": "training-bot",
    "JENKINS_API_TOKEN": "api-token-456",
    "MODEL_PREFIX": "reco-ranker/",
    "TIMEOUT_SECONDS": "5",
}


class FakeJenkins(http.server.BaseHTTPRequestHandler):
    """Records each request; answers with the server's `answer` status."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.server.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers),
                                     "body": self.rfile.read(length).decode("utf-8")})
        if self.server.hold is not None:
            self.server.hold.wait(10)  # answers only after the test has seen the client give up
        self.send_response(self.server.answer)
        if self.server.answer == 201:
            self.send_header("Location", "http://127.0.0.1/queue/item/77/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class TriggerTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.HTTPServer(("127.0.0.1", 0), FakeJenkins)
        self.server.requests = []
        self.server.answer = 201
        self.server.hold = None
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.env = dict(ENV, JENKINS_URL="http://127.0.0.1:%d/" % self.server.server_port)

    def tearDown(self):
        if self.server.hold is not None:
            self.server.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def test_marker_starts_the_promotion_build_with_the_artifact_path(self):
        location = main.trigger("ds-training-output", "reco-ranker/run-2026-11-22/_SUCCESS", self.env)

        self.assertEqual("http://127.0.0.1/queue/item/77/", location)
        self.assertEqual(1, len(self.server.requests))
        request = self.server.requests[0]
        self.assertEqual("POST", request["method"])
        self.assertEqual("/job/ds/job/reco-service-promotion/buildWithParameters", request["path"])
        expected_auth = "Basic " + base64.b64encode(b"training-bot:api-token-456").decode("ascii")
        self.assertEqual(expected_auth, request["headers"]["Authorization"])
        self.assertEqual("application/x-www-form-urlencoded", request["headers"]["Content-Type"])
        self.assertEqual({"token": ["job-token-123"],
                          "MODEL_ARTIFACTS": ["gs://ds-training-output/reco-ranker/run-2026-11-22/"],
                          "cause": ["model written to gs://ds-training-output/reco-ranker/run-2026-11-22/"]},
                         urllib.parse.parse_qs(request["body"], strict_parsing=True))

    def test_other_objects_start_nothing(self):
        for name in ("reco-ranker/run-1/model.json", "other-model/run-1/_SUCCESS", "reco-ranker/_SUCCESS",
                     "reco-ranker/run-1/_SUCCESS.tmp"):
            with self.subTest(name=name):
                self.assertIsNone(main.trigger("ds-training-output", name, self.env))
        self.assertEqual([], self.server.requests)

    def test_cloud_event_and_background_forms(self):
        class Event:
            data = {"bucket": "ds-training-output", "name": "reco-ranker/v7/_SUCCESS"}

        saved = dict(main.os.environ)
        main.os.environ.update(self.env)
        try:
            main.on_finalize_cloudevent(Event())
            main.on_finalize({"bucket": "ds-training-output", "name": "reco-ranker/v8/_SUCCESS"}, None)
        finally:
            main.os.environ.clear()
            main.os.environ.update(saved)
        bodies = [urllib.parse.parse_qs(r["body"])["MODEL_ARTIFACTS"][0] for r in self.server.requests]
        self.assertEqual(["gs://ds-training-output/reco-ranker/v7/", "gs://ds-training-output/reco-ranker/v8/"], bodies)

    def test_a_refusal_is_an_error_naming_the_status(self):
        self.server.answer = 403

        with self.assertRaises(main.TriggerError) as caught:
            main.trigger("ds-training-output", "reco-ranker/v9/_SUCCESS", self.env)

        self.assertIn("Jenkins answered 403 to buildWithParameters of ds/reco-service-promotion", str(caught.exception))

    def test_a_silent_jenkins_times_out(self):
        self.server.hold = threading.Event()
        env = dict(self.env, TIMEOUT_SECONDS="0.3")

        with self.assertRaises(main.TriggerError) as caught:
            main.trigger("ds-training-output", "reco-ranker/v9/_SUCCESS", env)

        self.assertIn("did not answer within 0.3s", str(caught.exception))

    def test_missing_settings_are_named(self):
        env = dict(self.env)
        del env["JENKINS_API_TOKEN"]
        del env["MODEL_PREFIX"]

        with self.assertRaises(main.TriggerError) as caught:
            main.trigger("b", "reco-ranker/v1/_SUCCESS", env)

        self.assertEqual("missing settings: JENKINS_API_TOKEN, MODEL_PREFIX", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
