"""Every published signature vector gets the verdict, reason and dedupe key it expects."""

import json
import os
import unittest
from pathlib import Path

import live_record_callbacks_verify as v

VECTORS = Path(
    os.environ.get(
        "LIVE_RECORD_CALLBACKS_VECTORS",
        Path(__file__).resolve().parents[3] / "openapi/published/notification-vectors.json",
    )
)


def run(case, receiver):
    body = case["body"].encode()
    try:
        if not case["keys"]:
            n = v.parse(body, receiver["max_body"])
        else:
            verifier = v.Verifier(
                case["sign_type"],
                case["keys"],
                window=receiver["window"],
                future_bound=receiver["future_bound"],
                max_body=receiver["max_body"],
            )
            n = verifier.verify(body, now=case["now"])
    except v.NotificationError as e:
        for key in case["keys"]:
            assert key not in str(e), f"{case['name']}: the error shows a key"
        return False, e.reason, None
    key = v.dedupe_key(n)
    dedupe = dict(zip(("task_id", "event_type", "file"), key, strict=True)) if key else None
    return True, None, dedupe


class Vectors(unittest.TestCase):
    def setUp(self):
        self.file = json.loads(VECTORS.read_text())

    def test_every_vector(self):
        cases = self.file["cases"]
        self.assertGreaterEqual(len(cases), 30)
        for case in cases:
            with self.subTest(case["name"]):
                e = case["expected"]
                got = run(case, self.file["receiver"])
                self.assertEqual(got, (e["valid"], e["reason"], e["dedupe_key"]))

    def test_defaults_are_the_vectors_receiver(self):
        r = self.file["receiver"]
        self.assertEqual(
            (v.WINDOW, v.FUTURE_BOUND, v.MAX_BODY), (r["window"], r["future_bound"], r["max_body"])
        )

    def test_the_key_stays_out_of_repr_and_errors(self):
        key = "0123456789abcdef0123456789abcdef"
        self.assertNotIn(key, repr(v.Verifier("HMACSHA256", [key])))
        with self.assertRaises(ValueError) as e:
            v.Verifier("SHA1", [key])
        self.assertNotIn(key, str(e.exception))
        with self.assertRaisesRegex(ValueError, "keys"):
            v.Verifier("MD5", key)

    def test_deep_nesting_is_refused_not_a_crash(self):
        body = b'{"event_type": "RECORD_OVER", "x": ' + b"[" * 30000 + b"]" * 30000 + b"}"
        with self.assertRaises(v.NotificationError) as e:
            v.parse(body)
        self.assertEqual(e.exception.reason, "invalid")


if __name__ == "__main__":
    unittest.main()
