// The TypeScript client openapi-generator (`-g typescript-fetch`) generates
// from the contract, against the emulator with an IAM token: create, list,
// show, update, delete, a 400 with its error code, and the notification
// examples parsed with the generated RecordNotificationFromJSON. Compiled
// with `tsc --strict` and run by .ci/import-checks (the generated code sits
// in ./client).
import {
    Configuration,
    RecordingCallbacksApi,
    ResponseError,
    RecordNotificationFromJSON,
    ErrorResponseFromJSON,
    type RecordCallbackConfigRequest,
    type RecordNotification,
} from "./client";
import { check, env, examples, run } from "./notifications";

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

run(async () => {
    const projectId = env("LIVE_PROJECT_ID");
    const app = env("LIVE_APP");
    const api = new RecordingCallbacksApi(
        new Configuration({ basePath: env("LIVE_ENDPOINT"), headers: { "X-Auth-Token": env("LIVE_TOKEN") } }),
    );
    const body: RecordCallbackConfigRequest = {
        publishDomain: "push.example.com",
        app,
        notifyCallbackUrl: "https://hooks.example.com/live/record",
        notifyEventSubscription: ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
        signType: "HMACSHA256",
        key: "0123456789abcdef0123456789abcdef",
    };
    const raw = await api.createRecordCallbackConfigRaw({ projectId, recordCallbackConfigRequest: body });
    check(raw.raw.status === 201, "create status", raw.raw.status);
    check(!!raw.raw.headers.get("X-request-id"), "X-request-id on create");
    const created = await raw.value();
    const id = created.id;

    const page = await api.listRecordCallbackConfigs({ projectId, publishDomain: "push.example.com", app, limit: 10 });
    check(page.total === 1 && page.callbackConfig.map((c) => c.id).join() === id, "list", page);

    const shown = await api.showRecordCallbackConfig({ projectId, id });
    check(shown.id === id && shown.createTime instanceof Date, "show", shown);

    const updated = await api.updateRecordCallbackConfig({
        projectId,
        id,
        recordCallbackConfigRequest: { ...body, signType: "MD5", notifyCallbackUrl: "https://hooks.example.com/live/record-v2" },
    });
    check(updated.signType === "MD5", "update", updated);

    let code = "";
    try {
        await api.createRecordCallbackConfig({ projectId, recordCallbackConfigRequest: body });
    } catch (e) {
        check(e instanceof ResponseError && e.response.status === 400, "duplicate create is a 400", String(e));
        const error = ErrorResponseFromJSON(await (e as ResponseError).response.json());
        code = error.errorCode;
    }
    check(code === "LIVE.103011018", "duplicate create's error code", code);

    const deleted = await api.deleteRecordCallbackConfigRaw({ projectId, id });
    check(deleted.raw.status === 204, "delete status", deleted.raw.status);
    let gone = 0;
    try {
        await api.showRecordCallbackConfig({ projectId, id });
    } catch (e) {
        gone = e instanceof ResponseError ? e.response.status : -1;
    }
    check(gone === 404, "show after delete", gone);

    const parsed: string[] = [];
    for (const [name, text] of examples()) {
        const n = RecordNotificationFromJSON(JSON.parse(text));
        check(n.eventType === JSON.parse(text).event_type, `notification ${name}`, n);
        parsed.push(describe(n));
    }
    return `openapi-generator typescript-fetch client: create/list/show/update/delete, 400 ${code}, 404 after delete, ` +
        `${parsed.length} notifications parsed (${parsed.map((p) => p.split(" ")[0]).join(", ")})`;
});
