// Verify a recording notification of Huawei Cloud Live.
//
// The rule is the contract's `x-signing` (openapi/live-record-callbacks.yaml);
// this module is tested against the vectors generated from it
// (openapi/published/notification-vectors.json). Verdicts and reason names
// are the Rust crate's (`ReceiveError::reason`).

import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Seconds the clock may be past `auth_timestamp`. */
export const WINDOW = 300;
/** Seconds `auth_timestamp` may be ahead of the clock (it may be an expiry time). */
export const FUTURE_BOUND = 1200;
/** The largest body read, in bytes. */
export const MAX_BODY = 64 * 1024;
/** The events the contract lists; another `event_type` is a newer event, to ignore. */
export const EVENTS = [
  "RECORD_START",
  "RECORD_NEW_FILE_START",
  "RECORD_FILE_COMPLETE",
  "RECORD_OVER",
  "RECORD_FAILED",
] as const;
/** What HMACSHA256 signs, in order, with nothing between (x-signing.HMACSHA256.message). */
export const HMAC_MESSAGE = [
  "auth_timestamp",
  "event_type",
  "publish_domain",
  "app",
  "stream",
  "download_url",
  "play_url",
] as const;

export type SignType = "HMACSHA256" | "MD5";
export type Reason =
  | "too_large"
  | "invalid"
  | "missing_signature"
  | "missing_timestamp"
  | "malformed_signature"
  | "mismatch"
  | "stale"
  | "future";

/** A notification: the body's JSON object (fields the contract does not list kept as they are). */
export type Notification = { event_type: string; [field: string]: unknown };
export type DedupeKey = { task_id: string; event_type: string; file: string };

const DIGITS: Record<SignType, number> = { HMACSHA256: 64, MD5: 32 };
const SIGNATURE = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/;

/** A refused notification; the message never holds a key or the expected signature. */
export class NotificationError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
    this.name = "NotificationError";
  }
  /** The HTTP status to answer with: 400 for a body that is not a notification, else 401. */
  get status(): number {
    return this.reason === "too_large" || this.reason === "invalid" ? 400 : 401;
  }
}

/** Reads a body: a JSON object with a string `event_type`; signed fields are
 * strings, `auth_timestamp` an integer, `auth_sign` 32 or 64 hex digits. */
export function parse(body: Uint8Array, maxBody = MAX_BODY): Notification {
  if (body.length > maxBody) {
    throw new NotificationError("too_large", `the body is ${body.length} bytes, more than the ${maxBody} allowed`);
  }
  let n: unknown;
  try {
    n = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (e) {
    throw new NotificationError("invalid", `the body is not JSON: ${(e as Error).message}`);
  }
  if (typeof n !== "object" || n === null || Array.isArray(n)) {
    throw new NotificationError("invalid", "the body is not a JSON object");
  }
  const o = n as Record<string, unknown>;
  if (typeof o.event_type !== "string") throw new NotificationError("invalid", "event_type: missing or not a string");
  for (const f of HMAC_MESSAGE.slice(1)) {
    if (o[f] != null && typeof o[f] !== "string") throw new NotificationError("invalid", `${f}: not a string`);
  }
  if (o.auth_timestamp != null && !Number.isSafeInteger(o.auth_timestamp)) {
    throw new NotificationError("invalid", "auth_timestamp: not an integer");
  }
  if (o.auth_sign != null && !(typeof o.auth_sign === "string" && SIGNATURE.test(o.auth_sign))) {
    throw new NotificationError("invalid", "auth_sign: not 32 or 64 hexadecimal digits");
  }
  return o as Notification;
}

/** (task_id, event_type, file) of a known event, the same for the same event
 * sent twice; `undefined` for an event the contract does not list. */
export function dedupeKey(n: Notification): DedupeKey | undefined {
  if (!(EVENTS as readonly string[]).includes(n.event_type)) return undefined;
  const text = (f: string) => (typeof n[f] === "string" ? (n[f] as string) : "");
  const file =
    n.event_type === "RECORD_FILE_COMPLETE" ? text("download_url") : n.event_type === "RECORD_NEW_FILE_START" ? text("job_id") : "";
  return { task_id: text("task_id"), event_type: n.event_type, file };
}

export interface Options {
  window?: number;
  futureBound?: number;
  maxBody?: number;
}

/** Checks notifications for one config: its sign_type and its key (during a
 * rotation, the new and the old key). */
export class Verifier {
  readonly window: number;
  readonly futureBound: number;
  readonly maxBody: number;
  readonly #keys: Buffer[];

  constructor(
    readonly signType: SignType,
    keys: readonly string[],
    options: Options = {},
  ) {
    if (!(signType in DIGITS)) throw new TypeError(`signType: ${String(signType)} is neither HMACSHA256 nor MD5`);
    if (!Array.isArray(keys) || keys.length === 0) throw new TypeError("keys: give a list of one key or more (the config's key)");
    this.#keys = keys.map((k) => Buffer.from(k, "utf8"));
    this.window = options.window ?? WINDOW;
    this.futureBound = options.futureBound ?? FUTURE_BOUND;
    this.maxBody = options.maxBody ?? MAX_BODY;
  }

  #digest(key: Buffer, n: Notification, ts: number): Buffer {
    if (this.signType === "MD5") return createHash("md5").update(key).update(String(ts)).digest();
    const text = (f: string) => (f === "auth_timestamp" ? String(ts) : typeof n[f] === "string" ? (n[f] as string) : "");
    return createHmac("sha256", key).update(HMAC_MESSAGE.map(text).join("")).digest();
  }

  /** Parses and checks a body (`now` in Unix seconds); returns the notification
   * or throws a {@link NotificationError}. */
  verify(body: Uint8Array, now: number = Math.floor(Date.now() / 1000)): Notification {
    const n = parse(body, this.maxBody);
    const sign = n.auth_sign as string | undefined | null;
    const ts = n.auth_timestamp as number | undefined | null;
    if (sign == null) throw new NotificationError("missing_signature", "the body has no auth_sign");
    if (ts == null) throw new NotificationError("missing_timestamp", "auth_sign without auth_timestamp");
    const digits = DIGITS[this.signType];
    if (sign.length !== digits) {
      throw new NotificationError("malformed_signature", `auth_sign has ${sign.length} hex digits, ${this.signType} has ${digits}`);
    }
    const given = Buffer.from(sign, "hex");
    let matched = false;
    for (const key of this.#keys) matched = timingSafeEqual(this.#digest(key, n, ts), given) || matched; // every key
    if (!matched) throw new NotificationError("mismatch", `auth_sign matches none of the ${this.#keys.length} key(s)`);
    const age = now - ts;
    if (age > this.window) throw new NotificationError("stale", `auth_timestamp is ${age} s old (window ${this.window} s)`);
    if (-age > this.futureBound) {
      throw new NotificationError("future", `auth_timestamp is ${-age} s ahead (bound ${this.futureBound} s)`);
    }
    return n;
  }
}
