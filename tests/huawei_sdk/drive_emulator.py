#!/usr/bin/env python3
"""Drive the emulator with Huawei's official Python SDK.

Runs the five recording-callback operations through `huaweicloudsdklive`
(signed with AK/SK by `huaweicloudsdkcore`) against an emulator started with
the same keys, and checks real results: ids, totals, bodies, the service's
error codes through the SDK's own exception type, and that a request signed
with the wrong secret key is refused by the "gateway".

Usage (`.ci/conformance` runs it):
    drive_emulator.py --endpoint http://127.0.0.1:PORT --ak AK --sk SK --project-id P

Prints one line per check and a closing `N passed, M failed`; exits 1 when
anything failed.
"""

import argparse
import json
import sys
import traceback

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdklive.v1 import (
    CreateRecordCallbackConfigRequest,
    DeleteRecordCallbackConfigRequest,
    ListRecordCallbackConfigsRequest,
    LiveClient,
    RecordCallbackConfigRequest,
    ShowRecordCallbackConfigRequest,
    UpdateRecordCallbackConfigRequest,
)

DOMAIN = "push.sdk-conformance.example.com"
KEY = "0123456789abcdef0123456789abcdef"


def client(endpoint, ak, sk, project_id):
    # ClientBuilder.with_endpoint keeps an endpoint that starts with "http"
    # as it is (plain http included) and prefixes "https://" otherwise. No
    # region: with one, the builder would also add the region's endpoints
    # and could call IAM to look up the project id.
    return (
        LiveClient.new_builder()
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoint(endpoint)
        .build()
    )


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn):
        try:
            fn()
        except Exception:  # noqa: BLE001 - every failure is reported the same way
            self.failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(file=sys.stdout)
        else:
            self.passed += 1
            print(f"ok   {name}")


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def expect_service_error(call, status, code):
    """Runs `call`, which must fail with the SDK's ClientRequestException."""
    try:
        call()
    except exceptions.ClientRequestException as e:
        expect(e.status_code == status, f"status {e.status_code}, want {status} ({e})")
        expect(e.error_code == code, f"error_code {e.error_code!r}, want {code!r} ({e})")
        expect(bool(e.request_id), f"no request id on the exception ({e})")
        return e
    raise AssertionError(f"the call succeeded; want {status} {code}")


def body(app, url, events=None, sign_type=None, key=None):
    return RecordCallbackConfigRequest(
        publish_domain=DOMAIN,
        app=app,
        notify_callback_url=url,
        notify_event_subscription=events,
        sign_type=sign_type,
        key=key,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--ak", required=True)
    parser.add_argument("--sk", required=True)
    parser.add_argument("--project-id", required=True)
    args = parser.parse_args()

    live = client(args.endpoint, args.ak, args.sk, args.project_id)
    checks = Checks()
    state = {}

    def create():
        req = CreateRecordCallbackConfigRequest(
            body=body(
                "live",
                "https://hooks.example.com/live/record",
                ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
                "HMACSHA256",
                KEY,
            )
        )
        resp = live.create_record_callback_config(req)
        expect(resp.status_code == 201, f"status {resp.status_code}, want 201")
        expect(resp.id, "no id in the response")
        raw = json.loads(resp.raw_content)
        expect("key" not in raw, f"the key came back: {raw}")
        expect(resp.publish_domain == DOMAIN and resp.app == "live", f"wrong config {raw}")
        expect(
            resp.notify_event_subscription == ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
            f"events {resp.notify_event_subscription}",
        )
        expect(resp.sign_type == "HMACSHA256", f"sign_type {resp.sign_type}")
        expect(raw.get("create_time") and raw.get("update_time"), f"no times in {raw}")
        state["id"] = resp.id

    def create_wildcard_with_defaults():
        resp = live.create_record_callback_config(
            CreateRecordCallbackConfigRequest(body=body("*", "http://hooks.example.com/live/any"))
        )
        expect(resp.status_code == 201, f"status {resp.status_code}, want 201")
        expect(resp.sign_type == "HMACSHA256", f"default sign_type {resp.sign_type}")
        expect(
            resp.notify_event_subscription == ["RECORD_FILE_COMPLETE"],
            f"default events {resp.notify_event_subscription}",
        )
        state["wildcard"] = resp.id

    def list_all():
        resp = live.list_record_callback_configs(ListRecordCallbackConfigsRequest())
        expect(resp.status_code == 200, f"status {resp.status_code}")
        expect(resp.total == 2, f"total {resp.total}, want 2")
        ids = [c.id for c in resp.callback_config]
        expect(ids == [state["id"], state["wildcard"]], f"ids {ids}")

    def list_filtered():
        # `*` in the query: the SDK's URL and its signature must encode it alike.
        resp = live.list_record_callback_configs(
            ListRecordCallbackConfigsRequest(publish_domain=DOMAIN, app="*", offset=0, limit=10)
        )
        expect(resp.total == 1, f"total {resp.total}, want 1")
        expect([c.id for c in resp.callback_config] == [state["wildcard"]], "wrong config")

    def list_paged():
        resp = live.list_record_callback_configs(
            ListRecordCallbackConfigsRequest(offset=1, limit=1)
        )
        expect(resp.total == 2, f"total {resp.total}, want 2 (all pages)")
        expect([c.id for c in resp.callback_config] == [state["wildcard"]], "wrong page")

    def show():
        resp = live.show_record_callback_config(ShowRecordCallbackConfigRequest(id=state["id"]))
        expect(resp.status_code == 200, f"status {resp.status_code}")
        expect(resp.id == state["id"] and resp.app == "live", f"wrong config {resp}")
        expect(
            resp.notify_callback_url == "https://hooks.example.com/live/record",
            "wrong url",
        )
        expect("key" not in json.loads(resp.raw_content), "the key came back")

    def create_refused(app, url, code):
        e = expect_service_error(
            lambda: live.create_record_callback_config(
                CreateRecordCallbackConfigRequest(body=body(app, url))
            ),
            400,
            code,
        )
        expect(e.error_msg, "no error message")

    def duplicate():
        create_refused("live", "https://other.example.com/cb", "LIVE.103011018")

    def invalid():
        create_refused("x", "ftp://hooks.example.com/cb", "LIVE.100011001")

    def update():
        resp = live.update_record_callback_config(
            UpdateRecordCallbackConfigRequest(
                id=state["id"],
                body=body(
                    "live",
                    "https://hooks.example.com/live/record-v2",
                    ["RECORD_OVER"],
                    "MD5",
                    KEY,
                ),
            )
        )
        expect(resp.status_code == 200, f"status {resp.status_code}")
        expect(resp.id == state["id"], "the id changed")
        expect(
            resp.notify_callback_url == "https://hooks.example.com/live/record-v2",
            "url not changed",
        )
        expect(resp.sign_type == "MD5", f"sign_type {resp.sign_type}")
        expect(resp.notify_event_subscription == ["RECORD_OVER"], "events not changed")
        shown = live.show_record_callback_config(ShowRecordCallbackConfigRequest(id=state["id"]))
        expect(
            shown.notify_callback_url == "https://hooks.example.com/live/record-v2",
            "show: url not changed",
        )

    def delete():
        resp = live.delete_record_callback_config(DeleteRecordCallbackConfigRequest(id=state["id"]))
        expect(resp.status_code == 204, f"status {resp.status_code}, want 204")

    def show_deleted():
        expect_service_error(
            lambda: live.show_record_callback_config(
                ShowRecordCallbackConfigRequest(id=state["id"])
            ),
            404,
            "LIVE.100011001",
        )
        resp = live.list_record_callback_configs(ListRecordCallbackConfigsRequest())
        expect(resp.total == 1, f"total {resp.total} after delete, want 1")

    def recreate_after_delete():
        # The (domain, app) pair is free again once its config is gone.
        resp = live.create_record_callback_config(
            CreateRecordCallbackConfigRequest(body=body("live", "https://hooks.example.com/again"))
        )
        expect(resp.id and resp.id != state["id"], f"id {resp.id}")
        for config_id in (resp.id, state["wildcard"]):
            live.delete_record_callback_config(DeleteRecordCallbackConfigRequest(id=config_id))

    def wrong_secret_key():
        bad = client(args.endpoint, args.ak, args.sk + "x", args.project_id)
        e = expect_service_error(
            lambda: bad.list_record_callback_configs(ListRecordCallbackConfigsRequest()),
            401,
            "APIGW.0301",
        )
        expect("verify aksk signature fail" in e.error_msg, f"message {e.error_msg!r}")

    checks.run("create returns an id, the defaults, and no key", create)
    checks.run("create a wildcard config with the defaults", create_wildcard_with_defaults)
    checks.run("list sees both, with total", list_all)
    checks.run("list filtered by publish_domain and app=*", list_filtered)
    checks.run("list paged: total counts every page", list_paged)
    checks.run("show returns the config", show)
    checks.run("duplicate (domain, app) gives 400 LIVE.103011018", duplicate)
    checks.run("an ftp:// callback URL gives 400 LIVE.100011001", invalid)
    checks.run("update replaces the config", update)
    checks.run("delete gives 204", delete)
    checks.run("show after delete gives 404 LIVE.100011001", show_deleted)
    checks.run("the pair can be created again after delete", recreate_after_delete)
    checks.run("a wrong secret key gives 401 APIGW.0301", wrong_secret_key)

    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
