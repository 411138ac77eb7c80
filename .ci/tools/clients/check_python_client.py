"""Imports the Python client openapi-python-client generated from the
contract (run by .ci/publish-checks, with the generated package on
sys.path) and uses a few of its pieces, so a client that imports but lost
something fails here."""

import importlib
import pkgutil
import sys

import live_record_callbacks_client as client
from live_record_callbacks_client import AuthenticatedClient
from live_record_callbacks_client.models import (
    ErrorResponse,
    RecordCallbackConfig,
    RecordCallbackConfigRequest,
    SignType,
    SubscribedEvent,
)

# Every generated module imports.
modules = [
    m.name
    for m in pkgutil.walk_packages(client.__path__, client.__name__ + ".")
]
for name in modules:
    importlib.import_module(name)
operations = [m for m in modules if ".api." in m and not m.endswith("__init__")]
assert len(operations) >= 5, operations

request = {
    "publish_domain": "push.example.com",
    "app": "live",
    "notify_callback_url": "https://hooks.example.com/live/record",
    "notify_event_subscription": ["RECORD_FILE_COMPLETE"],
    "sign_type": "HMACSHA256",
    "key": "0123456789abcdef0123456789abcdef",
}
body = RecordCallbackConfigRequest.from_dict(request)
assert body.sign_type is SignType.HMACSHA256
assert body.notify_event_subscription == [SubscribedEvent.RECORD_FILE_COMPLETE]
assert body.to_dict() == request, body.to_dict()

stored = RecordCallbackConfig.from_dict(
    {"id": "cfg", "publish_domain": "push.example.com", "app": "live",
     "create_time": "2024-01-01T00:00:00Z"}
)
assert stored.create_time.year == 2024
error = ErrorResponse.from_dict({"error_code": "LIVE.100011001", "error_msg": "Request Illegal"})
assert error.error_code == "LIVE.100011001"
AuthenticatedClient(base_url="https://live.cn-north-4.myhuaweicloud.com", token="t",
                    prefix="", auth_header_name="X-Auth-Token")
print(f"python client: {len(modules)} modules import, {len(operations)} operations, models round-trip "
      f"(Python {sys.version.split()[0]})")
