// The notifications the TypeScript client scripts parse, as the JSON text a
// receiver gets (the same as notifications.py):
// - examples(): the example of every schema the callbacks' body is made of
//   (each known event, and OtherRecordNotification), read from the
//   dereferenced rendition
//   (openapi/published/live-record-callbacks.deref.json, given in
//   $LIVE_DOCUMENT);
// - toleranceCases(): two bodies the service may send that a client
//   generated from the document must still read (an unknown event_type is
//   read as OtherRecordNotification, never refused; file_size is required
//   only on RECORD_FILE_COMPLETE): an event this document does not list,
//   and a RECORD_START without file_size;
// - KNOWN_EVENTS, isKnownEvent(): the events the document lists;
// - readNotifications(): all of them read as a generator's types, by the
//   scripts whose generators type the body as plain JSON (hey-api,
//   openapi-typescript).
import { readFileSync } from "node:fs";

type Json = { [key: string]: unknown };

const values = (v: unknown): Json[] => (v && typeof v === "object" ? (Object.values(v) as Json[]) : []);

/** A schema and every schema it is a union of. */
function* schemas(schema: Json): Generator<Json> {
    yield schema;
    for (const key of ["oneOf", "anyOf", "allOf"]) {
        for (const member of (schema[key] ?? []) as Json[]) {
            yield* schemas(member);
        }
    }
}

/** Every schema the callbacks' body is made of, from the dereferenced
 * rendition in $LIVE_DOCUMENT. */
function* callbackSchemas(): Generator<Json> {
    const doc = JSON.parse(readFileSync(env("LIVE_DOCUMENT"), "utf8")) as Json;
    for (const item of values(doc.paths)) {
        for (const op of values(item)) {
            for (const callback of values(op.callbacks)) {
                for (const cbItem of values(callback)) {
                    for (const cbOp of values(cbItem)) {
                        const body = cbOp.requestBody as Json | undefined;
                        const media = (body?.content as Json | undefined)?.["application/json"] as Json | undefined;
                        yield* schemas((media?.schema ?? {}) as Json);
                    }
                }
            }
        }
    }
}

/** The events the document lists (each event's schema allows exactly its
 * own event_type); any other event_type is a newer event. */
export const KNOWN_EVENTS: ReadonlySet<unknown> = new Set(
    [...callbackSchemas()].flatMap((s) => (((s.properties as Json | undefined)?.event_type as Json | undefined)?.enum ?? []) as unknown[]),
);

export function isKnownEvent(event: unknown): boolean {
    return KNOWN_EVENTS.has(event);
}

/** Title of the schema -> its example as JSON text, for every callback body. */
export function examples(): Map<string, string> {
    const found = new Map<string, string>();
    for (const s of callbackSchemas()) {
        const example = s.example as Json | undefined;
        if (example && typeof example === "object" && "event_type" in example) {
            found.set(String(s.title ?? example.event_type), JSON.stringify(example));
        }
    }
    const events = new Set([...found.values()].map((t) => (JSON.parse(t) as Json).event_type));
    if (![...KNOWN_EVENTS].every((e) => events.has(e))) {
        throw new Error(`expected an example of each known event, found ${[...found.keys()].join(", ")}`);
    }
    return found;
}

/** Name -> body text: a body whose event_type the document does not list
 * (a completed file's fields under a new name, plus a field nobody knows),
 * and a RECORD_START without file_size or record_duration. */
export function toleranceCases(found: Map<string, string>): Map<string, string> {
    const byEvent = new Map([...found.values()].map((t) => {
        const v = JSON.parse(t) as Json;
        return [v.event_type, v] as const;
    }));
    const unknown = {
        ...byEvent.get("RECORD_FILE_COMPLETE"),
        event_type: "RECORD_SNAPSHOT_READY",
        snapshot_url: "https://play.example.com/live/mystream.jpg",
    };
    const start: Json = { ...byEvent.get("RECORD_START") };
    delete start.file_size;
    delete start.record_duration;
    return new Map([
        ["unknown event_type", JSON.stringify(unknown)],
        ["RECORD_START without file_size", JSON.stringify(start)],
    ]);
}

/** What a receiver built on `Body` (a generator's type of the callback's
 * body) does with every example and tolerance case: reads the JSON as
 * `Body`, and an event_type the document lists as `Known` (the generator's
 * union of the listed events), which `describe` switches on. Returns one
 * line on what was read. */
export function readNotifications<Body extends { event_type: string }, Known extends Body>(
    describe: (n: Known) => string,
): string {
    const parse = (text: string): Body => {
        const value: unknown = JSON.parse(text);
        check(typeof (value as { event_type?: unknown } | null)?.event_type === "string", "an event_type", value);
        return value as Body;
    };
    const known = (n: Body): n is Known => isKnownEvent(n.event_type);
    const found = examples();
    const cases = toleranceCases(found);
    const parsed: string[] = [];
    for (const [name, text] of [...found, ...cases]) {
        const n = parse(text);
        parsed.push(`${name}: ${known(n) ? describe(n).split(" ")[0] : `other (${n.event_type})`}`);
    }
    const start = parse(cases.get("RECORD_START without file_size")!);
    const size = (start as { file_size?: unknown }).file_size;
    check(known(start) && start.event_type === "RECORD_START" && size === undefined, "RECORD_START without file_size", start);
    return `${parsed.length} notifications typed (${found.size} examples; ${parsed.slice(found.size).join("; ")})`;
}

export function env(name: string): string {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set`);
    }
    return v;
}

export function check(ok: boolean, what: string, value?: unknown): void {
    if (!ok) {
        throw new Error(`${what}${value === undefined ? "" : `: ${JSON.stringify(value)}`}`);
    }
}

export function run(main: () => Promise<string>): void {
    main().then(
        (summary) => console.log(summary),
        (e: unknown) => {
            console.error(e);
            process.exit(1);
        },
    );
}
