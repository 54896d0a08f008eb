"""Request parsing and validation, kept apart from HTTP plumbing so it is easy to test.

Two request shapes reach the same ranker:
  * Vertex AI predict:  {"instances": ["lipstick", {"query": "...", "k": 5, "category": "..."}],
                         "parameters": {"k": 5, "category": "..."}}
  * Service API:        GET /v1/recommendations?q=lipstick&k=5&category=lipstick
"""

from dataclasses import dataclass

from reco.model import MAX_K

DEFAULT_K = 10
MAX_INSTANCES = 64
MAX_QUERY_CHARS = 500


class RequestError(Exception):
    """A client error: HTTP 400 naming the offending field."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Query:
    text: str
    k: int = DEFAULT_K
    category: str = None


def parse_predict(body, categories):
    """Validate a decoded Vertex AI predict body into a list of Query."""
    if not isinstance(body, dict):
        raise RequestError("body", "must be a JSON object with 'instances'")
    params = body.get("parameters", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise RequestError("parameters", "must be an object")
    unknown = set(params) - {"k", "category"}
    if unknown:
        raise RequestError(f"parameters.{sorted(unknown)[0]}", "unknown parameter (allowed: k, category)")
    default_k = _k("parameters.k", params.get("k", DEFAULT_K))
    default_category = _category("parameters.category", params.get("category"), categories)

    instances = body.get("instances")
    if not isinstance(instances, list) or not instances:
        raise RequestError("instances", "must be a non-empty list")
    if len(instances) > MAX_INSTANCES:
        raise RequestError("instances", f"at most {MAX_INSTANCES} instances per request")
    queries = []
    for i, inst in enumerate(instances):
        field = f"instances[{i}]"
        if isinstance(inst, str):
            inst = {"query": inst}
        if not isinstance(inst, dict):
            raise RequestError(field, "must be a string or an object with 'query'")
        unknown = set(inst) - {"query", "k", "category"}
        if unknown:
            raise RequestError(f"{field}.{sorted(unknown)[0]}", "unknown field (allowed: query, k, category)")
        queries.append(Query(
            text=_text(f"{field}.query", inst.get("query")),
            k=_k(f"{field}.k", inst["k"]) if "k" in inst else default_k,
            category=_category(f"{field}.category", inst["category"], categories)
            if "category" in inst else default_category,
        ))
    return queries


def parse_recommendations(params, categories):
    """Validate the query string of GET /v1/recommendations (params: name -> list of values)."""
    def single(name):
        values = params.get(name)
        if values is None:
            return None
        if len(values) > 1:
            raise RequestError(name, "given more than once")
        return values[0]

    k = single("k")
    if k is not None:
        if not k.isdigit():
            raise RequestError("k", "must be an integer")
        k = int(k)
    return Query(
        text=_text("q", single("q")),
        k=_k("k", DEFAULT_K if k is None else k),
        category=_category("category", single("category"), categories),
    )


def _text(field, value):
    if not isinstance(value, str) or not value.strip():
        raise RequestError(field, "is required and must be a non-empty string")
    if len(value) > MAX_QUERY_CHARS:
        raise RequestError(field, f"must be at most {MAX_QUERY_CHARS} characters")
    return value


def _k(field, value):
    # bool is an int subclass in Python; {"k": true} is a client bug, not k=1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(field, "must be an integer")
    if not 1 <= value <= MAX_K:
        raise RequestError(field, f"must be between 1 and {MAX_K}")
    return value


def _category(field, value, categories):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RequestError(field, "must be a string")
    normalised = value.strip().lower()
    if normalised not in categories:
        raise RequestError(field, f"unknown category {value!r} (known: {', '.join(sorted(categories))})")
    return normalised
