"""The notifications the Python client scripts parse, as a receiver gets
them:

- examples(): the example of every schema the callbacks' body is made of
  (each known event, and OtherRecordNotification), read from the
  dereferenced rendition
  (openapi/published/live-record-callbacks.deref.json, given in
  $LIVE_DOCUMENT);
- KNOWN_EVENTS: the events the document lists (EVENT_SCHEMAS: by the
  title of their schema);
- tolerance_cases(): two bodies the service may send that a client
  generated from the document must still read (an unknown event_type is
  read as OtherRecordNotification, never refused; file_size is required
  only on RECORD_FILE_COMPLETE): an event this document does not list, and
  a RECORD_START without file_size."""

import copy
import json
import os


def _schemas(schema):
    """A schema and every schema it is a union of."""
    yield schema
    for key in ("oneOf", "anyOf", "allOf"):
        for member in schema.get(key, []):
            yield from _schemas(member)


def _callback_schemas():
    """Every schema the callbacks' body is made of, from the dereferenced
    rendition in $LIVE_DOCUMENT."""
    with open(os.environ["LIVE_DOCUMENT"], encoding="utf-8") as f:
        doc = json.load(f)
    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for callback in op.get("callbacks", {}).values():
                for cb_item in callback.values():
                    for cb_op in cb_item.values():
                        media = cb_op.get("requestBody", {}).get("content", {})
                        yield from _schemas(media.get("application/json", {}).get("schema", {}))


# The events the document lists, by the title of their schema (each allows
# exactly its own event_type); any other event_type is a newer event.
EVENT_SCHEMAS = {
    s["title"]: s["properties"]["event_type"]["enum"][0]
    for s in _callback_schemas()
    if "enum" in s.get("properties", {}).get("event_type", {})
}
KNOWN_EVENTS = tuple(EVENT_SCHEMAS.values())


def examples():
    """Title of the schema -> its example, for every callback body."""
    found = {}
    for s in _callback_schemas():
        example = s.get("example")
        if isinstance(example, dict) and "event_type" in example:
            found[s.get("title", example["event_type"])] = example
    events = sorted({e["event_type"] for e in found.values()} & set(KNOWN_EVENTS))
    assert events == sorted(KNOWN_EVENTS), (
        f"expected an example of each known event, found {sorted(found)}"
    )
    return found


def tolerance_cases(found):
    """Name -> body: a body whose event_type the document does not list (a
    completed file's fields under a new name, plus a field nobody knows),
    and a RECORD_START without file_size or record_duration."""
    by_event = {e["event_type"]: e for e in found.values()}
    unknown = copy.deepcopy(by_event["RECORD_FILE_COMPLETE"])
    unknown["event_type"] = "RECORD_SNAPSHOT_READY"
    unknown["snapshot_url"] = "https://play.example.com/live/mystream.jpg"
    start = copy.deepcopy(by_event["RECORD_START"])
    start.pop("file_size", None)
    start.pop("record_duration", None)
    return {"unknown event_type": unknown, "RECORD_START without file_size": start}
