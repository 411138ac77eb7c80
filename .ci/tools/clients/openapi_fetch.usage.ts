// Compiled by .ci/import-checks with `tsc --strict`, together with
// openapi_fetch.ts, against the types openapi-typescript generates from the
// contract (both files): if the generator dropped or loosened something
// these lines rely on, the check fails.
import type { components, operations, paths } from "./client/schema";

type Schemas = components["schemas"];

// A request body with every field, and the narrowest one.
export const full: Schemas["RecordCallbackConfigRequest"] = {
  publish_domain: "push.example.com",
  app: "live",
  notify_callback_url: "https://hooks.example.com/live/record",
  notify_event_subscription: ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
  sign_type: "HMACSHA256",
  key: "0123456789abcdef0123456789abcdef",
};
export const minimal: Schemas["RecordCallbackConfigRequest"] = {
  publish_domain: "push.example.com",
  app: "*",
};

// @ts-expect-error `app` is required
export const missingApp: Schemas["RecordCallbackConfigRequest"] = { publish_domain: "push.example.com" };
// @ts-expect-error the known sign types are a closed list
export const badSignType: Schemas["SignType"] = "SHA1";
// @ts-expect-error the subscribable events are a closed list
export const badEvent: Schemas["SubscribedEvent"] = "RECORD_START";
// A config read back is sent back unchanged, even with values the document
// does not list (the request also takes any other name).
export const sentBack: Schemas["RecordCallbackConfigRequest"] = {
  publish_domain: "push.example.com",
  app: "live",
  notify_event_subscription: ["RECORD_SEGMENT_READY"],
  sign_type: "HMACSHA512",
};

// Notifications: a RECORD_START need not carry file_size, a newer event is
// a callback body too, and a known event still needs its own fields.
export const start: Schemas["RecordStartNotification"] = {
  project_id: "p", task_id: "t", event_type: "RECORD_START", publish_domain: "d", app: "a", stream: "s",
  record_format: "HLS",
};
export const newer: Schemas["RecordNotificationBody"] = { event_type: "RECORD_SNAPSHOT_READY" };
// @ts-expect-error a RECORD_START names its stream
export const noStream: Schemas["RecordStartNotification"] = {
  project_id: "p", task_id: "t", event_type: "RECORD_START", publish_domain: "d", app: "a", record_format: "HLS",
};

// The success body of create, reached through the path and the status.
type Created =
  paths["/v1/{project_id}/record/callbacks"]["post"]["responses"][201]["content"]["application/json"];
export function describe(config: Created): string {
  // `id` is required in responses, `notify_callback_url` optional.
  const url: string | undefined = config.notify_callback_url;
  return `${config.id} ${config.publish_domain}/${config.app} -> ${url ?? "(no URL)"}`;
}

// The list operation's query and its page.
type ListQuery = NonNullable<operations["ListRecordCallbackConfigs"]["parameters"]["query"]>;
export const query: ListQuery = { publish_domain: "push.example.com", offset: 0, limit: 10 };
type Page = operations["ListRecordCallbackConfigs"]["responses"][200]["content"]["application/json"];
export function total(page: Page): number {
  // Both fields are optional (a tolerant reading): an absent list is empty,
  // an absent total unknown.
  const listed = (page.callback_config ?? []).reduce((n) => n + 1, 0);
  return page.total === undefined || listed <= page.total ? (page.total ?? listed) : -1;
}

// Errors carry a code and a message; the request id sits in a header.
type BadRequest = operations["CreateRecordCallbackConfig"]["responses"][400];
export function explain(e: BadRequest["content"]["application/json"], headers: BadRequest["headers"]): string {
  return `${e.error_code}: ${e.error_msg} [${headers["X-request-id"]}]`;
}

// Delete answers 204 with no body.
type Deleted = operations["DeleteRecordCallbackConfig"]["responses"][204];
export const noBody: Deleted["content"] = undefined as never;
