"""Ranking quality of the committed models, and proof that the broken one fails the same checks."""

import unittest

from reco.evaluation import evaluate, load_queries
from tests.helpers import EVAL_QUERIES, committed_model

FACE_WASHES = {"face wash", "cleanser"}


class QualityChecks:
    """Checks any model we ship must pass; mixed into one TestCase per model version."""

    model = None

    def categories(self, query, k=5):
        return [r.product.category for r in self.model.recommend(query, k=k)]

    def test_lipstick_top5_are_lipsticks(self):
        self.assertEqual(self.categories("lipstick"), ["lipstick"] * 5)

    def test_lipstick_never_returns_face_wash(self):
        self.assertNotIn("face wash", self.categories("lipstick", k=50))

    def test_face_wash_top5_are_face_washes_or_cleansers(self):
        cats = self.categories("face wash")
        self.assertEqual(len(cats), 5)
        self.assertLessEqual(set(cats), FACE_WASHES)

    def test_gentle_face_wash_for_sensitive_skin(self):
        cats = self.categories("gentle face wash for sensitive skin")
        self.assertEqual(len(cats), 5)
        self.assertLessEqual(set(cats), FACE_WASHES)

    def test_matte_red_lipsticks_rank_first(self):
        top = self.model.recommend("matte red lipstick", k=3)
        for r in top:
            with self.subTest(product=r.product.title):
                self.assertEqual(r.product.category, "lipstick")
                self.assertIn("matte", r.product.title.lower())
                self.assertIn("red", r.product.title.lower())

    def test_offline_precision_at_5(self):
        self.assertGreaterEqual(evaluate(self.model, load_queries(EVAL_QUERIES))["precision_at_5"], 0.9)


class V2QualityTest(QualityChecks, unittest.TestCase):
    model = committed_model("v2")


class V1QualityTest(QualityChecks, unittest.TestCase):
    model = committed_model("v1")


class BrokenModelTest(unittest.TestCase):
    def test_every_quality_check_fails(self):
        class Probe(QualityChecks, unittest.TestCase):  # local: not collected as a test case
            model = committed_model("broken")

        probe = Probe()
        checks = [name for name in dir(QualityChecks) if name.startswith("test_")]
        self.assertGreaterEqual(len(checks), 6)
        for name in checks:
            with self.subTest(check=name), self.assertRaises(AssertionError):
                getattr(probe, name)()

    def test_lipstick_returns_face_wash(self):
        top = committed_model("broken").recommend("lipstick", k=5)
        self.assertEqual({r.product.category for r in top}, {"face wash"})

    def test_its_own_metrics_say_so(self):
        metrics = committed_model("broken").metadata["metrics"]
        self.assertLess(metrics["precision_at_5"], 0.5)
        self.assertLess(metrics["hit_rate_at_1"], 0.5)


if __name__ == "__main__":
    unittest.main()
