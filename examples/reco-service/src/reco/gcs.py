"""Reads a trained model's files from Cloud Storage with the standard library only.

Vertex AI tells a custom container where its model is with AIP_STORAGE_URI, a gs:// URI of a copy of the
artifacts. This image carries no Cloud Storage client, so it speaks the Cloud Storage JSON API itself: list the
objects under the prefix (page by page), download each (alt=media) and check it against the md5Hash the API
reports. Credentials come from the metadata server, as on any Google Cloud runtime. STORAGE_EMULATOR_HOST points
at a stand-in instead (no credentials), the way Google's client libraries honour it.
"""

import base64
import hashlib
import json
import os
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlparse
from urllib.request import Request, urlopen

API = "https://storage.googleapis.com"
METADATA_HOST = "metadata.google.internal"
TIMEOUT_SECONDS = 30


class StorageError(Exception):
    """The model's files could not be read from Cloud Storage."""


def parse(uri):
    """(bucket, prefix) of a gs:// URI; the prefix ends with '/' unless empty."""
    parsed = urlparse(uri)
    if parsed.scheme != "gs" or not parsed.netloc:
        raise StorageError(f"{uri!r} is not a gs://BUCKET/PATH URI")
    prefix = parsed.path.lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return parsed.netloc, prefix


def fetch(uri, dest, env=None):
    """Downloads every object under ``uri`` into the folder ``dest``; returns ``dest``."""
    env = os.environ if env is None else env
    bucket, prefix = parse(uri)
    emulator = (env.get("STORAGE_EMULATOR_HOST") or "").strip()
    base = (emulator if "://" in emulator else "http://" + emulator) if emulator else API
    headers = {} if emulator else {"Authorization": "Bearer " + _token(env)}
    names = 0
    for item in _list(base, bucket, prefix, headers):
        relative = item["name"][len(prefix):]
        if not relative or relative.endswith("/"):
            continue  # a folder placeholder
        target = os.path.normpath(os.path.join(dest, relative))
        if not target.startswith(os.path.abspath(dest) + os.sep):
            raise StorageError(f"object {item['name']!r} would land outside {dest!r}")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        url = f"{base}/storage/v1/b/{quote(bucket, safe='')}/o/{quote(item['name'], safe='')}?alt=media"
        body = _get(url, headers)
        if "md5Hash" in item and base64.b64encode(hashlib.md5(body).digest()).decode() != item["md5Hash"]:
            raise StorageError(f"gs://{bucket}/{item['name']} changed while it was read (md5 differs); try again")
        with open(target, "wb") as f:
            f.write(body)
        names += 1
    if names == 0:
        raise StorageError(f"no objects under {uri}")
    return dest


def _list(base, bucket, prefix, headers):
    token = None
    while True:
        query = {"prefix": prefix, "fields": "items(name,md5Hash,size),nextPageToken"}
        if token:
            query["pageToken"] = token
        page = json.loads(_get(f"{base}/storage/v1/b/{quote(bucket, safe='')}/o?{urlencode(query)}", headers))
        yield from page.get("items", [])
        token = page.get("nextPageToken")
        if not token:
            return


def _token(env):
    host = (env.get("GCE_METADATA_HOST") or "").strip() or METADATA_HOST
    url = f"http://{host}/computeMetadata/v1/instance/service-accounts/default/token"
    try:
        return json.loads(_get(url, {"Metadata-Flavor": "Google"}))["access_token"]
    except (StorageError, KeyError, ValueError) as e:
        raise StorageError(f"no credentials for Cloud Storage from the metadata server at {host}: {e}") from None


def _get(url, headers):
    try:
        with urlopen(Request(url, headers=headers), timeout=TIMEOUT_SECONDS) as r:
            return r.read()
    except HTTPError as e:
        raise StorageError(f"GET {url} answered {e.code}: {e.read()[:200].decode(errors='replace')}") from None
    except (URLError, OSError) as e:
        raise StorageError(f"GET {url} failed: {getattr(e, 'reason', e)}") from None
