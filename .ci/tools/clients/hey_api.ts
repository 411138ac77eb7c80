// The client @hey-api/openapi-ts generates from the contract (fetch
// client), against the emulator with an IAM token: create, list, show, a
// config read back and sent back with update, delete, 400s with their
// error codes, and the notifications (the document's examples, an unknown
// event_type, a RECORD_START without file_size) read as the generated
// RecordNotificationBody type. Compiled with `tsc --strict` and run by
// .ci/import-checks (the generated code is in ./client).
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
import type {
    RecordCallbackConfigRequestWritable,
    RecordNotification,
    RecordNotificationBody,
    RecordStartNotification,
} from "./client/types.gen";
import { check, env, readNotifications, run } from "./notifications";

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

// A RECORD_START need not carry file_size: the type says so too.
export const startWithoutSize: RecordStartNotification = {
    project_id: "p", task_id: "t", event_type: "RECORD_START", publish_domain: "d", app: "a", stream: "s", record_format: "HLS",
};

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
    // Both fields are optional in a page (an absent list is empty).
    const listed = page.data?.callback_config ?? [];
    check(listed.map((c) => c.id).join() === id && (page.data?.total ?? 1) === 1, "list", page.data);

    const shown = await showRecordCallbackConfig({ path: { project_id, id } });
    check(shown.data?.id === id, "show", shown.data);
    const stored = shown.data!;

    // Read, change, send back: the stored strings fit the request's types
    // unchanged (the key is never returned, so it is sent again).
    const sentBack: RecordCallbackConfigRequestWritable = {
        publish_domain: stored.publish_domain,
        app: stored.app,
        notify_callback_url: "https://hooks.example.com/live/record-v2",
        notify_event_subscription: stored.notify_event_subscription ?? [],
        sign_type: "MD5",
        key: body.key,
    };
    const updated = await updateRecordCallbackConfig({ path: { project_id, id }, body: sentBack });
    check(updated.data?.sign_type === "MD5" &&
        updated.data.notify_event_subscription?.join() === stored.notify_event_subscription?.join(), "update", updated.data);

    // The error code of a create the emulator must answer with 400.
    async function refused(b: RecordCallbackConfigRequestWritable): Promise<string | undefined> {
        const answer = await createRecordCallbackConfig({ path: { project_id }, body: b });
        check(answer.response.status === 400 && !!answer.error, "a 400", answer.response.status);
        return answer.error?.error_code;
    }
    const code = await refused(body);
    check(code === "LIVE.103011018", "duplicate create's error code", code);
    // An event name the document does not list passes the client (it could
    // have come back from the service); the emulator refuses it.
    const unlistedCode = await refused({ ...body, app: `${app}-x`, notify_event_subscription: ["RECORD_SEGMENT_READY"] });
    check(unlistedCode === "LIVE.100011001", "unlisted event's error code", unlistedCode);

    const deleted = await deleteRecordCallbackConfig({ path: { project_id, id } });
    check(deleted.response.status === 204, "delete", deleted.response.status);
    const gone = await showRecordCallbackConfig({ path: { project_id, id } });
    check(gone.response.status === 404 && gone.error?.error_code !== undefined, "show after delete", gone.response.status);

    const notifications = readNotifications<RecordNotificationBody, RecordNotification>(describe);
    return `@hey-api/openapi-ts: create/list/show/update (sent back)/delete, ` +
        `400 ${code} and ${unlistedCode} (unlisted event), 404 after delete, ` +
        notifications;
});
