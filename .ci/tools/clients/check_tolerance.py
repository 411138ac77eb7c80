"""Tolerance of a client generated from the contract in another language
(run by .ci/tolerance, with the generated module on sys.path).

datamodel-codegen turned the document into pydantic v2 models with strict
types and every constraint it states (lengths, patterns, enums, required
fields, the notification union's discriminator). Such a client must still
read what the service sends:

- a notification whose event_type the document does not list, and one
  without a field the pages only imply;
- a list answer without callback_config (and without total);
- an error body in each form Huawei's core SDK reads;

while refusing what a user must not send (the strictness is real: the same
models refuse a name with a control character, a broken known event).
Every example the document and openapi/documented/ hold for these places
goes through the same models.
"""

import json
import sys
from pathlib import Path

import yaml
from pydantic import ValidationError

from live_record_callbacks_models import (
    ErrorResponse,
    OtherRecordNotification,
    RecordCallbackConfig,
    RecordCallbackConfigList,
    RecordCallbackConfigRequest,
    RecordFileCompleteNotification,
    RecordNotification,
    RecordNotificationBody,
    RecordStartNotification,
)

ROOT = Path(__file__).resolve().parents[3]
DOC = yaml.safe_load((ROOT / "openapi/live-record-callbacks.yaml").read_text())
SCHEMAS = DOC["components"]["schemas"]
DOCUMENTED = ROOT / "openapi/documented"
counts = {}


def count(section):
    counts[section] = counts.get(section, 0) + 1


def refused(model, value, what):
    try:
        model.model_validate(value)
    except ValidationError:
        return
    raise AssertionError(f"{model.__name__} accepted {what}: {value!r}")


def event(value):
    """The branch a notification body is read as."""
    body = RecordNotificationBody.model_validate(value)
    branch = body.root
    if isinstance(branch, RecordNotification):
        branch = branch.root
    count("notifications")
    return branch


# ---- notifications -------------------------------------------------------

start = {
    "project_id": "0123456789abcdef0123456789abcdef",
    "task_id": "a3c0e6b2d4f84c1e9b7a5d3f1e2c4b6a",
    "event_type": "RECORD_START",
    "publish_domain": "push.example.com",
    "app": "live",
    "stream": "mystream",
    "record_format": "HLS",
}

# An event the document does not list, with a field it has never seen.
unknown = dict(start, event_type="RECORD_PAUSED", pause_reason={"code": 3})
got = event(unknown)
assert isinstance(got, OtherRecordNotification), type(got)
assert got.event_type == "RECORD_PAUSED"
assert isinstance(event({"event_type": "SOMETHING_NEW"}), OtherRecordNotification)

# Fields the pages only imply: file_size and record_duration before a file
# exists, the OBS fields, asset_id, width and height of a file.
got = event(start)
assert isinstance(got, RecordStartNotification), type(got)
assert got.file_size is None
complete = dict(
    start,
    event_type="RECORD_FILE_COMPLETE",
    job_id="f1e2d3c4-b5a6-4978-8877-665544332211",
    download_url="https://obs.cn-north-4.myhuaweicloud.com/live/a.m3u8",
    file_size=3957964,
    record_duration=120,
    start_time="2020-03-08T14:10:25Z",
    end_time="2020-03-08T14:12:25Z",
)
got = event(complete)
assert isinstance(got, RecordFileCompleteNotification), type(got)
assert got.obs_bucket is None

# A record_format added later, and the signature in upper-case hex.
signed = dict(
    start,
    record_format="CMAF",
    auth_timestamp=1583676745,
    auth_sign="E567D01982321442CA8C669516F17C8701BE47CC776A48D44A644E70400778D9",
)
assert isinstance(event(signed), RecordStartNotification)

# Every notification schema's example, as its own branch.
for name in [
    "RecordStartNotification",
    "RecordNewFileStartNotification",
    "RecordFileCompleteNotification",
    "RecordOverNotification",
    "RecordFailedNotification",
    "OtherRecordNotification",
]:
    got = event(SCHEMAS[name]["example"])
    assert type(got).__name__ == name, (name, type(got).__name__)

# The notifications Huawei prints, less the fields discrepancies.yaml lists
# (a masked signature).
index = yaml.safe_load((DOCUMENTED / "index.yaml").read_text())
known = yaml.safe_load((DOCUMENTED / "discrepancies.yaml").read_text())
for entry in index:
    if entry["part"] != "notification":
        continue
    value = json.loads((DOCUMENTED / entry["file"]).read_text())
    for d in known:
        if d["file"] == entry["file"]:
            value.pop(d["pointer"].lstrip("/"))
    got = event(value)
    assert not isinstance(got, OtherRecordNotification), entry["file"]

# Strict where the document is: a known event without a field it is
# documented to carry is not that event, and a body without event_type is
# not a notification.
broken = dict(complete)
del broken["download_url"]
refused(RecordNotification, broken, "RECORD_FILE_COMPLETE without download_url")
refused(RecordNotificationBody, {"task_id": "t"}, "a body without event_type")
refused(RecordNotification, dict(start, file_size="12"), "file_size as a string")

# ---- list and show answers -----------------------------------------------

for value in [{}, {"total": 0}]:
    page = RecordCallbackConfigList.model_validate(value)
    assert page.callback_config == [], page
    count("list answers")
page = RecordCallbackConfigList.model_validate(
    {"callback_config": [{"id": "c1", "publish_domain": "push.example.com", "app": "*"}]}
)
assert page.total is None and page.callback_config[0].notify_event_subscription == []
count("list answers")
for holder in DOC["components"]["examples"].values():
    if isinstance(holder.get("value"), dict) and "callback_config" in holder["value"]:
        RecordCallbackConfigList.model_validate(holder["value"])
        count("list answers")

# A config with an event and a signing method the document does not list
# reads, and goes back as a request unchanged.
shown = RecordCallbackConfig.model_validate(
    {
        "id": "c1",
        "publish_domain": "push.example.com",
        "app": "live",
        "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_SEGMENT_READY"],
        "sign_type": "HMACSHA512",
    }
)
back = shown.model_dump(mode="json", exclude_none=True, exclude={"id"})
request = RecordCallbackConfigRequest.model_validate(back)
assert request.model_dump(mode="json", exclude_none=True) == back, request
count("list answers")

# ---- error bodies ----------------------------------------------------------


def sdk_reading(body):
    """What huaweicloudsdkcore takes from an error object: the first whole
    pair, else the same pairs in nested objects, later ones winning."""
    code = message = None
    for c, m in [("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")]:
        if c in body and m in body:
            return body[c], body[m]
    for value in body.values():
        if isinstance(value, dict):
            found = sdk_reading(value)
            if found != (None, None):
                code, message = found
    return code, message


shapes = [
    (
        {"error_code": "LIVE.100011001", "error_msg": "Request Illegal"},
        ("LIVE.100011001", "Request Illegal"),
    ),
    (
        {
            "error_code": "LIVE.100011001",
            "error_msg": "Request Illegal",
            "error_detail": "publish_domain is empty",
        },
        ("LIVE.100011001", "Request Illegal"),
    ),
    (
        {"errorCode": "LIVE.100011012", "errorMsg": "Unsupported media type"},
        ("LIVE.100011012", "Unsupported media type"),
    ),
    (
        {"code": "APIGW.0308", "message": "The throttling threshold has been reached"},
        ("APIGW.0308", "The throttling threshold has been reached"),
    ),
    ({"code": 500, "message": "internal error"}, (500, "internal error")),
    (
        {
            "error": {
                "code": 401,
                "message": "The request you have made requires authentication.",
                "title": "Unauthorized",
            }
        },
        (401, "The request you have made requires authentication."),
    ),
    (
        {"result": {"detail": {"error_code": "LIVE.100011004", "error_msg": "No permission"}}},
        ("LIVE.100011004", "No permission"),
    ),
    (
        {
            "error_msg": "Incorrect IAM authentication information: decrypt token fail",
            "error_code": "APIGW.0301",
            "request_id": "6f1c0a0f2b4e4f8c9d7a3b2e1f0c9d8e",
        },
        ("APIGW.0301", "Incorrect IAM authentication information: decrypt token fail"),
    ),
    (
        {
            "error_code": "APIGW.0302",
            "error_msg": "not authorized",
            "encoded_authorization_message": "vjXXQ1NtU2xqb3Vr",
        },
        ("APIGW.0302", "not authorized"),
    ),
    ({}, (None, None)),
]
for entry in index:
    if entry["part"] == "response" and entry.get("status", "2").startswith(("4", "5")):
        value = json.loads((DOCUMENTED / entry["file"]).read_text())
        shapes.append((value, (value.get("error_code"), value.get("error_msg"))))
for name, holder in DOC["components"]["examples"].items():
    if name.startswith("Error"):
        shapes.append((holder["value"], sdk_reading(holder["value"])))
for body, expected in shapes:
    model = ErrorResponse.model_validate(body)
    # Nothing the body held is lost: the listed fields and the others.
    kept = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    assert kept == body, (kept, body)
    assert sdk_reading(kept) == expected, (body, sdk_reading(kept), expected)
    count("error bodies")

# ---- what a user sends stays strict ------------------------------------------

good = {"publish_domain": "push.example.com", "app": "live"}
RecordCallbackConfigRequest.model_validate(good)
refused(RecordCallbackConfigRequest, dict(good, app="live\u0000x"), "a control character in app")
# Huawei's create example sends "**": only "*" alone is the wildcard.
RecordCallbackConfigRequest.model_validate(dict(good, app="**"))
refused(RecordCallbackConfigRequest, dict(good, key="0123"), "a short key")
refused(
    RecordCallbackConfigRequest,
    dict(good, notify_event_subscription=["record over"]),
    "a malformed event name",
)

print(
    "tolerance: "
    + ", ".join(f"{n} {what}" for what, n in counts.items())
    + f" read by the generated pydantic models (Python {sys.version.split()[0]}); requests stay strict"
)
