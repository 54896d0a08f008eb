"""The HTTP server in-process on a free port: both API contracts, errors, health, metrics, logs."""

import http.client
import json
import socket
import unittest

from tests.helpers import ServerThread, committed_model

V2 = committed_model("v2")
MODEL_INFO = {"name": "reco-ranker", "version": "v2"}


class PredictTest(unittest.TestCase):
    def setUp(self):
        self.srv = ServerThread(V2).__enter__()

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_vertex_predict(self):
        status, _, body = self.srv.request("POST", "/predict", {"instances": [{"query": "lipstick", "k": 5}]})
        self.assertEqual(status, 200)
        self.assertEqual(body["model"], MODEL_INFO)
        items = body["predictions"][0]["items"]
        self.assertEqual(len(items), 5)
        self.assertEqual({i["category"] for i in items}, {"lipstick"})
        self.assertEqual(set(items[0]), {"id", "title", "category", "brand", "score"})

    def test_plain_string_instances_and_parameters(self):
        status, _, body = self.srv.request("POST", "/predict", {
            "instances": ["face wash", {"query": "red", "category": "lipstick"}], "parameters": {"k": 3}})
        self.assertEqual(status, 200)
        first, second = (p["items"] for p in body["predictions"])
        self.assertEqual(len(first), 3)
        self.assertLessEqual({i["category"] for i in first}, {"face wash", "cleanser"})
        self.assertEqual({i["category"] for i in second}, {"lipstick"})

    def test_no_image_digest_header_unless_the_pod_has_one(self):
        _, headers, _ = self.srv.request("GET", "/healthz")
        self.assertIsNone(headers.get("X-Mlship-Image-Digest"))

    def test_every_answer_names_the_image_digest_it_came_from(self):
        digest = "sha256:" + "ab" * 32
        with ServerThread(V2, image_digest=digest) as srv:
            for method, path, body in [("GET", "/healthz", None), ("GET", "/v1/recommendations?q=x&k=500", None),
                                       ("POST", "/predict", {"instances": [{"query": "lipstick"}]})]:
                _, headers, _ = srv.request(method, path, body)
                self.assertEqual(headers.get("X-Mlship-Image-Digest"), digest, path)

    def test_validation_error_names_the_field(self):
        status, _, body = self.srv.request("POST", "/predict", {"instances": [{"query": "lipstick", "k": 500}]})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["field"], "instances[0].k")
        self.assertEqual(body["error"]["code"], 400)

    def test_invalid_json(self):
        status, _, body = self.srv.request("POST", "/predict", "{instances: [")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["field"], "body")

    def test_body_too_large(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        try:
            # Announce a 1 MB body but do not send it: the server must answer without reading it.
            conn.putrequest("POST", "/predict")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(1024 * 1024))
            conn.endheaders()
            resp = conn.getresponse()
            body = json.loads(resp.read())
        finally:
            conn.close()
        self.assertEqual(resp.status, 413)
        self.assertEqual(resp.getheader("Connection"), "close")
        self.assertIn("exceeds the limit", body["error"]["message"])

    def test_length_required(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        try:
            conn.putrequest("POST", "/predict")
            conn.endheaders()
            resp = conn.getresponse()
            resp.read()
        finally:
            conn.close()
        self.assertEqual(resp.status, 411)

    def test_keep_alive_connection_serves_several_requests(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        try:
            for query in ("lipstick", "mascara", "shampoo"):
                conn.request("POST", "/predict", json.dumps({"instances": [query]}))
                resp = conn.getresponse()
                items = json.loads(resp.read())["predictions"][0]["items"]
                self.assertEqual(items[0]["category"], query)
        finally:
            conn.close()


class ServiceApiTest(unittest.TestCase):
    def setUp(self):
        self.srv = ServerThread(V2).__enter__()

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_recommendations(self):
        status, headers, body = self.srv.request("GET", "/v1/recommendations?q=matte+red+lipstick&k=3")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(body["query"], "matte red lipstick")
        self.assertEqual(body["model"], MODEL_INFO)
        self.assertEqual(len(body["items"]), 3)
        self.assertTrue(all("Matte" in i["title"] and "Red" in i["title"] for i in body["items"]))

    def test_recommendations_with_category(self):
        status, _, body = self.srv.request("GET", "/v1/recommendations?q=red&category=nail%20polish")
        self.assertEqual(status, 200)
        self.assertEqual({i["category"] for i in body["items"]}, {"nail polish"})

    def test_recommendations_errors(self):
        for path, field in (("/v1/recommendations", "q"), ("/v1/recommendations?q=x&k=abc", "k"),
                            ("/v1/recommendations?q=x&category=shoes", "category")):
            with self.subTest(path=path):
                status, _, body = self.srv.request("GET", path)
                self.assertEqual(status, 400)
                self.assertEqual(body["error"]["field"], field)

    def test_unknown_route(self):
        status, _, body = self.srv.request("GET", "/v2/whatever")
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["code"], 404)

    def test_wrong_method(self):
        status, headers, _ = self.srv.request("GET", "/predict")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "POST")
        status, _, _ = self.srv.request("POST", "/v1/recommendations", {"q": "x"})
        self.assertEqual(status, 405)

    def test_protocol_errors_are_json_and_logged(self):
        status, headers, body = self.srv.request("OPTIONS", "/predict")
        self.assertEqual((status, headers["Content-Type"], body["error"]["code"]), (501, "application/json", 501))
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=5) as sock:
            sock.sendall(b"GET /predict HTTP/1.x\r\n\r\n")
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 400 "))
        statuses = [e["httpRequest"]["status"] for e in self.srv.log_lines() if "httpRequest" in e]
        self.assertEqual(statuses, [501, 400])

    def test_health_endpoints(self):
        self.assertEqual(self.srv.request("GET", "/healthz")[:3:2], (200, {"status": "alive"}))
        self.assertEqual(self.srv.request("GET", "/readyz")[:3:2], (200, {"status": "ready", "model": MODEL_INFO}))
        self.assertEqual(self.srv.request("GET", "/health")[0], 200)

    def test_metrics(self):
        self.srv.request("GET", "/v1/recommendations?q=lipstick")
        self.srv.request("POST", "/predict", {"instances": ["a b", "mascara"]})
        self.srv.request("POST", "/predict", {"instances": []})
        self.srv.request("GET", "/nope?secret=1")
        status, headers, text = self.srv.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        lines = text.splitlines()
        for expected in (
            'reco_http_requests_total{code="200",route="/v1/recommendations"} 1',
            'reco_http_requests_total{code="200",route="/predict"} 1',
            'reco_http_requests_total{code="400",route="/predict"} 1',
            'reco_http_requests_total{code="404",route="unmatched"} 1',
            'reco_http_request_errors_total{route="/predict",status_class="4xx"} 1',
            'reco_http_request_duration_seconds_count{route="/predict"} 2',
            "reco_predictions_total 3",
            "reco_model_ready 1",
            'reco_model_info{name="reco-ranker",version="v2"} 1',
        ):
            self.assertIn(expected, lines)
        self.assertTrue(any(line.startswith('reco_http_request_duration_seconds_sum{route="/predict"} ')
                            for line in lines))

    def test_access_log_is_json_without_queries(self):
        self.srv.request("GET", "/v1/recommendations?q=secret+lipstick", headers={"User-Agent": "smoke/1"})
        self.srv.request("POST", "/predict", {"instances": ["private face wash"]})
        entries = [e for e in self.srv.log_lines() if "httpRequest" in e]
        self.assertEqual(len(entries), 2)
        first = entries[0]["httpRequest"]
        self.assertEqual((first["requestMethod"], first["requestUrl"], first["status"], first["userAgent"]),
                         ("GET", "/v1/recommendations", 200, "smoke/1"))
        self.assertRegex(first["latency"], r"^\d+\.\d{6}s$")
        self.assertEqual(entries[0]["severity"], "INFO")
        self.assertNotIn("secret", self.srv.out.getvalue())
        self.assertNotIn("private", self.srv.out.getvalue())


class ReadinessTest(unittest.TestCase):
    def test_not_ready_until_model_loaded(self):
        with ServerThread(model=None) as srv:
            self.assertEqual(srv.request("GET", "/healthz")[0], 200)
            self.assertEqual(srv.request("GET", "/readyz")[:3:2], (503, {"status": "loading"}))
            self.assertEqual(srv.request("GET", "/health")[0], 503)
            self.assertEqual(srv.request("POST", "/predict", {"instances": ["x"]})[0], 503)
            self.assertIn("reco_model_ready 0", srv.request("GET", "/metrics")[2].splitlines())
            srv.app.model = V2
            self.assertEqual(srv.request("GET", "/readyz")[0], 200)
            self.assertEqual(srv.request("POST", "/predict", {"instances": ["x y lipstick"]})[0], 200)

    def test_not_ready_while_draining(self):
        with ServerThread(V2) as srv:
            srv.app.draining = True
            status, _, body = srv.request("GET", "/readyz")
            self.assertEqual((status, body), (503, {"status": "draining"}))
            # In-flight and straggling requests are still answered, but connections are closed.
            status, headers, _ = srv.request("GET", "/v1/recommendations?q=lipstick")
            self.assertEqual((status, headers["Connection"]), (200, "close"))


class CustomRoutesTest(unittest.TestCase):
    def test_vertex_routes_from_config(self):
        with ServerThread(V2, predict_route="/v1/models/reco:predict", health_route="/ping") as srv:
            self.assertEqual(srv.request("POST", "/v1/models/reco:predict", {"instances": ["lipstick"]})[0], 200)
            self.assertEqual(srv.request("GET", "/ping")[0], 200)
            self.assertEqual(srv.request("POST", "/predict", {"instances": ["lipstick"]})[0], 404)
            self.assertEqual(srv.request("GET", "/healthz")[0], 200)


if __name__ == "__main__":
    unittest.main()
