"""The notification examples of the contract, for the client scripts: every
request-body example of every callback in the dereferenced rendition
(openapi/live-record-callbacks.deref.json, given in $LIVE_DOCUMENT)."""

import json
import os


def examples():
    with open(os.environ["LIVE_DOCUMENT"], encoding="utf-8") as f:
        doc = json.load(f)
    found = {}
    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for callback in op.get("callbacks", {}).values():
                for cb_item in callback.values():
                    for cb_op in cb_item.values():
                        media = cb_op.get("requestBody", {}).get("content", {})
                        for name, ex in media.get("application/json", {}).get("examples", {}).items():
                            found[name] = ex["value"]
    assert len(found) >= 5, f"expected the five notification examples, found {sorted(found)}"
    return found
