"""Verify a recording notification of Huawei Cloud Live.

The rule is the contract's ``x-signing`` (openapi/live-record-callbacks.yaml);
this module is tested against the vectors generated from it
(openapi/published/notification-vectors.json). Verdicts and reason names
are the Rust crate's (``ReceiveError::reason``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Sequence
from typing import Any

__all__ = [
    "EVENTS",
    "FUTURE_BOUND",
    "MAX_BODY",
    "WINDOW",
    "NotificationError",
    "Verifier",
    "dedupe_key",
    "parse",
]

#: Seconds the clock may be past ``auth_timestamp`` (a late delivery or a replay past it).
WINDOW = 300
#: Seconds ``auth_timestamp`` may be ahead of the clock (it may be an expiry time).
FUTURE_BOUND = 1200
#: The largest body read, in bytes.
MAX_BODY = 64 * 1024
#: The events the contract lists; another ``event_type`` is a newer event, to ignore.
EVENTS = (
    "RECORD_START",
    "RECORD_NEW_FILE_START",
    "RECORD_FILE_COMPLETE",
    "RECORD_OVER",
    "RECORD_FAILED",
)
#: What HMACSHA256 signs, in order, with nothing between (x-signing.HMACSHA256.message).
HMAC_MESSAGE = (
    "auth_timestamp",
    "event_type",
    "publish_domain",
    "app",
    "stream",
    "download_url",
    "play_url",
)
_DIGITS = {"HMACSHA256": 64, "MD5": 32}
_SIGNATURE = re.compile(r"\A(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})\Z")


class NotificationError(Exception):
    """A refused notification: ``reason`` is the check's name (``too_large``,
    ``invalid``, ``missing_signature``, ``missing_timestamp``,
    ``malformed_signature``, ``mismatch``, ``stale``, ``future``). The
    message never holds a key or the expected signature."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason

    @property
    def status(self) -> int:
        """The HTTP status to answer with: 400 for a body that is not a notification, else 401."""
        return 400 if self.reason in ("too_large", "invalid") else 401


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def parse(body: bytes, max_body: int = MAX_BODY) -> dict[str, Any]:
    """Reads a body: a JSON object with a string ``event_type``; signed fields
    are strings, ``auth_timestamp`` an integer, ``auth_sign`` 32 or 64 hex digits."""
    if len(body) > max_body:
        raise NotificationError(
            "too_large", f"the body is {len(body)} bytes, more than the {max_body} allowed"
        )
    try:
        # UTF-8 only, and no NaN or Infinity: what JSON allows, no more.
        n = json.loads(body.decode("utf-8"), parse_constant=_not_json)
    except ValueError as e:
        raise NotificationError("invalid", f"the body is not JSON: {e}") from None
    except RecursionError:
        raise NotificationError("invalid", "the body nests too deep") from None
    if not isinstance(n, dict):
        raise NotificationError("invalid", "the body is not a JSON object")
    if not isinstance(n.get("event_type"), str):
        raise NotificationError("invalid", "event_type: missing or not a string")
    for field in HMAC_MESSAGE[1:]:
        if n.get(field) is not None and not isinstance(n[field], str):
            raise NotificationError("invalid", f"{field}: not a string")
    ts = n.get("auth_timestamp")
    if ts is not None and (
        isinstance(ts, bool) or not isinstance(ts, int) or not -(2**63) <= ts < 2**63
    ):
        raise NotificationError("invalid", "auth_timestamp: not a 64-bit integer")
    sign = n.get("auth_sign")
    if sign is not None and not (isinstance(sign, str) and _SIGNATURE.match(sign)):
        raise NotificationError("invalid", "auth_sign: not 32 or 64 hexadecimal digits")
    return n


def dedupe_key(n: dict[str, Any]) -> tuple[str, str, str] | None:
    """(task_id, event_type, file) of a known event, the same for the same
    event sent twice: the file is ``download_url`` for RECORD_FILE_COMPLETE,
    ``job_id`` for RECORD_NEW_FILE_START, empty otherwise. None for an
    event the contract does not list."""
    event = n["event_type"]
    if event not in EVENTS:
        return None
    file = {"RECORD_FILE_COMPLETE": "download_url", "RECORD_NEW_FILE_START": "job_id"}.get(event)
    return (n.get("task_id") or "", event, (n.get(file) or "") if file else "")


class Verifier:
    """Checks notifications for one config: its ``sign_type`` and its key
    (during a rotation, the new and the old key)."""

    def __init__(
        self,
        sign_type: str,
        keys: Sequence[str],
        *,
        window: int = WINDOW,
        future_bound: int = FUTURE_BOUND,
        max_body: int = MAX_BODY,
    ) -> None:
        if sign_type not in _DIGITS:
            raise ValueError(f"sign_type: {sign_type!r} is neither HMACSHA256 nor MD5")
        if isinstance(keys, str) or not keys:
            raise ValueError("keys: give a list of one key or more (the config's key)")
        self.sign_type = sign_type
        self._keys = [k.encode() for k in keys]
        self.window, self.future_bound, self.max_body = window, future_bound, max_body

    def __repr__(self) -> str:
        return f"Verifier({self.sign_type}, <{len(self._keys)} key(s) redacted>)"

    def _digest(self, key: bytes, n: dict[str, Any], ts: int) -> bytes:
        if self.sign_type == "MD5":
            return hashlib.md5(key + str(ts).encode()).digest()
        message = "".join(
            str(ts) if f == "auth_timestamp" else n.get(f) or "" for f in HMAC_MESSAGE
        )
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    def verify(self, body: bytes, now: int | None = None) -> dict[str, Any]:
        """Parses and checks a body; returns the notification or raises
        :class:`NotificationError`."""
        n = parse(body, self.max_body)
        sign, ts = n.get("auth_sign"), n.get("auth_timestamp")
        if sign is None:
            raise NotificationError("missing_signature", "the body has no auth_sign")
        if ts is None:
            raise NotificationError("missing_timestamp", "auth_sign without auth_timestamp")
        if len(sign) != _DIGITS[self.sign_type]:
            raise NotificationError(
                "malformed_signature",
                f"auth_sign has {len(sign)} hex digits, {self.sign_type} has {_DIGITS[self.sign_type]}",
            )
        given = bytes.fromhex(sign)
        matched = False
        for key in self._keys:  # every key, so the time does not tell which matched
            matched |= hmac.compare_digest(self._digest(key, n, ts), given)
        if not matched:
            raise NotificationError(
                "mismatch", f"auth_sign matches none of the {len(self._keys)} key(s)"
            )
        age = (int(time.time()) if now is None else now) - ts
        if age > self.window:
            raise NotificationError(
                "stale", f"auth_timestamp is {age} s old (window {self.window} s)"
            )
        if -age > self.future_bound:
            raise NotificationError(
                "future", f"auth_timestamp is {-age} s ahead (bound {self.future_bound} s)"
            )
        return n
