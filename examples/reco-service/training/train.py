#!/usr/bin/env python3
"""Train the reco-ranker model (TF-IDF over the product catalogue).

    python3 training/train.py --data data/catalogue.csv --out training-output/reco-ranker/v2 --version v2

Output is byte-identical for identical inputs and arguments (sorted keys, fixed
rounding, no timestamp unless --created-at is given), so a model directory can
be checked against its source data and regenerated exactly.
"""

import argparse
import csv
import hashlib
import io
import json
import math
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "src"))  # train with the serving code's tokeniser

from reco.evaluation import evaluate, load_queries, ranking_metrics  # noqa: E402
from reco.model import ARTIFACT_FILES, FORMAT, Model  # noqa: E402
from reco.text import tokenize  # noqa: E402

MODEL_NAME = "reco-ranker"
COLUMNS = ("id", "title", "description", "category", "brand", "price")
# A word in the title says more about a product than one in the marketing copy.
FIELD_WEIGHTS = {"title": 2.0, "category": 2.0, "brand": 1.0, "description": 0.5}
DIGITS = 6  # rounding of stored floats: keeps files stable across platforms


def read_catalogue(path):
    """Rows of the catalogue CSV plus the sha256 of the file as read."""
    with open(path, "rb") as f:
        raw = f.read()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    if not rows or tuple(rows[0].keys()) != COLUMNS:
        raise SystemExit(f"{path}: expected columns {','.join(COLUMNS)}")
    seen = set()
    for line, row in enumerate(rows, start=2):
        if not row["id"] or not row["title"] or not row["category"]:
            raise SystemExit(f"{path}:{line}: id, title and category are required")
        if row["id"] in seen:
            raise SystemExit(f"{path}:{line}: duplicate id {row['id']}")
        seen.add(row["id"])
    return rows, hashlib.sha256(raw).hexdigest()


def term_weights(row):
    """Field-weighted sublinear term frequency: sum over fields of weight * (1 + ln count)."""
    tf = Counter()
    for field, weight in FIELD_WEIGHTS.items():
        for term, n in Counter(tokenize(row[field])).items():
            tf[term] += weight * (1.0 + math.log(n))
    return tf


def build_artifacts(rows):
    """Vocabulary, smoothed idf and L2-normalised sublinear TF-IDF product vectors."""
    docs = [term_weights(row) for row in rows]
    df = Counter(term for doc in docs for term in doc)
    terms = sorted(df)
    vocabulary = {term: i for i, term in enumerate(terms)}
    n = len(rows)
    idf = [round(math.log((1 + n) / (1 + df[t])) + 1.0, DIGITS) for t in terms]
    products = []
    for row, doc in zip(rows, docs):
        vec = {vocabulary[t]: tf * idf[vocabulary[t]] for t, tf in doc.items()}
        norm = math.sqrt(sum(w * w for w in vec.values()))
        products.append({
            "id": row["id"],
            "title": row["title"],
            "description": row["description"],
            "category": row["category"],
            "brand": row["brand"],
            "price": round(float(row["price"]), 2),
            "vector": [[i, round(w / norm, DIGITS)] for i, w in sorted(vec.items())],
        })
    return vocabulary, idf, products


def misalign(products):
    """Deliberately broken model for gate tests: records shifted against their vectors.

    This is the classic "joined on row order after a sort" bug. Products are
    ordered by category and every vector is given the record a fixed distance
    further on; the distance is that from the lipstick block to the face wash
    block, so a lipstick search returns face washes.
    """
    order = sorted(range(len(products)), key=lambda i: (products[i]["category"], products[i]["id"]))
    categories = [products[i]["category"] for i in order]
    shift = categories.index("face wash") - categories.index("lipstick")
    broken = [dict(p) for p in products]
    for j, i in enumerate(order):
        broken[order[(j + shift) % len(order)]]["vector"] = products[i]["vector"]
    return broken


def dump_json(obj):
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def dump_products(products):
    # One product per line: readable diffs between model versions, still plain JSON.
    lines = [json.dumps(p, sort_keys=True, ensure_ascii=False) for p in products]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def train(data, version, eval_path, limit=None, broken=False, created_at=None):
    """Build a model; returns {file name: bytes} for the model directory."""
    rows, data_sha = read_catalogue(data)
    # Rows are in id order, i.e. the order products were added: the first N rows
    # are the catalogue as an older export had it.
    used = rows[:limit] if limit else rows
    vocabulary, idf, products = build_artifacts(used)
    if broken:
        products = misalign(products)
    with open(eval_path, "rb") as f:
        eval_sha = hashlib.sha256(f.read()).hexdigest()

    metadata = {
        "name": MODEL_NAME,
        "version": version,
        "format": FORMAT,
        "params": {
            "field_weights": FIELD_WEIGHTS,
            "tf": "sum of field weight * (1 + ln count)",
            "idf": "ln((1 + n) / (1 + df)) + 1",
            "limit": limit,
            "broken": broken,
        },
        "training_data": {
            "file": os.path.basename(data),
            "sha256": data_sha,
            "rows": len(rows),
            "rows_used": len(used),
        },
        "eval_queries": {"file": os.path.basename(eval_path), "sha256": eval_sha},
        "vocabulary_size": len(vocabulary),
    }
    if created_at:
        metadata["created_at"] = created_at
    # Evaluate the exact (rounded) artifacts that will be written, through the serving code.
    model = Model(metadata, vocabulary, idf, products)
    queries = load_queries(eval_path)
    metadata["metrics"] = evaluate(model, queries, k=5)
    # What a release is blessed by (model.evaluation in mlship.yaml): the ranking metrics beside the model.
    metrics = dict(metadata["metrics"], **ranking_metrics(model, queries, k=10))

    files = {
        "vocabulary.json": dump_json(vocabulary),
        "idf.json": dump_json(idf),
        "products.json": dump_products(products),
    }
    metadata["files"] = {name: hashlib.sha256(files[name]).hexdigest() for name in ARTIFACT_FILES}
    files["metadata.json"] = dump_json(metadata)
    files["metrics.json"] = dump_json(metrics)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="catalogue CSV (id,title,description,category,brand,price)")
    parser.add_argument("--out", required=True, help="model directory to write")
    parser.add_argument("--version", required=True, help="model version label, e.g. v2")
    parser.add_argument("--eval", default=os.path.join(HERE, "eval_queries.json"), help="labelled queries")
    parser.add_argument("--limit", type=int, help="train on the first N catalogue rows only")
    parser.add_argument("--created-at", help="timestamp to record in metadata (omitted by default)")
    parser.add_argument("--broken", action="store_true", help="write a deliberately broken model (for gate tests)")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    files = train(args.data, args.version, args.eval, args.limit, args.broken, args.created_at)
    os.makedirs(args.out, exist_ok=True)
    # metadata.json last: it carries the checksums, so it marks a complete directory.
    for name in sorted(files, key=lambda n: n == "metadata.json"):
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(files[name])
    meta = json.loads(files["metadata.json"])
    m = json.loads(files["metrics.json"])
    print(f"{MODEL_NAME} {args.version}: {meta['training_data']['rows_used']} products, "
          f"{meta['vocabulary_size']} terms, precision@5={m['precision_at_5']} "
          f"hit@1={m['hit_rate_at_1']} mrr@5={m['mrr_at_5']} ndcg@10={m['ndcg@10']} "
          f"recall@10={m['recall@10']} -> {args.out}")


if __name__ == "__main__":
    main()
