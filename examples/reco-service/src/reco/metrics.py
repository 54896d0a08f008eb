"""Request counters exposed on /metrics in the Prometheus text format."""

import threading
from collections import defaultdict


def _labels(**labels):
    def esc(v):
        return str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in sorted(labels.items())) + "}"


class Metrics:
    """Thread-safe counters keyed by route (a fixed set, never the raw path: bounded cardinality)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests = defaultdict(int)    # (route, code) -> count
        self._errors = defaultdict(int)      # (route, "4xx"/"5xx") -> count
        self._latency = defaultdict(float)   # route -> seconds
        self._observed = defaultdict(int)    # route -> count
        self._predictions = 0

    def observe(self, route, code, seconds):
        with self._lock:
            self._requests[(route, code)] += 1
            if code >= 400:
                self._errors[(route, f"{code // 100}xx")] += 1
            self._latency[route] += seconds
            self._observed[route] += 1

    def count_predictions(self, n):
        with self._lock:
            self._predictions += n

    def render(self, model=None, ready=False):
        with self._lock:
            lines = [
                "# HELP reco_http_requests_total HTTP requests handled, by route and status code.",
                "# TYPE reco_http_requests_total counter",
            ]
            lines += [f"reco_http_requests_total{_labels(route=r, code=c)} {n}"
                      for (r, c), n in sorted(self._requests.items())]
            lines += [
                "# HELP reco_http_request_errors_total HTTP requests answered with a 4xx or 5xx status.",
                "# TYPE reco_http_request_errors_total counter",
            ]
            lines += [f"reco_http_request_errors_total{_labels(route=r, status_class=s)} {n}"
                      for (r, s), n in sorted(self._errors.items())]
            lines += [
                "# HELP reco_http_request_duration_seconds Time spent handling requests.",
                "# TYPE reco_http_request_duration_seconds summary",
            ]
            for r in sorted(self._observed):
                lines.append(f"reco_http_request_duration_seconds_sum{_labels(route=r)} {self._latency[r]:.6f}")
                lines.append(f"reco_http_request_duration_seconds_count{_labels(route=r)} {self._observed[r]}")
            lines += [
                "# HELP reco_predictions_total Queries ranked (one per predict instance or recommendations call).",
                "# TYPE reco_predictions_total counter",
                f"reco_predictions_total {self._predictions}",
            ]
        lines += [
            "# HELP reco_model_ready Whether a model is loaded and the server accepts traffic.",
            "# TYPE reco_model_ready gauge",
            f"reco_model_ready {1 if ready else 0}",
        ]
        if model is not None:
            lines += [
                "# HELP reco_model_info The model being served.",
                "# TYPE reco_model_info gauge",
                f"reco_model_info{_labels(name=model.name, version=model.version)} 1",
            ]
        return "\n".join(lines) + "\n"
