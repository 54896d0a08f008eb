"""Offline ranking metrics over a labelled query set.

Labels are categories, not products: a result is relevant when its category is
one of the query's expected categories ("face wash" accepts face washes and
cleansers). That is coarse but cheap to label and catches the failures that
matter most, like a lipstick search returning face wash.
"""

import json
import math


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


def ranking_metrics(model, queries, k=10):
    """NDCG@k and recall@k of the model over the queries, for blessing a release.

    Relevance is binary (the product's category is expected). Recall counts the
    relevant products the top k found out of those the catalogue has, capped at
    k so a query with many relevant products can still reach 1.0; the ideal DCG
    puts that many relevant products first.
    """
    ndcg = recall = 0.0
    for q in queries:
        expected = set(q["expected"])
        relevant_total = sum(1 for p in model.products if p.category in expected)
        found = [r.product.category in expected for r in model.recommend(q["query"], k=k)]
        dcg = sum(1.0 / math.log2(i + 2) for i, ok in enumerate(found) if ok)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(relevant_total, k)))
        ndcg += dcg / ideal if ideal else 0.0
        recall += sum(found) / min(relevant_total, k) if relevant_total else 0.0
    n = len(queries)
    return {f"ndcg@{k}": round(ndcg / n, 4), f"recall@{k}": round(recall / n, 4)}
