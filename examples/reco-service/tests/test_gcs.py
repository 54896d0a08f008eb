import base64
import hashlib
import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from reco.gcs import StorageError, fetch, parse


class FakeStorage:
    """The parts of the Cloud Storage JSON API the server uses (list with pages, media), and a metadata server."""

    def __init__(self, objects, page_size=2):
        self.objects = dict(objects)
        self.page_size = page_size
        self.requests = []
        self.corrupt = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.requests.append((self.path, dict(self.headers)))
                url = urlsplit(self.path)
                if url.path.endswith("/service-accounts/default/token"):
                    if self.headers.get("Metadata-Flavor") != "Google":
                        return self.answer(403, b"missing Metadata-Flavor")
                    return self.answer(200, json.dumps({"access_token": "tok", "expires_in": 3599}).encode())
                parts = url.path.split("/")  # /storage/v1/b/BUCKET/o[/NAME]
                if parts[1:4] != ["storage", "v1", "b"] or len(parts) < 6 or parts[5] != "o":
                    return self.answer(404, b"no such path")
                bucket = unquote(parts[4])
                query = parse_qs(url.query)
                if len(parts) == 6:
                    prefix = query.get("prefix", [""])[0]
                    names = sorted(n for (b, n) in fake.objects if b == bucket and n.startswith(prefix))
                    start = int(query.get("pageToken", ["0"])[0])
                    page = names[start:start + fake.page_size]
                    items = [{"name": n, "md5Hash": fake.md5(bucket, n), "size": str(len(fake.objects[(bucket, n)]))}
                             for n in page]
                    body = {"items": items} if items else {}
                    if start + fake.page_size < len(names):
                        body["nextPageToken"] = str(start + fake.page_size)
                    return self.answer(200, json.dumps(body).encode())
                name = unquote(parts[6])
                if query.get("alt") != ["media"] or (bucket, name) not in fake.objects:
                    return self.answer(404, b"no such object")
                data = fake.objects[(bucket, name)]
                return self.answer(200, data + b"!" if name in fake.corrupt else data)

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.host = f"127.0.0.1:{self.server.server_address[1]}"

    def md5(self, bucket, name):
        return base64.b64encode(hashlib.md5(self.objects[(bucket, name)]).digest()).decode()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class GcsTest(unittest.TestCase):
    OBJECTS = {
        ("ds-models", "reco/v2/model.json"): b'{"name": "reco"}',
        ("ds-models", "reco/v2/vectors/part-0.json"): b"[1, 2]",
        ("ds-models", "reco/v2/vectors/part-1.json"): b"[3, 4]",
        ("ds-models", "reco/v2/"): b"",
        ("ds-models", "reco/v20/other.json"): b"not this model",
    }

    def setUp(self):
        self.storage = FakeStorage(self.OBJECTS)
        self.addCleanup(self.storage.close)
        self.dest = tempfile.mkdtemp()

    def read(self, relative):
        with open(os.path.join(self.dest, relative), "rb") as f:
            return f.read()

    def test_emulator_every_page_no_credentials(self):
        fetch("gs://ds-models/reco/v2", self.dest, {"STORAGE_EMULATOR_HOST": self.storage.host})

        self.assertEqual(self.read("model.json"), b'{"name": "reco"}')
        self.assertEqual(self.read("vectors/part-1.json"), b"[3, 4]")
        self.assertFalse(os.path.exists(os.path.join(self.dest, "other.json")), "a sibling folder is not the model")
        lists = [p for (p, _) in self.storage.requests if "alt=media" not in p]
        self.assertEqual(len(lists), 2, "4 objects in pages of 2")
        self.assertTrue(all("Authorization" not in h for (_, h) in self.storage.requests))

    def test_production_takes_a_token_from_the_metadata_server(self):
        env = {"GCE_METADATA_HOST": self.storage.host}
        import reco.gcs as gcs
        original = gcs.API
        gcs.API = "http://" + self.storage.host  # the JSON API at the fake, as production reaches Google's
        self.addCleanup(setattr, gcs, "API", original)

        fetch("gs://ds-models/reco/v2/", self.dest, env)

        self.assertEqual(self.read("model.json"), b'{"name": "reco"}')
        storage_calls = [h for (p, h) in self.storage.requests if p.startswith("/storage/")]
        self.assertTrue(storage_calls and all(h.get("Authorization") == "Bearer tok" for h in storage_calls))

    def test_a_changed_object_is_refused(self):
        self.storage.corrupt.add("reco/v2/model.json")
        with self.assertRaises(StorageError) as ctx:
            fetch("gs://ds-models/reco/v2", self.dest, {"STORAGE_EMULATOR_HOST": self.storage.host})
        self.assertIn("md5 differs", str(ctx.exception))

    def test_nothing_there_and_bad_uris_say_so(self):
        with self.assertRaises(StorageError) as ctx:
            fetch("gs://ds-models/reco/v9", self.dest, {"STORAGE_EMULATOR_HOST": self.storage.host})
        self.assertIn("no objects under gs://ds-models/reco/v9", str(ctx.exception))
        with self.assertRaises(StorageError):
            parse("s3://bucket/model")
        self.assertEqual(parse("gs://b/a/b"), ("b", "a/b/"))

    def test_no_metadata_server_is_a_clear_error(self):
        with self.assertRaises(StorageError) as ctx:
            fetch("gs://ds-models/reco/v2", self.dest, {"GCE_METADATA_HOST": "127.0.0.1:9"})
        self.assertIn("no credentials for Cloud Storage", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
