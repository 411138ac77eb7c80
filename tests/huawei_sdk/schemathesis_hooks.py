"""Schemathesis hooks for `.ci/conformance` (loaded through SCHEMATHESIS_HOOKS).

One check is narrowed here, and only for one documented answer:

`positive_data_acceptance` expects a schema-valid request to succeed. Creating
a config for a (publish_domain, app) pair that already has one, or updating a
config onto such a pair, is schema-valid, yet the service refuses it with HTTP
400 `LIVE.103011018` ("the resource already exists"; every Live error is
documented as HTTP 400, there is no 409). Schemathesis generates such
duplicates all the time, because its examples and generated domains repeat.

The same holds for an event name or signing method the contract does not
list (`UnlistedEvent`, `UnlistedSignType`): the contract accepts them so that
a config read back from the service can be sent again, but the emulator, like
a service that knows only the listed values, refuses them with HTTP 400
`LIVE.100011001`. The listed values are read from the document.

The script runs schemathesis with `--exclude-checks positive_data_acceptance`
and this check in its place: the built-in check, except that a 400 whose body
carries exactly `LIVE.103011018`, or `LIVE.100011001` for a body with an
unlisted event or signing method, passes. Any other rejection of valid data,
including a 400 with another code, still fails as before.
"""

import json
import pathlib

import schemathesis
import yaml
from schemathesis.specs.openapi.checks import positive_data_acceptance

DUPLICATE = "LIVE.103011018"
INVALID = "LIVE.100011001"
DUPLICATE_OPERATIONS = {"CreateRecordCallbackConfig", "UpdateRecordCallbackConfig"}

_SCHEMAS = yaml.safe_load(
    (pathlib.Path(__file__).parents[2] / "openapi" / "live-record-callbacks.yaml").read_text()
)["components"]["schemas"]
KNOWN_EVENTS = set(_SCHEMAS["SubscribedEvent"]["enum"])
KNOWN_SIGN_TYPES = set(_SCHEMAS["SignType"]["enum"])


def _has_unlisted_value(body):
    if not isinstance(body, dict):
        return False
    # The hook sees negative cases too, where the field may be any JSON.
    events = body.get("notify_event_subscription")
    events = events if isinstance(events, list) else []
    sign_type = body.get("sign_type")
    return any(e not in KNOWN_EVENTS for e in events if isinstance(e, str)) or (
        isinstance(sign_type, str) and sign_type not in KNOWN_SIGN_TYPES
    )


def _is_documented_duplicate(response, case):
    if response.status_code != 400:
        return False
    operation = getattr(case.operation, "definition", None)
    operation_id = (getattr(operation, "raw", None) or {}).get("operationId")
    if operation_id not in DUPLICATE_OPERATIONS:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    code = body.get("error_code")
    return code == DUPLICATE or (code == INVALID and _has_unlisted_value(case.body))


@schemathesis.check
def positive_data_acceptance_except_duplicates(ctx, response, case):
    """positive_data_acceptance, but the documented duplicate refusal passes."""
    if _is_documented_duplicate(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)
