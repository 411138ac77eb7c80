// The notification examples of the contract, for the TypeScript client
// scripts: every request-body example of every callback in the
// dereferenced rendition (openapi/live-record-callbacks.deref.json, given
// in $LIVE_DOCUMENT), as the JSON text a receiver gets.
import { readFileSync } from "node:fs";

type Json = { [key: string]: unknown };

export function examples(): Map<string, string> {
    const doc = JSON.parse(readFileSync(env("LIVE_DOCUMENT"), "utf8")) as Json;
    const found = new Map<string, string>();
    const values = (v: unknown): Json[] =>
        v && typeof v === "object" ? (Object.values(v) as Json[]) : [];
    for (const item of values(doc.paths)) {
        for (const op of values(item)) {
            for (const callback of values(op.callbacks)) {
                for (const cbItem of values(callback)) {
                    for (const cbOp of values(cbItem)) {
                        const body = cbOp.requestBody as Json | undefined;
                        const media = (body?.content as Json | undefined)?.["application/json"] as Json | undefined;
                        for (const [name, ex] of Object.entries((media?.examples ?? {}) as Record<string, Json>)) {
                            found.set(name, JSON.stringify(ex.value));
                        }
                    }
                }
            }
        }
    }
    if (found.size < 5) {
        throw new Error(`expected the five notification examples, found ${[...found.keys()].join(", ")}`);
    }
    return found;
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
