// Every published signature vector gets the verdict, reason and dedupe key it expects.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";

import * as v from "../src/index";

type Case = {
  name: string;
  sign_type: v.SignType;
  keys: string[];
  now: number;
  body: string;
  expected: { valid: boolean; reason: string | null; dedupe_key: v.DedupeKey | null };
};
type Vectors = { receiver: { window: number; future_bound: number; max_body: number }; cases: Case[] };

const path =
  process.env.LIVE_RECORD_CALLBACKS_VECTORS ?? resolve(__dirname, "../../../../openapi/published/notification-vectors.json");
const file = JSON.parse(readFileSync(path, "utf8")) as Vectors;
const r = file.receiver;

function run(c: Case): [boolean, string | null, v.DedupeKey | null] {
  const body = Buffer.from(c.body, "utf8");
  try {
    const n =
      c.keys.length === 0
        ? v.parse(body, r.max_body)
        : new v.Verifier(c.sign_type, c.keys, { window: r.window, futureBound: r.future_bound, maxBody: r.max_body }).verify(
            body,
            c.now,
          );
    return [true, null, v.dedupeKey(n) ?? null];
  } catch (e) {
    if (!(e instanceof v.NotificationError)) throw e;
    for (const k of c.keys) assert.ok(!e.message.includes(k), `${c.name}: the error shows a key`);
    return [false, e.reason, null];
  }
}

test("every vector", () => {
  assert.ok(file.cases.length >= 30);
  const wrong = file.cases.filter((c) => {
    try {
      assert.deepStrictEqual(run(c), [c.expected.valid, c.expected.reason, c.expected.dedupe_key]);
      return false;
    } catch (e) {
      console.error(`${c.name}: ${(e as Error).message}`);
      return true;
    }
  });
  assert.deepStrictEqual(wrong.map((c) => c.name), []);
});

test("the defaults are the vectors' receiver", () => {
  assert.deepStrictEqual([v.WINDOW, v.FUTURE_BOUND, v.MAX_BODY], [r.window, r.future_bound, r.max_body]);
});

test("the key stays out of the verifier and its errors", () => {
  const key = "0123456789abcdef0123456789abcdef";
  const verifier = new v.Verifier("HMACSHA256", [key]);
  assert.ok(!JSON.stringify(verifier).includes(key));
  assert.throws(() => new v.Verifier("SHA1" as v.SignType, [key]), (e: Error) => !e.message.includes(key));
  assert.throws(() => new v.Verifier("MD5", []), /keys/);
});

test("deep nesting is read, not a crash", () => {
  // V8 reads JSON without a depth limit (the Rust crate and the other
  // verifiers refuse such a body as invalid): a notification like any other.
  const body = Buffer.from(`{"event_type":"RECORD_OVER","x":${"[".repeat(30000)}${"]".repeat(30000)}}`);
  assert.equal(v.parse(body).event_type, "RECORD_OVER");
});
