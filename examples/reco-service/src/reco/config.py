"""Server settings from the environment.

Vertex AI custom containers are told where to listen and what to serve through
AIP_* variables; on GKE we set PORT and MODEL_DIR ourselves. AIP_* wins so the
same image runs unchanged on both. The model is a local folder, or the gs:// URI
Vertex AI gives in AIP_STORAGE_URI (downloaded when the server starts).
"""

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

DEFAULT_PORT = 8080
DEFAULT_MODEL_DIR = "model"
MAX_BODY_BYTES = 64 * 1024


class ConfigError(Exception):
    """The environment does not describe a runnable server."""


@dataclass(frozen=True)
class Config:
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    predict_route: str = "/predict"
    health_route: str = "/health"
    model_dir: str = DEFAULT_MODEL_DIR
    max_body_bytes: int = MAX_BODY_BYTES
    image_digest: str = ""  # MLSHIP_IMAGE_DIGEST: echoed on every answer, so a gate knows which version answered

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env

        def get(name):  # an empty variable counts as unset
            return (env.get(name) or "").strip()

        port_var = "AIP_HTTP_PORT" if get("AIP_HTTP_PORT") else "PORT"
        return cls(
            host=get("HOST") or "0.0.0.0",
            port=_port(port_var, get(port_var)),
            predict_route=_route("AIP_PREDICT_ROUTE", get("AIP_PREDICT_ROUTE") or "/predict"),
            health_route=_route("AIP_HEALTH_ROUTE", get("AIP_HEALTH_ROUTE") or "/health"),
            model_dir=_model_dir(get("AIP_STORAGE_URI"), get("MODEL_DIR")),
            image_digest=get("MLSHIP_IMAGE_DIGEST"),
        )


def _port(name, value):
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or int(value) > 65535:
        raise ConfigError(f"{name}={value!r} is not a valid port number")
    return int(value)


def _route(name, value):
    if not value.startswith("/") or "?" in value or " " in value:
        raise ConfigError(f"{name}={value!r} must be a path starting with '/'")
    return value


def _model_dir(storage_uri, model_dir):
    if not storage_uri:
        return model_dir or DEFAULT_MODEL_DIR
    parsed = urlparse(storage_uri)
    if parsed.scheme == "gs":
        # What Vertex AI sets: the server downloads the model from there when it starts (reco.gcs).
        if not parsed.netloc:
            raise ConfigError(f"AIP_STORAGE_URI={storage_uri!r} names no bucket: write gs://BUCKET/PATH")
        return storage_uri
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ConfigError(f"AIP_STORAGE_URI={storage_uri!r}: file:// URIs must not name a remote host")
        return unquote(parsed.path)
    if parsed.scheme and len(parsed.scheme) > 1:  # one letter would be a Windows drive
        raise ConfigError(f"AIP_STORAGE_URI={storage_uri!r}: unsupported scheme {parsed.scheme!r}")
    return storage_uri
