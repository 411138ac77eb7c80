"""The Python client openapi-python-client generates from the contract's 3.1
rendition, against the emulator with an IAM token: every generated module
imports, a request body round-trips through from_dict/to_dict, then create,
list, show, a config read back and sent back with update, delete, 400s with
their error codes, and the notifications (the document's examples, an
unknown event_type, a RECORD_START without file_size) parsed into the
generated event types. Run by .ci/import-checks with the generated package
(live_record_callbacks_client) on PYTHONPATH."""

import importlib
import os
import pkgutil

import live_record_callbacks_client as package
import live_record_callbacks_client.models as models
from live_record_callbacks_client import AuthenticatedClient
from live_record_callbacks_client.api.recording_callbacks import (
    create_record_callback_config,
    delete_record_callback_config,
    list_record_callback_configs,
    show_record_callback_config,
    update_record_callback_config,
)
from live_record_callbacks_client.models import (
    ErrorResponse,
    OtherRecordNotification,
    RecordCallbackConfig,
    RecordCallbackConfigList,
    RecordCallbackConfigRequest,
    RecordFileCompleteNotification,
    RecordStartNotification,
    SignType,
    SubscribedEvent,
)
from live_record_callbacks_client.types import UNSET

from notifications import EVENT_SCHEMAS, KNOWN_EVENTS, examples, tolerance_cases

# Every generated module imports, and the five operations are there.
modules = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in modules:
    importlib.import_module(name)
operations = [m for m in modules if m.startswith(package.__name__ + ".api.recording_callbacks.")]
assert len(operations) == 5, operations

project = os.environ["LIVE_PROJECT_ID"]
app = os.environ["LIVE_APP"]
KEY = "0123456789abcdef0123456789abcdef"
client = AuthenticatedClient(
    base_url=os.environ["LIVE_ENDPOINT"],
    token=os.environ["LIVE_TOKEN"],
    prefix="",
    auth_header_name="X-Auth-Token",
    raise_on_unexpected_status=True,
)

# A body as JSON reads into the generated types (known values as enums) and
# writes back unchanged.
as_json = {
    "publish_domain": "push.example.com",
    "app": app,
    "notify_callback_url": "https://hooks.example.com/live/record",
    "notify_event_subscription": ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
    "sign_type": "HMACSHA256",
    "key": KEY,
}
body = RecordCallbackConfigRequest.from_dict(as_json)
assert body.sign_type is SignType.HMACSHA256, body.sign_type
assert body.notify_event_subscription == [
    SubscribedEvent.RECORD_FILE_COMPLETE,
    SubscribedEvent.RECORD_FAILED,
]
assert body.to_dict() == as_json, body.to_dict()

created = create_record_callback_config.sync_detailed(project, client=client, body=body)
assert created.status_code == 201, (created.status_code, created.content)
assert created.headers.get("X-request-id"), created.headers
assert isinstance(created.parsed, RecordCallbackConfig), created.parsed
config_id = created.parsed.id

page = list_record_callback_configs.sync(
    project, client=client, publish_domain="push.example.com", app=app
)
assert isinstance(page, RecordCallbackConfigList), page
# Both fields are optional in a page (an absent list is empty).
listed = [] if page.callback_config is UNSET else page.callback_config
assert [c.id for c in listed] == [config_id] and page.total in (UNSET, 1), page

shown = show_record_callback_config.sync(project, config_id, client=client)
assert isinstance(shown, RecordCallbackConfig) and shown.id == config_id, shown
assert shown.create_time is not UNSET and shown.create_time.tzinfo is not None, shown.create_time

# Read, change, send back: the stored strings fit the request's types
# unchanged (the key is never returned, so it is sent again).
sent_back = RecordCallbackConfigRequest(
    publish_domain=shown.publish_domain,
    app=shown.app,
    notify_callback_url="https://hooks.example.com/live/record-v2",
    notify_event_subscription=list(shown.notify_event_subscription),
    sign_type=SignType.MD5,
    key=KEY,
)
updated = update_record_callback_config.sync(project, config_id, client=client, body=sent_back)
assert isinstance(updated, RecordCallbackConfig) and updated.sign_type == "MD5", updated
assert updated.notify_event_subscription == shown.notify_event_subscription, updated


def refused(body):
    """The error code of a create that must be answered 400."""
    answer = create_record_callback_config.sync_detailed(project, client=client, body=body)
    assert answer.status_code == 400, (answer.status_code, answer.content)
    assert isinstance(answer.parsed, ErrorResponse), answer.parsed
    return answer.parsed.error_code


code = refused(body)
assert code == "LIVE.103011018", code
# An event name the document does not list passes the client (it could have
# come back from the service); the emulator refuses it.
unlisted = RecordCallbackConfigRequest.from_dict(
    {**as_json, "app": app + "-x", "notify_event_subscription": ["RECORD_SEGMENT_READY"]}
)
assert unlisted.notify_event_subscription == ["RECORD_SEGMENT_READY"], unlisted
unlisted_code = refused(unlisted)
assert unlisted_code == "LIVE.100011001", unlisted_code

deleted = delete_record_callback_config.sync_detailed(project, config_id, client=client)
assert deleted.status_code == 204, deleted.status_code
gone = show_record_callback_config.sync_detailed(project, config_id, client=client)
assert gone.status_code == 404 and isinstance(gone.parsed, ErrorResponse), gone

# openapi-python-client generates no type for the callback's body (a union):
# a receiver tries the known events' types, which refuse any other
# event_type, and reads every other body as OtherRecordNotification.
events = [getattr(models, title) for title in EVENT_SCHEMAS]


def receive(value):
    matches = []
    for cls in events:
        try:
            matches.append(cls.from_dict(value))
        except (KeyError, ValueError):
            pass
    assert len(matches) <= 1, matches
    return matches[0] if matches else OtherRecordNotification.from_dict(value)


found = examples()
parsed = {}
for name, value in {**found, **tolerance_cases(found)}.items():
    n = receive(value)
    assert str(n.event_type) == value["event_type"], (name, n)
    assert isinstance(n, OtherRecordNotification) == (value["event_type"] not in KNOWN_EVENTS), (
        name,
        n,
    )
    if isinstance(n, RecordFileCompleteNotification):
        assert n.download_url == value["download_url"] and n.start_time.year == 2020, n
    parsed[name] = type(n).__name__
start = receive(tolerance_cases(found)["RECORD_START without file_size"])
assert isinstance(start, RecordStartNotification) and start.file_size is UNSET, start
client.get_httpx_client().close()
print(
    f"openapi-python-client: {len(modules)} modules import; create/list/show/update (sent back)/delete, "
    f"400 {code} and {unlisted_code} (unlisted event), 404 after delete, {len(parsed)} notifications parsed "
    f"({len(found)} examples; {'; '.join(f'{k}: {parsed[k]}' for k in tolerance_cases(found))})"
)
