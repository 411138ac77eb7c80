#!/usr/bin/env python3
"""Reads error answers with Huawei's own exception handler, for the error
differential test (tests/error_differential.rs).

Needs huaweicloudsdkcore==3.1.219. Reads one JSON object per line on stdin:

    {"status": 400, "headers": {"X-Request-Id": "..."}, "body": "..."}

and hands the handler a `requests` response with that status, those headers
and that body (UTF-8). Writes one JSON object per line on stdout, what the
exception it raised carries: {"class": "ClientRequestException", "status":
400, "code": "...", "message": "...", "request_id": ..., "encoded": ...};
code and message as the text Python would print.
"""

import json
import sys

from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.exceptions.exception_handler import DefaultExceptionHandler
from requests import Response
from requests.structures import CaseInsensitiveDict


def text(v):
    return None if v is None else str(v)


handler = DefaultExceptionHandler()
for line in sys.stdin:
    case = json.loads(line)
    response = Response()
    response.status_code = case["status"]
    response.headers = CaseInsensitiveDict(case["headers"])
    response._content = case["body"].encode("utf-8")
    response.encoding = "utf-8"
    try:
        handler.handle_exception(None, response)
        raise SystemExit(f"no exception for status {case['status']}")
    except exceptions.ServiceResponseException as e:
        print(
            json.dumps(
                {
                    "class": type(e).__name__,
                    "status": e.status_code,
                    "code": text(e.error_code),
                    "message": text(e.error_msg),
                    "request_id": e.request_id,
                    "encoded": e.encoded_auth_msg,
                }
            ),
            flush=True,
        )
