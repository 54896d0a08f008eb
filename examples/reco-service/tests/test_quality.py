"""Ranking quality of the committed models, and proof that the broken one fails the same checks."""

import json
import os
import unittest

from reco.evaluation import evaluate, load_queries, ranking_metrics
from tests.helpers import EVAL_QUERIES, MODELS, committed_model


def metrics_file(version):
    """The metrics training wrote beside the model: what mlship blesses a release by (model.evaluation)."""
    with open(os.path.join(MODELS, version, "metrics.json")) as f:
        return json.load(f)

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

    def test_its_metrics_file_misses_the_blessing_thresholds(self):
        # mlship.yaml: ndcg@10 >= 0.8 and ndcg@10 >= prod - 0.03, recall@10 >= prod - 0.05
        broken, v2 = metrics_file("broken"), metrics_file("v2")
        self.assertLess(broken["ndcg@10"], 0.8)
        self.assertLess(broken["ndcg@10"], v2["ndcg@10"] - 0.03)
        self.assertLess(broken["recall@10"], v2["recall@10"] - 0.05)


class RankingMetricsTest(unittest.TestCase):
    def test_the_metrics_file_holds_what_the_model_scores_now(self):
        for version in ("v1", "v2", "broken"):
            with self.subTest(version=version):
                written = metrics_file(version)
                now = ranking_metrics(committed_model(version), load_queries(EVAL_QUERIES), k=10)
                self.assertEqual({k: written[k] for k in now}, now)

    def test_shipped_models_pass_the_thresholds_and_v2_beats_v1(self):
        v1, v2 = metrics_file("v1"), metrics_file("v2")
        self.assertGreaterEqual(v1["ndcg@10"], 0.8)
        self.assertGreaterEqual(v2["ndcg@10"], v1["ndcg@10"])
        self.assertGreaterEqual(v2["recall@10"], v1["recall@10"])
        # Going back to v1 while v2 holds prod stays within the margins.
        self.assertGreaterEqual(v1["ndcg@10"], v2["ndcg@10"] - 0.03)
        self.assertGreaterEqual(v1["recall@10"], v2["recall@10"] - 0.05)

    def test_a_perfect_ranking_scores_one_and_a_hopeless_one_zero(self):
        class Stub:
            def __init__(self, products, ranking):
                self.products, self.ranking = products, ranking

            def recommend(self, query, k=10):
                return self.ranking[:k]

        class P:
            def __init__(self, category):
                self.category = category

        class R:
            def __init__(self, category):
                self.product = P(category)

        products = [P("lipstick")] * 3 + [P("face wash")] * 3
        queries = [{"query": "lipstick", "expected": ["lipstick"]}]
        perfect = Stub(products, [R("lipstick")] * 3 + [R("face wash")] * 3)
        hopeless = Stub(products, [R("face wash")] * 3)
        self.assertEqual(ranking_metrics(perfect, queries), {"ndcg@10": 1.0, "recall@10": 1.0})
        self.assertEqual(ranking_metrics(hopeless, queries), {"ndcg@10": 0.0, "recall@10": 0.0})


if __name__ == "__main__":
    unittest.main()
