import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tests.helpers import CATALOGUE, EVAL_QUERIES, MODELS, ROOT

TRAIN = os.path.join(ROOT, "training", "train.py")
VERSIONS = ("v1", "v2", "broken")


def read_dir(path):
    out = {}
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), "rb") as f:
            out[name] = f.read()
    return out


def metadata(version):
    with open(os.path.join(MODELS, version, "metadata.json")) as f:
        return json.load(f)


class CommittedOutputTest(unittest.TestCase):
    """training-output/ must be exactly what training/regenerate.sh produces from data/."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        env = dict(os.environ, OUT_ROOT=cls.tmp, PYTHON=sys.executable)
        subprocess.run(["sh", os.path.join(ROOT, "training", "regenerate.sh")], env=env, check=True,
                       stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_committed_models_equal_a_fresh_training_run(self):
        self.assertEqual(sorted(os.listdir(MODELS)), sorted(VERSIONS))
        for version in VERSIONS:
            with self.subTest(version=version):
                fresh = read_dir(os.path.join(self.tmp, version))
                committed = read_dir(os.path.join(MODELS, version))
                self.assertEqual(sorted(committed), sorted(fresh))
                for name in fresh:
                    self.assertEqual(committed[name], fresh[name],
                                     f"{version}/{name} is stale: run training/regenerate.sh")


class TrainTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def train(self, out, *args):
        subprocess.run([sys.executable, TRAIN, "--data", CATALOGUE, "--out", os.path.join(self.tmp, out), *args],
                       check=True, stdout=subprocess.DEVNULL)
        return read_dir(os.path.join(self.tmp, out))

    def test_byte_identical_for_identical_inputs(self):
        self.assertEqual(self.train("a", "--version", "v9"), self.train("b", "--version", "v9"))

    def test_timestamp_only_when_asked_for(self):
        meta = json.loads(self.train("t", "--version", "v9", "--created-at", "2024-05-01T12:00:00Z")["metadata.json"])
        self.assertEqual(meta["created_at"], "2024-05-01T12:00:00Z")
        self.assertNotIn("created_at", metadata("v2"))

    def test_bad_catalogue_is_rejected(self):
        bad = os.path.join(self.tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write("id,name\nP1,x\n")
        result = subprocess.run([sys.executable, TRAIN, "--data", bad, "--out", os.path.join(self.tmp, "o"),
                                 "--version", "v9"], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("expected columns", result.stderr)


class MetadataTest(unittest.TestCase):
    def test_records_training_data_checksum(self):
        with open(CATALOGUE, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        with open(EVAL_QUERIES, "rb") as f:
            eval_sha = hashlib.sha256(f.read()).hexdigest()
        for version in VERSIONS:
            with self.subTest(version=version):
                meta = metadata(version)
                self.assertEqual(meta["training_data"]["sha256"], sha)
                self.assertEqual(meta["eval_queries"]["sha256"], eval_sha)
                self.assertEqual(meta["name"], "reco-ranker")

    def test_v1_saw_an_older_catalogue_and_v2_all_of_it(self):
        self.assertEqual(metadata("v1")["training_data"]["rows_used"], 108)
        self.assertEqual(metadata("v2")["training_data"]["rows_used"], 120)

    def test_v2_metrics_beat_v1(self):
        v1, v2 = metadata("v1")["metrics"], metadata("v2")["metrics"]
        for name in ("precision_at_5", "hit_rate_at_1", "mrr_at_5"):
            with self.subTest(metric=name):
                self.assertGreater(v2[name], v1[name])

    def test_product_vectors_are_unit_length(self):
        with open(os.path.join(MODELS, "v2", "products.json")) as f:
            products = json.load(f)
        for p in products:
            norm = sum(w * w for _, w in p["vector"]) ** 0.5
            self.assertAlmostEqual(norm, 1.0, places=4, msg=p["id"])


class CatalogueTest(unittest.TestCase):
    def test_catalogue_is_well_formed(self):
        with open(CATALOGUE, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 120)
        self.assertEqual([r["id"] for r in rows], [f"P{i:04d}" for i in range(1, 121)])
        self.assertTrue(all(r["title"] and r["description"] and r["brand"] for r in rows))
        self.assertTrue(all(float(r["price"]) > 0 for r in rows))
        counts = {}
        for r in rows:
            counts[r["category"]] = counts.get(r["category"], 0) + 1
        self.assertEqual(len(counts), 14)
        self.assertGreaterEqual(min(counts.values()), 8)


if __name__ == "__main__":
    unittest.main()
