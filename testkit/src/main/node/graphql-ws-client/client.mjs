// Drives the stock graphql-ws client (or, in "raw" mode, a bare graphql-transport-ws socket) as a
// frontend would, for the Java tests: one JSON argument says what to do, one JSON line per thing
// that happens goes to stdout.
//   {"url", "headers"?, "connectionParams"?, "operations": [{"query", "variables"?, "take"?}], "holdMs"?}
//   {"url", "mode": "raw", "send": [messages...], "holdMs"?, "untilAck"?}
//   {"url", "mode": "acks", "repeat": N}: N connections each sending connection_init at once; counts the acks
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const config = JSON.parse(process.argv[2]);
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class SocketWithHeaders extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { headers: config.headers || {} });
  }
}

async function raw() {
  const socket = new SocketWithHeaders(config.url, "graphql-transport-ws");
  const closed = new Promise((resolve) => socket.on("close", (code, reason) => {
    out({ event: "closed", code, reason: reason.toString() });
    resolve();
  }));
  let acked = false;
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString());
    out({ event: "message", message });
    if (config.untilAck && message.type === "connection_ack") acked = true;
  });
  socket.on("error", (error) => out({ event: "socket-error", message: error.message }));
  await new Promise((resolve) => socket.on("open", resolve));
  out({ event: "open" });
  if (config.delayMs) await sleep(config.delayMs);
  for (const message of config.send || []) {
    socket.send(JSON.stringify(message));
  }
  const start = Date.now();
  await Promise.race([closed, (async () => {
    while (!acked && Date.now() - start < (config.holdMs || 5000)) await sleep(20);
  })()]);
  socket.terminate();
}

async function acks() {
  let acked = 0;
  for (let i = 0; i < config.repeat; i++) {
    const socket = new SocketWithHeaders(config.url, "graphql-transport-ws");
    const answered = new Promise((resolve) => {
      socket.on("message", (data) => resolve(JSON.parse(data.toString()).type === "connection_ack"));
      socket.on("close", () => resolve(false));
      socket.on("error", () => resolve(false));
      setTimeout(() => resolve(false), config.holdMs || 3000);
    });
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
    if (await answered) acked++;
    socket.terminate();
  }
  out({ event: "acks", acked, total: config.repeat });
}

async function stock() {
  let closedEvent = null;
  const client = createClient({
    url: config.url,
    webSocketImpl: SocketWithHeaders,
    connectionParams: config.connectionParams || undefined,
    retryAttempts: 0,
    // one connection for all the operations, opened at once, as an app keeps it
    lazy: false,
    on: {
      connecting: () => out({ event: "connecting" }),
      opened: () => out({ event: "opened" }),
      connected: () => out({ event: "connected" }),
      closed: (event) => {
        closedEvent = { event: "closed", code: event.code, reason: event.reason };
        out(closedEvent);
      },
    },
  });
  for (const [index, operation] of (config.operations || []).entries()) {
    const take = operation.take || 1;
    await new Promise((resolve) => {
      let seen = 0;
      const stop = client.subscribe({ query: operation.query, variables: operation.variables || {} }, {
        next: (result) => {
          out({ event: "next", op: index, result });
          if (++seen >= take) {
            stop();
            resolve();
          }
        },
        error: (error) => {
          if (Array.isArray(error)) out({ event: "error", op: index, errors: error });
          else if (error && typeof error.code === "number") out({ event: "error", op: index, code: error.code, reason: error.reason });
          else out({ event: "error", op: index, message: String(error && error.message || error) });
          resolve();
        },
        complete: () => {
          out({ event: "complete", op: index });
          resolve();
        },
      });
    });
    if (closedEvent) break;
  }
  if (config.holdMs && !closedEvent) {
    // keep a subscription open to see whether the server ends it (e.g. when the token expires)
    const held = config.hold;
    if (held) {
      client.subscribe({ query: held.query, variables: held.variables || {} }, {
        next: (result) => out({ event: "next", op: "held", result }),
        error: (error) => out({ event: "error", op: "held", code: error && error.code, reason: error && error.reason }),
        complete: () => out({ event: "complete", op: "held" }),
      });
    }
    const start = Date.now();
    while (!closedEvent && Date.now() - start < config.holdMs) await sleep(100);
  }
  await Promise.race([client.dispose(), sleep(2000)]);
}

const timeout = setTimeout(() => {
  out({ event: "timeout" });
  process.exit(3);
}, config.timeoutMs || 30000);
(config.mode === "raw" ? raw() : config.mode === "acks" ? acks() : stock())
  .then(() => {
    clearTimeout(timeout);
    process.exit(0);
  })
  .catch((error) => {
    out({ event: "failed", message: String(error && error.stack || error) });
    process.exit(2);
  });
