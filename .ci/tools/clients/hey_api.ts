// The client @hey-api/openapi-ts generates from the contract (fetch
// client), against the emulator with an IAM token: create, list, show,
// update, delete, a 400 with its error code, and the notification examples
// read as the generated RecordNotification type. Compiled with
// `tsc --strict` and run by .ci/import-checks (the generated code is in
// ./client).
import { client } from "./client/client.gen";
import {
    createRecordCallbackConfig,
    deleteRecordCallbackConfig,
    listRecordCallbackConfigs,
    showRecordCallbackConfig,
    updateRecordCallbackConfig,
} from "./client/sdk.gen";
// hey-api splits a schema with writeOnly fields: the request body type with
// the callback `key` is the *Writable one.
import type { RecordCallbackConfigRequestWritable, RecordNotification } from "./client/types.gen";
import { check, env, examples, run } from "./notifications";

function describe(n: RecordNotification): string {
    switch (n.event_type) {
        case "RECORD_FILE_COMPLETE":
            return `${n.event_type} ${n.download_url ?? ""} ${n.file_size}B`;
        case "RECORD_NEW_FILE_START":
            return `${n.event_type} job ${n.job_id ?? ""}`;
        case "RECORD_START":
        case "RECORD_OVER":
        case "RECORD_FAILED":
            return `${n.event_type} ${n.stream}`;
    }
}

function parse(text: string): RecordNotification {
    const value: unknown = JSON.parse(text);
    const events: ReadonlyArray<RecordNotification["event_type"]> = [
        "RECORD_START", "RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED",
    ];
    const kind = (value as { event_type?: unknown } | null)?.event_type;
    check(typeof kind === "string" && (events as readonly string[]).includes(kind), "a known event_type", value);
    return value as RecordNotification;
}

run(async () => {
    const project_id = env("LIVE_PROJECT_ID");
    const app = env("LIVE_APP");
    client.setConfig({ baseUrl: env("LIVE_ENDPOINT"), headers: { "X-Auth-Token": env("LIVE_TOKEN") } });
    const body: RecordCallbackConfigRequestWritable = {
        publish_domain: "push.example.com",
        app,
        notify_callback_url: "https://hooks.example.com/live/record",
        notify_event_subscription: ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
        sign_type: "HMACSHA256",
        key: "0123456789abcdef0123456789abcdef",
    };
    const created = await createRecordCallbackConfig({ path: { project_id }, body });
    check(created.response.status === 201 && !!created.data, "create", created.error);
    check(!!created.response.headers.get("X-request-id"), "X-request-id on create");
    const id = created.data!.id;

    const page = await listRecordCallbackConfigs({ path: { project_id }, query: { publish_domain: "push.example.com", app } });
    check(page.data?.total === 1 && page.data.callback_config[0]?.id === id, "list", page.data);

    const shown = await showRecordCallbackConfig({ path: { project_id, id } });
    check(shown.data?.id === id, "show", shown.data);

    const updated = await updateRecordCallbackConfig({
        path: { project_id, id },
        body: { ...body, sign_type: "MD5", notify_callback_url: "https://hooks.example.com/live/record-v2" },
    });
    check(updated.data?.sign_type === "MD5", "update", updated.data);

    const duplicate = await createRecordCallbackConfig({ path: { project_id }, body });
    check(duplicate.response.status === 400 && !!duplicate.error, "duplicate create is a 400", duplicate.response.status);
    const code = duplicate.error!.error_code;
    check(code === "LIVE.103011018", "duplicate create's error code", code);

    const deleted = await deleteRecordCallbackConfig({ path: { project_id, id } });
    check(deleted.response.status === 204, "delete", deleted.response.status);
    const gone = await showRecordCallbackConfig({ path: { project_id, id } });
    check(gone.response.status === 404 && gone.error?.error_code !== undefined, "show after delete", gone.response.status);

    const parsed: string[] = [];
    for (const [, text] of examples()) {
        parsed.push(describe(parse(text)));
    }
    return `@hey-api/openapi-ts: create/list/show/update/delete, 400 ${code}, 404 after delete, ` +
        `${parsed.length} notifications typed (${parsed.map((p) => p.split(" ")[0]).join(", ")})`;
});
