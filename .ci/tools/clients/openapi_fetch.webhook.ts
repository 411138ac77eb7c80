// Compiled with main.ts for the 3.1 rendition only: openapi-typescript
// types its `webhooks`, and the webhook's body is the callback's body type,
// RecordNotificationBody (a webhook that was a `$ref` came out as
// `post?: never`).
import type { components, webhooks } from "./client/schema";

type Hook = webhooks[keyof webhooks];
type Payload = NonNullable<Hook["post"]>["requestBody"] extends infer B
    ? B extends { content: { "application/json": infer P } } ? P : never
    : never;
type Notification = components["schemas"]["RecordNotificationBody"];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const webhookIsTyped: Same<Payload, Notification> = true;
