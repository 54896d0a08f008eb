import os
import unittest
from unittest import mock

from reco.config import DEFAULT_PORT, Config, ConfigError


class ConfigFromEnvTest(unittest.TestCase):
    def test_defaults(self):
        c = Config.from_env({})
        self.assertEqual((c.port, c.predict_route, c.health_route, c.model_dir),
                         (DEFAULT_PORT, "/predict", "/health", "model"))

    def test_image_digest_from_the_pod(self):
        self.assertEqual(Config.from_env({}).image_digest, "")
        self.assertEqual(Config.from_env({"MLSHIP_IMAGE_DIGEST": " sha256:ab "}).image_digest, "sha256:ab")

    def test_vertex_variables(self):
        c = Config.from_env({"AIP_HTTP_PORT": "7080", "AIP_PREDICT_ROUTE": "/v1/endpoints/1/deployedModels/2:predict",
                             "AIP_HEALTH_ROUTE": "/v1/endpoints/1/deployedModels/2", "AIP_STORAGE_URI": "/mnt/model"})
        self.assertEqual(c.port, 7080)
        self.assertEqual(c.predict_route, "/v1/endpoints/1/deployedModels/2:predict")
        self.assertEqual(c.health_route, "/v1/endpoints/1/deployedModels/2")
        self.assertEqual(c.model_dir, "/mnt/model")

    def test_aip_port_wins_over_port(self):
        self.assertEqual(Config.from_env({"AIP_HTTP_PORT": "7080", "PORT": "9000"}).port, 7080)
        self.assertEqual(Config.from_env({"PORT": "9000"}).port, 9000)
        self.assertEqual(Config.from_env({"AIP_HTTP_PORT": "", "PORT": "9000"}).port, 9000)

    def test_storage_uri_wins_over_model_dir(self):
        self.assertEqual(Config.from_env({"AIP_STORAGE_URI": "/a", "MODEL_DIR": "/b"}).model_dir, "/a")
        self.assertEqual(Config.from_env({"MODEL_DIR": "/b"}).model_dir, "/b")

    def test_file_uri(self):
        self.assertEqual(Config.from_env({"AIP_STORAGE_URI": "file:///models/reco%20v2"}).model_dir, "/models/reco v2")
        self.assertEqual(Config.from_env({"AIP_STORAGE_URI": "file://localhost/models/v2"}).model_dir, "/models/v2")

    def test_gcs_uri_is_kept_for_the_server_to_download(self):
        # Vertex AI sets AIP_STORAGE_URI to a gs:// copy of the artifacts.
        self.assertEqual(Config.from_env({"AIP_STORAGE_URI": "gs://ds-models/reco-ranker/v2"}).model_dir,
                         "gs://ds-models/reco-ranker/v2")
        with self.assertRaises(ConfigError) as ctx:
            Config.from_env({"AIP_STORAGE_URI": "gs:///no-bucket"})
        self.assertIn("names no bucket", str(ctx.exception))

    def test_invalid_values(self):
        for env in ({"AIP_HTTP_PORT": "http"}, {"PORT": "70000"}, {"AIP_PREDICT_ROUTE": "predict"},
                    {"AIP_STORAGE_URI": "s3://bucket/model"}, {"AIP_STORAGE_URI": "file://otherhost/model"}):
            with self.subTest(env=env), self.assertRaises(ConfigError):
                Config.from_env(env)

    def test_reads_os_environ_by_default(self):
        with mock.patch.dict(os.environ, {"MODEL_DIR": "/from/environ"}, clear=True):
            self.assertEqual(Config.from_env().model_dir, "/from/environ")

if __name__ == "__main__":
    unittest.main()
