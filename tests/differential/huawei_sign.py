#!/usr/bin/env python3
"""Signs requests with Huawei's own Python signer, for the differential test.

Needs huaweicloudsdkcore==3.1.219. Reads one JSON object per line on stdin:

    {"method": "GET", "url": "https://host/path?raw", "query": [["k", "v"], ...],
     "headers": {"Content-Type": "...", "X-Sdk-Date": "20240101T000000Z", ...},
     "body_hex": "...", "ak": "...", "sk": "..."}

`url` supplies the host and the path exactly as sent; `query` holds the
decoded query pairs, which is what the SDK's signer takes (it builds the
query string itself). Writes one JSON object per line on stdout:
{"authorization": "...", "canonical_request": "..."}.

With --bench, times the signer on the first request instead.
"""

import importlib.metadata
import json
import sys
import timeit
from urllib.parse import urlsplit

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


class RecordingSigner(Signer):
    """Huawei's Signer, also keeping the canonical request it hashed."""

    last_canonical_request = ""

    def _process_string_to_sign(self, canonical_request, time):
        self.last_canonical_request = canonical_request
        return super()._process_string_to_sign(canonical_request, time)


def build(item, body=None):
    parts = urlsplit(item["url"])
    return SdkRequest(
        method=item["method"],
        schema=parts.scheme,
        host=parts.netloc,
        resource_path=parts.path,
        query_params=[(k, v) for k, v in item["query"]],
        header_params=dict(item["headers"]),
        body=bytes.fromhex(item["body_hex"]) if body is None else body,
    )


def sign(item):
    signer = RecordingSigner(BasicCredentials(item["ak"], item["sk"]))
    request = signer.sign(build(item))
    return {
        "authorization": request.header_params["Authorization"],
        "canonical_request": signer.last_canonical_request,
    }


EXPECTED_VERSION = "3.1.219"


def main():
    version = importlib.metadata.version("huaweicloudsdkcore")
    if version != EXPECTED_VERSION:
        sys.exit(f"huaweicloudsdkcore {version} is installed; the reference is {EXPECTED_VERSION}")
    if "--bench" in sys.argv:
        item = json.loads(sys.stdin.readline())
        signer = Signer(BasicCredentials(item["ak"], item["sk"]))
        body = bytes.fromhex(item["body_hex"])
        runs = 20000
        # A fresh SdkRequest each time: sign() mutates the one it gets.
        seconds = min(timeit.repeat(lambda: signer.sign(build(item, body)), number=runs, repeat=5))
        print(json.dumps({"seconds_per_sign": seconds / runs}))
        return
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(sign(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
