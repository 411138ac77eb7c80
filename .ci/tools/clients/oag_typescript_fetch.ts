// The TypeScript client openapi-generator (`-g typescript-fetch`) generates
// from the contract, against the emulator with an IAM token: create, list,
// show, a config read back and sent back with update, delete, 400s with
// their error codes, and the notifications (the document's examples, an
// unknown event_type, a RECORD_START without file_size) read with the
// generated RecordNotificationBodyFromJSON and RecordNotificationFromJSON.
// Compiled with `tsc --strict` and run by .ci/import-checks (the generated
// code sits in ./client).
import {
    Configuration,
    RecordingCallbacksApi,
    ResponseError,
    RecordNotificationBodyFromJSON,
    RecordNotificationFromJSON,
    ErrorResponseFromJSON,
    type RecordCallbackConfigRequest,
    type RecordNotification,
    type RecordNotificationBody,
    type RecordStartNotification,
} from "./client";
import { check, env, examples, isKnownEvent, run, toleranceCases } from "./notifications";

function describe(n: RecordNotification): string {
    // The union is keyed by eventType: each branch sees its own fields.
    switch (n.eventType) {
        case "RECORD_FILE_COMPLETE":
            return `${n.eventType} ${n.downloadUrl ?? ""} ${n.fileSize}B ${n.startTime?.toISOString() ?? ""}`;
        case "RECORD_NEW_FILE_START":
            return `${n.eventType} job ${n.jobId ?? ""}`;
        case "RECORD_START":
        case "RECORD_OVER":
        case "RECORD_FAILED":
            return `${n.eventType} ${n.stream}`;
    }
}

// A receiver reads the callback's body type first (every notification fits
// it), and the known events' union only for an event_type it lists: this
// generator's RecordNotificationFromJSON passes any other body through
// unchanged, typed as if it were a known event.
function receive(text: string): { body: RecordNotificationBody; known?: RecordNotification } {
    const json: unknown = JSON.parse(text);
    const body = RecordNotificationBodyFromJSON(json);
    return isKnownEvent(body.eventType) ? { body, known: RecordNotificationFromJSON(json) } : { body };
}

// A RECORD_START need not carry file_size: the type says so too.
export const startWithoutSize: RecordStartNotification = {
    projectId: "p", taskId: "t", eventType: "RECORD_START", publishDomain: "d", app: "a", stream: "s", recordFormat: "HLS",
};

run(async () => {
    const projectId = env("LIVE_PROJECT_ID");
    const app = env("LIVE_APP");
    const api = new RecordingCallbacksApi(
        new Configuration({ basePath: env("LIVE_ENDPOINT"), headers: { "X-Auth-Token": env("LIVE_TOKEN") } }),
    );
    const key = "0123456789abcdef0123456789abcdef";
    const body: RecordCallbackConfigRequest = {
        publishDomain: "push.example.com",
        app,
        notifyCallbackUrl: "https://hooks.example.com/live/record",
        notifyEventSubscription: ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
        signType: "HMACSHA256",
        key,
    };
    const created = await api.createRecordCallbackConfigRaw({ projectId, recordCallbackConfigRequest: body });
    check(created.raw.status === 201, "create status", created.raw.status);
    check(!!created.raw.headers.get("X-request-id"), "X-request-id on create");
    const id = (await created.value()).id;

    const page = await api.listRecordCallbackConfigs({ projectId, publishDomain: "push.example.com", app, limit: 10 });
    // Both fields are optional in a page (an absent list is empty).
    const listed = page.callbackConfig ?? [];
    check(listed.map((c) => c.id).join() === id && (page.total ?? 1) === 1, "list", page);

    const shown = await api.showRecordCallbackConfig({ projectId, id });
    check(shown.id === id && shown.createTime instanceof Date, "show", shown);

    // Read, change, send back: the stored strings fit the request's types
    // unchanged (the key is never returned, so it is sent again).
    const sentBack: RecordCallbackConfigRequest = {
        publishDomain: shown.publishDomain,
        app: shown.app,
        notifyCallbackUrl: "https://hooks.example.com/live/record-v2",
        notifyEventSubscription: shown.notifyEventSubscription ?? [],
        signType: "MD5",
        key,
    };
    const updated = await api.updateRecordCallbackConfig({ projectId, id, recordCallbackConfigRequest: sentBack });
    check(updated.signType === "MD5" && updated.notifyEventSubscription?.join() === shown.notifyEventSubscription?.join(),
        "update", updated);

    // The error code of a call the emulator must answer with 400.
    async function refused(call: () => Promise<unknown>): Promise<string> {
        try {
            await call();
        } catch (e) {
            check(e instanceof ResponseError && e.response.status === 400, "a 400", String(e));
            return ErrorResponseFromJSON(await (e as ResponseError).response.json()).errorCode ?? "";
        }
        throw new Error("the call succeeded");
    }
    const code = await refused(() => api.createRecordCallbackConfig({ projectId, recordCallbackConfigRequest: body }));
    check(code === "LIVE.103011018", "duplicate create's error code", code);
    // An event name the document does not list passes the client (it could
    // have come back from the service); the emulator refuses it.
    const unlisted = { ...body, app: `${app}-x`, notifyEventSubscription: ["RECORD_SEGMENT_READY"] };
    const unlistedCode = await refused(() => api.createRecordCallbackConfig({ projectId, recordCallbackConfigRequest: unlisted }));
    check(unlistedCode === "LIVE.100011001", "unlisted event's error code", unlistedCode);

    const deleted = await api.deleteRecordCallbackConfigRaw({ projectId, id });
    check(deleted.raw.status === 204, "delete status", deleted.raw.status);
    let gone = 0;
    try {
        await api.showRecordCallbackConfig({ projectId, id });
    } catch (e) {
        gone = e instanceof ResponseError ? e.response.status : -1;
    }
    check(gone === 404, "show after delete", gone);

    const found = examples();
    const parsed: string[] = [];
    for (const [name, text] of [...found, ...toleranceCases(found)]) {
        const { body: n, known } = receive(text);
        const event = (JSON.parse(text) as { event_type: string }).event_type;
        check(n.eventType === event && isKnownEvent(event) === !!known, `notification ${name}`, n);
        if (known) {
            check(known.eventType === event, `notification ${name} as its event`, known);
            describe(known);
        }
        parsed.push(`${name}: ${known ? known.eventType : "other"}`);
    }
    const start = receive(toleranceCases(found).get("RECORD_START without file_size")!).known;
    check(start?.eventType === "RECORD_START" && start.fileSize === undefined, "RECORD_START without file_size", start);
    return `openapi-generator typescript-fetch client: create/list/show/update (sent back)/delete, ` +
        `400 ${code} and ${unlistedCode} (unlisted event), 404 after delete, ` +
        `${parsed.length} notifications read (${found.size} examples; ${parsed.slice(found.size).join("; ")})`;
});
