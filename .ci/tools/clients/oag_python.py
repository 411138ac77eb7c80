"""The Python client openapi-generator (`-g python`) generates from the
contract, against the emulator with an IAM token: create, list, show,
update, delete, a 400 with its error code, and the notification examples
parsed into the generated RecordNotification. Run by .ci/import-checks with
the generated package (lrc_client) on PYTHONPATH."""

import json
import os

import lrc_client
from lrc_client.api.recording_callbacks_api import RecordingCallbacksApi
from lrc_client.exceptions import ApiException, BadRequestException, NotFoundException
from lrc_client.models.record_callback_config_request import RecordCallbackConfigRequest
from lrc_client.models.record_file_complete_notification import RecordFileCompleteNotification
from lrc_client.models.record_notification import RecordNotification
from lrc_client.models.sign_type import SignType
from lrc_client.models.subscribed_event import SubscribedEvent

from notifications import examples

project = os.environ["LIVE_PROJECT_ID"]
app = os.environ["LIVE_APP"]
config = lrc_client.Configuration(host=os.environ["LIVE_ENDPOINT"])
config.api_key["IamToken"] = os.environ["LIVE_TOKEN"]
api = RecordingCallbacksApi(lrc_client.ApiClient(config))

body = RecordCallbackConfigRequest(
    publish_domain="push.example.com",
    app=app,
    notify_callback_url="https://hooks.example.com/live/record",
    notify_event_subscription=[SubscribedEvent.RECORD_FILE_COMPLETE, SubscribedEvent.RECORD_FAILED],
    sign_type=SignType.HMACSHA256,
    key="0123456789abcdef0123456789abcdef",
)
created = api.create_record_callback_config_with_http_info(project, body)
assert created.status_code == 201, created.status_code
# Header names are case-insensitive; this client keeps them as received.
assert any(k.lower() == "x-request-id" and v for k, v in created.headers.items()), created.headers
config_id = created.data.id
assert created.data.app == app and created.data.sign_type == "HMACSHA256", created.data

page = api.list_record_callback_configs(project, publish_domain="push.example.com", app=app, limit=10)
assert page.total == 1 and [c.id for c in page.callback_config] == [config_id], page

shown = api.show_record_callback_config(project, config_id)
assert shown.id == config_id and shown.notify_callback_url == body.notify_callback_url, shown

body.sign_type = SignType.MD5
body.notify_callback_url = "https://hooks.example.com/live/record-v2"
updated = api.update_record_callback_config(project, config_id, body)
assert updated.sign_type == "MD5" and updated.notify_callback_url.endswith("-v2"), updated

# A second config for the same domain and app: 400 with the service's code.
try:
    api.create_record_callback_config(project, body)
    raise AssertionError("a duplicate create succeeded")
except BadRequestException as e:
    assert e.status == 400
    code = e.data.error_code if e.data is not None else json.loads(e.body)["error_code"]
    assert code == "LIVE.103011018", (code, e.body)

deleted = api.delete_record_callback_config_with_http_info(project, config_id)
assert deleted.status_code == 204, deleted.status_code
try:
    api.show_record_callback_config(project, config_id)
    raise AssertionError("the deleted config is still there")
except NotFoundException as e:
    assert e.status == 404
except ApiException as e:  # pragma: no cover - names the surprise
    raise AssertionError(f"expected 404, got {e.status}") from e

parsed = {}
for name, value in examples().items():
    notification = RecordNotification.from_json(json.dumps(value))
    instance = notification.actual_instance
    assert instance.event_type == value["event_type"], (name, instance)
    parsed[name] = type(instance).__name__
complete = [
    RecordNotification.from_json(json.dumps(v)).actual_instance
    for v in examples().values()
    if v["event_type"] == "RECORD_FILE_COMPLETE"
][0]
assert isinstance(complete, RecordFileCompleteNotification) and complete.download_url, complete

print(f"openapi-generator python client: create/list/show/update/delete, 400 {code}, 404 after delete, "
      f"{len(parsed)} notifications parsed ({', '.join(sorted(set(parsed.values())))})")
