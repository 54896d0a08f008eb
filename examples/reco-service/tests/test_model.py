import json
import math
import os
import shutil
import tempfile
import unittest

from reco.model import MAX_K, ModelError, load_model
from tests.helpers import MODELS, committed_model


class LoadModelTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.dir = os.path.join(self.tmp, "v2")
        shutil.copytree(os.path.join(MODELS, "v2"), self.dir)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def assertLoadFails(self, fragment):
        with self.assertRaises(ModelError) as ctx:
            load_model(self.dir)
        self.assertIn(fragment, str(ctx.exception))

    def test_loads_a_committed_model(self):
        m = load_model(self.dir)
        self.assertEqual((m.name, m.version), ("reco-ranker", "v2"))
        self.assertEqual(len(m.products), 120)
        self.assertIn("lipstick", m.categories)

    def test_missing_directory(self):
        self.dir = os.path.join(self.tmp, "nope")
        self.assertLoadFails("does not exist")

    def test_missing_file(self):
        os.remove(os.path.join(self.dir, "products.json"))
        self.assertLoadFails("products.json: cannot read")

    def test_truncated_copy_is_caught_by_checksum(self):
        path = os.path.join(self.dir, "products.json")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        self.assertLoadFails("products.json: sha256 does not match")

    def test_metadata_must_be_json(self):
        with open(os.path.join(self.dir, "metadata.json"), "w") as f:
            f.write("{not json")
        self.assertLoadFails("metadata.json: invalid JSON")

    def test_unsupported_format(self):
        path = os.path.join(self.dir, "metadata.json")
        with open(path) as f:
            meta = json.load(f)
        meta["format"] = "reco-tfidf/99"
        with open(path, "w") as f:
            json.dump(meta, f)
        self.assertLoadFails("unsupported format")


class RecommendTest(unittest.TestCase):
    model = committed_model("v2")

    def test_returns_k_results_best_first(self):
        recs = self.model.recommend("moisturizer", k=7)
        self.assertEqual(len(recs), 7)
        scores = [r.score for r in recs]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertTrue(all(0 < s <= 1.0 + 1e-6 for s in scores))

    def test_category_filter(self):
        recs = self.model.recommend("red", k=10, category="nail polish")
        self.assertTrue(recs)
        self.assertEqual({r.product.category for r in recs}, {"nail polish"})

    def test_unknown_words_give_no_results(self):
        self.assertEqual(self.model.recommend("xylophone quantum"), [])
        self.assertEqual(self.model.recommend("the and of"), [])

    def test_only_products_sharing_a_term_are_returned(self):
        recs = self.model.recommend("dandruff", k=MAX_K)
        self.assertEqual([r.product.title for r in recs], ["Anti-Dandruff Shampoo"])

    def test_k_is_bounded(self):
        for k in (0, MAX_K + 1):
            with self.subTest(k=k), self.assertRaises(ValueError):
                self.model.recommend("lipstick", k=k)

    def test_query_vector_is_unit_length(self):
        vec = self.model.query_vector("Matte red lipstick, matte!")
        self.assertAlmostEqual(math.sqrt(sum(w * w for w in vec.values())), 1.0, places=9)

    def test_same_query_same_answer(self):
        a = [(r.product.id, r.score) for r in self.model.recommend("gentle cleanser", k=20)]
        b = [(r.product.id, r.score) for r in self.model.recommend("gentle cleanser", k=20)]
        self.assertEqual(a, b)

    def test_to_json_shape(self):
        item = self.model.recommend("lipstick", k=1)[0].to_json()
        self.assertEqual(set(item), {"id", "title", "category", "brand", "score"})
        self.assertRegex(item["id"], r"^P\d{4}$")


if __name__ == "__main__":
    unittest.main()
