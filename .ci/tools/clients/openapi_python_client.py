"""The Python client openapi-python-client generates from the contract,
against the emulator with an IAM token: create, list, show, update, delete,
a 400 with its error code, and the notification examples parsed into the
generated event types. Run by .ci/import-checks with the generated package
(live_record_callbacks_client) on PYTHONPATH."""

import os

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
    RecordCallbackConfig,
    RecordCallbackConfigList,
    RecordCallbackConfigRequest,
    RecordFailedNotification,
    RecordFileCompleteNotification,
    RecordNewFileStartNotification,
    RecordOverNotification,
    RecordStartNotification,
    SignType,
    SubscribedEvent,
)

from notifications import examples

project = os.environ["LIVE_PROJECT_ID"]
app = os.environ["LIVE_APP"]
client = AuthenticatedClient(
    base_url=os.environ["LIVE_ENDPOINT"],
    token=os.environ["LIVE_TOKEN"],
    prefix="",
    auth_header_name="X-Auth-Token",
    raise_on_unexpected_status=True,
)

body = RecordCallbackConfigRequest(
    publish_domain="push.example.com",
    app=app,
    notify_callback_url="https://hooks.example.com/live/record",
    notify_event_subscription=[SubscribedEvent.RECORD_FILE_COMPLETE, SubscribedEvent.RECORD_FAILED],
    sign_type=SignType.HMACSHA256,
    key="0123456789abcdef0123456789abcdef",
)
created = create_record_callback_config.sync_detailed(project, client=client, body=body)
assert created.status_code == 201, (created.status_code, created.content)
assert created.headers.get("X-request-id"), created.headers
assert isinstance(created.parsed, RecordCallbackConfig), created.parsed
config_id = created.parsed.id

page = list_record_callback_configs.sync(project, client=client, publish_domain="push.example.com", app=app)
assert isinstance(page, RecordCallbackConfigList), page
assert page.total == 1 and [c.id for c in page.callback_config] == [config_id], page

shown = show_record_callback_config.sync(project, config_id, client=client)
assert isinstance(shown, RecordCallbackConfig) and shown.id == config_id, shown
assert shown.create_time is not None and shown.create_time.tzinfo is not None, shown.create_time

body.sign_type = SignType.MD5
body.notify_callback_url = "https://hooks.example.com/live/record-v2"
updated = update_record_callback_config.sync(project, config_id, client=client, body=body)
assert isinstance(updated, RecordCallbackConfig) and updated.sign_type == "MD5", updated

duplicate = create_record_callback_config.sync_detailed(project, client=client, body=body)
assert duplicate.status_code == 400, duplicate.status_code
assert isinstance(duplicate.parsed, ErrorResponse), duplicate.parsed
code = duplicate.parsed.error_code
assert code == "LIVE.103011018", code

deleted = delete_record_callback_config.sync_detailed(project, config_id, client=client)
assert deleted.status_code == 204, deleted.status_code
gone = show_record_callback_config.sync_detailed(project, config_id, client=client)
assert gone.status_code == 404 and isinstance(gone.parsed, ErrorResponse), gone

# The notification is a oneOf keyed by event_type: exactly one of the
# generated event types must accept each example.
events = [
    RecordStartNotification,
    RecordNewFileStartNotification,
    RecordFileCompleteNotification,
    RecordOverNotification,
    RecordFailedNotification,
]
parsed = {}
for name, value in examples().items():
    matches = []
    for cls in events:
        try:
            matches.append(cls.from_dict(value))
        except (KeyError, ValueError):
            pass
    assert len(matches) == 1, (name, matches)
    n = matches[0]
    assert str(n.event_type) == value["event_type"], (name, n)
    if isinstance(n, RecordFileCompleteNotification):
        assert n.download_url == value["download_url"] and n.start_time.year == 2020, n
    parsed[name] = type(n).__name__
client.get_httpx_client().close()
print(f"openapi-python-client: create/list/show/update/delete, 400 {code}, 404 after delete, "
      f"{len(parsed)} notifications parsed ({', '.join(sorted(set(parsed.values())))})")
