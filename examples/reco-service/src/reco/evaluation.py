"""Offline ranking metrics over a labelled query set.

Labels are categories, not products: a result is relevant when its category is
one of the query's expected categories ("face wash" accepts face washes and
cleansers). That is coarse but cheap to label and catches the failures that
matter most, like a lipstick search returning face wash.
"""

import json


def load_queries(path):
    with open(path, encoding="utf-8") as f:
        queries = json.load(f)
    for i, q in enumerate(queries):
        if not isinstance(q.get("query"), str) or not q.get("expected"):
            raise ValueError(f"{path}: entry {i} needs 'query' and a non-empty 'expected' list")
    return queries


def evaluate(model, queries, k=5):
    """Mean precision@k, hit rate@1 and MRR@k of the model over the queries."""
    precision = hits = reciprocal_rank = 0.0
    for q in queries:
        expected = set(q["expected"])
        relevant = [r.product.category in expected for r in model.recommend(q["query"], k=k)]
        precision += sum(relevant) / k  # missing results count as misses
        hits += 1.0 if relevant[:1] == [True] else 0.0
        reciprocal_rank += next((1.0 / (i + 1) for i, ok in enumerate(relevant) if ok), 0.0)
    n = len(queries)
    return {
        f"precision_at_{k}": round(precision / n, 4),
        "hit_rate_at_1": round(hits / n, 4),
        f"mrr_at_{k}": round(reciprocal_rank / n, 4),
        "queries": n,
    }
