// Compiled with main.ts for the 3.1 rendition only: @hey-api/openapi-ts
// types its `webhooks` (it crashed on a webhook that was a `$ref` into
// #/paths), and the webhook's body is the callback's body type,
// RecordNotificationBody (a known event or OtherRecordNotification).
import type { RecordNotificationBody, Webhooks } from "./client/types.gen";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const webhookIsTyped: Same<Webhooks["body"], RecordNotificationBody> = true;
