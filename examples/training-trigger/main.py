"""Starts the promotion build when training has written a model to Cloud Storage.

A Cloud Function on the bucket's object-finalize event. Training writes the model's files under
MODEL_PREFIX and, last, a marker object (``_SUCCESS`` by default) in the same folder. When the marker
lands, this function asks Jenkins for one build of the promotion job with the folder as the
MODEL_ARTIFACTS parameter, so nobody copies paths by hand:

    POST {JENKINS_URL}/job/<job>/buildWithParameters
         token=<job token>&MODEL_ARTIFACTS=gs://<bucket>/<folder>/&cause=…

Settings come from the environment (secrets mounted from Secret Manager):
    JENKINS_URL          e.g. https://jenkins.example.com
    JENKINS_JOB          the job's path, folders separated by '/', e.g. ds/reco-service-promotion
    JENKINS_JOB_TOKEN    the job's "Trigger builds remotely" token
    JENKINS_USER         a Jenkins user allowed to build the job ...
    JENKINS_API_TOKEN    ... and its API token (Basic auth; API tokens need no CSRF crumb)
    MODEL_PREFIX         only folders under this prefix count, e.g. reco-ranker/
    MARKER               the marker's file name (default _SUCCESS)
    PARAMETER            the build parameter to fill (default MODEL_ARTIFACTS)
    TIMEOUT_SECONDS      longest wait for Jenkins (default 10)

Standard library only, so the function deploys with an empty requirements.txt.
"""

import base64
import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request

LOG = logging.getLogger("training-trigger")


class TriggerError(Exception):
    """Jenkins did not accept the build; the event is retried when the function is deployed with --retry."""


def settings(environ=None):
    env = os.environ if environ is None else environ
    missing = [k for k in ("JENKINS_URL", "JENKINS_JOB", "JENKINS_JOB_TOKEN", "JENKINS_USER", "JENKINS_API_TOKEN",
                           "MODEL_PREFIX") if not env.get(k)]
    if missing:
        raise TriggerError("missing settings: " + ", ".join(missing))
    return {
        "url": env["JENKINS_URL"].rstrip("/"),
        "job": env["JENKINS_JOB"].strip("/"),
        "job_token": env["JENKINS_JOB_TOKEN"],
        "user": env["JENKINS_USER"],
        "api_token": env["JENKINS_API_TOKEN"],
        "prefix": env["MODEL_PREFIX"],
        "marker": env.get("MARKER") or "_SUCCESS",
        "parameter": env.get("PARAMETER") or "MODEL_ARTIFACTS",
        "timeout": float(env.get("TIMEOUT_SECONDS") or "10"),
    }


def model_folder(bucket, name, config):
    """gs://bucket/folder/ when the object is the marker of a model folder under the prefix, else None."""
    marker = "/" + config["marker"]
    if not name.startswith(config["prefix"]) or not name.endswith(marker):
        return None
    folder = name[: -len(config["marker"])]
    if folder == config["prefix"] or folder == "/":
        return None  # a marker at the prefix itself names no model
    return "gs://%s/%s" % (bucket, folder)


def build_request(config, artifacts, cause):
    """The buildWithParameters request for one model folder."""
    job_path = "/".join("job/" + urllib.parse.quote(part, safe="") for part in config["job"].split("/"))
    body = urllib.parse.urlencode({"token": config["job_token"], config["parameter"]: artifacts, "cause": cause})
    credentials = base64.b64encode(("%s:%s" % (config["user"], config["api_token"])).encode("utf-8")).decode("ascii")
    return urllib.request.Request(
        "%s/%s/buildWithParameters" % (config["url"], job_path),
        data=body.encode("utf-8"),
        method="POST",
        headers={"Authorization": "Basic " + credentials,
                 "Content-Type": "application/x-www-form-urlencoded"},
    )


def trigger(bucket, name, environ=None, opener=urllib.request.urlopen):
    """Starts the build for this object if it is a model marker; returns the queue item URL or None."""
    config = settings(environ)
    artifacts = model_folder(bucket, name, config)
    if artifacts is None:
        LOG.info("ignored gs://%s/%s: not a %s marker under %s", bucket, name, config["marker"], config["prefix"])
        return None
    request = build_request(config, artifacts, "model written to %s" % artifacts)
    try:
        with opener(request, timeout=config["timeout"]) as response:
            status = response.status
            location = response.headers.get("Location")
    except urllib.error.HTTPError as e:
        raise TriggerError("Jenkins answered %d to buildWithParameters of %s: %s" % (e.code, config["job"], e.reason)) from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise TriggerError("Jenkins at %s did not answer within %ss: %s" % (config["url"], config["timeout"], e)) from e
    if status not in (200, 201):
        raise TriggerError("Jenkins answered %d to buildWithParameters of %s" % (status, config["job"]))
    LOG.info("promotion build of %s queued for %s: %s", config["job"], artifacts, location)
    return location


def on_finalize(event, context=None):
    """1st-gen background function: google.storage.object.finalize."""
    return trigger(event["bucket"], event["name"])


def on_finalize_cloudevent(cloud_event):
    """2nd-gen function (Eventarc): google.cloud.storage.object.v1.finalized."""
    data = cloud_event.data if hasattr(cloud_event, "data") else cloud_event["data"]
    if isinstance(data, (bytes, str)):
        data = json.loads(data)
    return trigger(data["bucket"], data["name"])
