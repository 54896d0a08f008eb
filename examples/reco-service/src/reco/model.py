"""Load a trained reco-ranker model directory and rank products for a query.

A model directory (as training leaves it in Cloud Storage) holds:

    metadata.json    name, version, format, metrics, params, sha256 of the other files
    vocabulary.json  {"term": index}
    idf.json         [idf of term 0, idf of term 1, ...]
    products.json    [{"id", "title", "description", "category", "brand", "price",
                       "vector": [[term index, weight], ...]}, ...]

Product vectors are L2-normalised TF-IDF, so the score of a product is the
cosine similarity between it and the (normalised) query.
"""

import hashlib
import heapq
import json
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass

from reco.text import tokenize

FORMAT = "reco-tfidf/1"
ARTIFACT_FILES = ("idf.json", "products.json", "vocabulary.json")
MAX_K = 50


class ModelError(Exception):
    """The model directory is missing, incomplete or inconsistent."""


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    description: str
    category: str
    brand: str
    price: float


@dataclass(frozen=True)
class Recommendation:
    product: Product
    score: float

    def to_json(self):
        p = self.product
        return {
            "id": p.id,
            "title": p.title,
            "category": p.category,
            "brand": p.brand,
            "score": round(self.score, 4),
        }


class Model:
    """An immutable, thread-safe ranker built from the artifacts of one model version."""

    def __init__(self, metadata, vocabulary, idf, products):
        _check_artifacts(metadata, vocabulary, idf, products)
        self.metadata = metadata
        self.name = metadata["name"]
        self.version = metadata["version"]
        self._vocabulary = vocabulary
        self._idf = idf
        self.products = tuple(
            Product(p["id"], p["title"], p["description"], p["category"], p["brand"], p["price"])
            for p in products
        )
        self.categories = frozenset(p.category for p in self.products)
        # Inverted index: term -> [(product position, weight)]. A query touches
        # only the postings of its own terms instead of every product.
        postings = defaultdict(list)
        for pos, p in enumerate(products):
            for term, weight in p["vector"]:
                postings[term].append((pos, weight))
        self._postings = dict(postings)

    def query_vector(self, text):
        """Sublinear-tf x idf vector of the query, L2-normalised; unknown terms are dropped."""
        counts = Counter(t for t in tokenize(text) if t in self._vocabulary)
        vec = {}
        for term, n in counts.items():
            index = self._vocabulary[term]
            vec[index] = (1.0 + math.log(n)) * self._idf[index]
        norm = math.sqrt(sum(w * w for w in vec.values()))
        return {i: w / norm for i, w in vec.items()} if norm else {}

    def recommend(self, query, k=10, category=None):
        """Top-k products by cosine similarity, best first; ties broken by product id.

        Products that share no term with the query are never returned, so an
        unknown query gives an empty list rather than arbitrary products.
        """
        if not 1 <= k <= MAX_K:
            raise ValueError(f"k must be between 1 and {MAX_K}")
        scores = defaultdict(float)
        for index, qw in self.query_vector(query).items():
            for pos, pw in self._postings.get(index, ()):
                scores[pos] += qw * pw
        candidates = (
            (score, pos) for pos, score in scores.items()
            if score > 0 and (category is None or self.products[pos].category == category)
        )
        best = heapq.nsmallest(k, candidates, key=lambda c: (-c[0], self.products[c[1]].id))
        return [Recommendation(self.products[pos], score) for score, pos in best]


def load_model(model_dir):
    """Read and verify a model directory; raises ModelError with a readable reason."""
    if not os.path.isdir(model_dir):
        raise ModelError(f"model directory {model_dir!r} does not exist or is not a directory")
    metadata = _read_json(model_dir, "metadata.json")
    if not isinstance(metadata, dict):
        raise ModelError("metadata.json: expected a JSON object")
    checksums = metadata.get("files")
    if not isinstance(checksums, dict):
        raise ModelError("metadata.json: missing 'files' checksums")
    artifacts = {}
    for name in ARTIFACT_FILES:
        data = _read_bytes(model_dir, name)
        # A half-finished copy from the bucket must not be served.
        if hashlib.sha256(data).hexdigest() != checksums.get(name):
            raise ModelError(f"{name}: sha256 does not match metadata.json (corrupt or partial copy?)")
        try:
            artifacts[name] = json.loads(data)
        except ValueError as e:
            raise ModelError(f"{name}: invalid JSON ({e})") from None
    return Model(metadata, artifacts["vocabulary.json"], artifacts["idf.json"], artifacts["products.json"])


def _read_bytes(model_dir, name):
    try:
        with open(os.path.join(model_dir, name), "rb") as f:
            return f.read()
    except OSError as e:
        raise ModelError(f"{name}: cannot read ({e.strerror})") from None


def _read_json(model_dir, name):
    try:
        return json.loads(_read_bytes(model_dir, name))
    except ValueError as e:
        raise ModelError(f"{name}: invalid JSON ({e})") from None


def _check_artifacts(metadata, vocabulary, idf, products):
    if metadata.get("format") != FORMAT:
        raise ModelError(f"metadata.json: unsupported format {metadata.get('format')!r}, expected {FORMAT!r}")
    for key in ("name", "version"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise ModelError(f"metadata.json: missing {key!r}")
    if not isinstance(vocabulary, dict) or not isinstance(idf, list) or len(vocabulary) != len(idf):
        raise ModelError("vocabulary.json and idf.json disagree on the number of terms")
    if sorted(vocabulary.values()) != list(range(len(idf))):
        raise ModelError("vocabulary.json: term indices must be 0..n-1")
    if not isinstance(products, list) or not products:
        raise ModelError("products.json: expected a non-empty list")
    seen = set()
    for i, p in enumerate(products):
        missing = {"id", "title", "description", "category", "brand", "price", "vector"} - set(p)
        if missing:
            raise ModelError(f"products.json[{i}]: missing {sorted(missing)}")
        if p["id"] in seen:
            raise ModelError(f"products.json[{i}]: duplicate id {p['id']!r}")
        seen.add(p["id"])
        if any(not 0 <= term < len(idf) for term, _ in p["vector"]):
            raise ModelError(f"products.json[{i}]: vector refers to an unknown term")
