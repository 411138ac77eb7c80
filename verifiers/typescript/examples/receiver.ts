// A receiver for recording notifications: verifies each POST, drops
// duplicates, answers 200 with a JSON body.
//
//   LIVE_CALLBACK_KEY=0123456789abcdef0123456789abcdef node dist/examples/receiver.js 127.0.0.1:8080
//
// LIVE_CALLBACK_KEY is the config's key (new,old while rotating), read from the
// environment only; LIVE_CALLBACK_SIGN_TYPE is HMACSHA256 (default) or MD5.

import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { NotificationError, Verifier, dedupeKey, type SignType } from "../src/index";

const verifier = new Verifier(
  (process.env.LIVE_CALLBACK_SIGN_TYPE ?? "HMACSHA256") as SignType,
  (process.env.LIVE_CALLBACK_KEY ?? "").split(",").map((k) => k.trim()).filter(Boolean),
);
const seen = new Set<string>(); // a real receiver keeps a bounded or persistent store

function answer(res: ServerResponse, code: number, body: object): void {
  res.writeHead(code, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size <= verifier.maxBody + 1) chunks.push(c);
  });
  req.on("end", () => {
    try {
      const n = verifier.verify(Buffer.concat(chunks));
      const key = dedupeKey(n);
      if (key === undefined) return answer(res, 200, { status: "ignored" }); // an event the contract does not list
      const id = JSON.stringify(key);
      const status = seen.has(id) ? "duplicate" : "ok";
      seen.add(id);
      console.error(`receiver: ${status} ${n.event_type} ${String(n.stream)}`);
      answer(res, 200, { status });
    } catch (e) {
      if (!(e instanceof NotificationError)) throw e;
      answer(res, e.status, { error: e.message });
    }
  });
});

const [host, port] = (process.argv[2] ?? "127.0.0.1:8080").split(/:(?=\d+$)/);
server.listen(Number(port), host, () => {
  console.error(`receiver: listening on http://${host}:${(server.address() as AddressInfo).port}`);
});
