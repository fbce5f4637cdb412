// JSON-RPC 2.0 over one WebSocket to the bridge's `/rpc` (the session cookie authenticates it).
//
// Each call gets a fresh numeric id and a pending promise, settled by the reply with that id.
// Server notifications (`event`, `notification`, `event.overflow`) go to the handlers registered
// with `on`. When the socket drops, calls in flight are rejected (whether they ran is unknown, so
// the caller decides), and the client reconnects with a growing delay; an event subscription is
// renewed with `after` = the last seq seen, so no event is missed or shown twice.

/** A JSON-RPC error reply (or a lost connection, code -32000), with the server's `data`. */
export class RpcError extends Error {
  constructor({ code, message, data }) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data ?? null;
  }
}

/** Codes of the engine's errors that screens act on. */
export const ErrorCode = Object.freeze({
  requiredFieldsMissing: 1001,
  notFound: 1002,
  duplicatesFound: 1003,
  fieldsMissingInTarget: 1004,
  conflict: 1005,
  forbidden: 1006,
  invalidValue: 1007,
  registryUnavailable: 1008,
  connectionLost: -32000,
});

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10000;

export class RpcClient {
  #url;
  #socket = null;
  #nextId = 1;
  #pending = new Map();
  #outbox = [];
  #handlers = new Map();
  #statusListeners = new Set();
  #retryMs = FIRST_RETRY_MS;
  #retryTimer = null;
  #closedByUs = false;
  #subscription = null;
  #lastSeq = null;

  /** @param {string} url the WebSocket URL, e.g. `ws://127.0.0.1:8080/rpc` */
  constructor(url) {
    this.#url = url;
  }

  /** The WebSocket URL of the page's own origin. */
  static sameOriginUrl(path = "/rpc") {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${path}`;
  }

  /** Opens the socket; resolves once it is open, rejects if the first attempt fails. */
  connect() {
    this.#closedByUs = false;
    return new Promise((resolve, reject) => {
      this.#open(resolve, reject);
    });
  }

  /** Closes for good: no reconnection; calls in flight are rejected. */
  close() {
    this.#closedByUs = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, "bye");
    this.#failPending("Соединение закрыто");
  }

  /** Calls a method; resolves with its result or rejects with an `RpcError`. */
  call(method, params = {}) {
    const id = this.#nextId++;
    const frame = JSON.stringify({ jsonrpc: "2.0", id, method, params });
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
      this.#send(frame);
    });
  }

  /** Registers a handler for a server notification; returns the function that removes it. */
  on(method, handler) {
    if (!this.#handlers.has(method)) this.#handlers.set(method, new Set());
    this.#handlers.get(method).add(handler);
    return () => this.#handlers.get(method)?.delete(handler);
  }

  /** Called with "open", "reconnecting" or "closed" as the connection changes. */
  onStatus(listener) {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /**
   * Subscribes to events (all when `topics` is empty); they arrive through `on("event", ...)`.
   * Kept across reconnections, resumed after the last seq delivered.
   */
  async subscribeEvents(topics = []) {
    this.#subscription = { topics };
    const result = await this.call("event.subscribe", { topics });
    if (this.#lastSeq === null) this.#lastSeq = result.last;
    return result;
  }

  /** The seq of the last event delivered (or the log's end when subscribing), null before. */
  get lastSeq() {
    return this.#lastSeq;
  }

  #open(resolve, reject) {
    let opened = false;
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.addEventListener("open", () => {
      opened = true;
      this.#retryMs = FIRST_RETRY_MS;
      for (const frame of this.#outbox.splice(0)) socket.send(frame);
      this.#emitStatus("open");
      resolve?.();
      this.#resubscribe();
    });
    socket.addEventListener("message", (message) => this.#receive(message.data));
    socket.addEventListener("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#failPending("Соединение с сервером потеряно");
      if (this.#closedByUs) {
        this.#emitStatus("closed");
        return;
      }
      if (!opened && reject) {
        this.#emitStatus("closed");
        reject(new RpcError({ code: ErrorCode.connectionLost, message: "Не удалось подключиться к серверу" }));
        return;
      }
      this.#emitStatus("reconnecting");
      this.#retryTimer = setTimeout(() => this.#open(null, null), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
    });
  }

  #resubscribe() {
    if (!this.#subscription || this.#lastSeq === null) return;
    this.call("event.subscribe", { topics: this.#subscription.topics, after: this.#lastSeq }).catch((error) => {
      // The log no longer holds our place (retention) or was reset: start from now on.
      if (error.code === ErrorCode.invalidValue) {
        this.#lastSeq = null;
        this.subscribeEvents(this.#subscription.topics).catch(() => {});
      }
    });
  }

  #send(frame) {
    if (this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(frame);
    } else {
      this.#outbox.push(frame);
    }
  }

  #receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      console.error("crmd: a frame that is not JSON", text);
      return;
    }
    for (const one of Array.isArray(message) ? message : [message]) this.#dispatch(one);
  }

  #dispatch(message) {
    if (message.method !== undefined && message.id === undefined) {
      this.#notify(message.method, message.params);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) {
      if (message.error) console.error("crmd:", message.error.message, message.error.data);
      return;
    }
    this.#pending.delete(message.id);
    if (message.error) {
      pending.reject(new RpcError(message.error));
    } else {
      pending.resolve(message.result);
    }
  }

  #notify(method, params) {
    if (method === "event" && typeof params?.seq === "number") {
      if (this.#lastSeq !== null && params.seq <= this.#lastSeq) return;
      this.#lastSeq = params.seq;
    }
    if (method === "event.overflow" && this.#subscription) {
      this.#lastSeq = params.lastSeq;
      this.#resubscribe();
    }
    for (const handler of this.#handlers.get(method) ?? []) {
      try {
        handler(params);
      } catch (error) {
        console.error(`crmd: the ${method} handler failed`, error);
      }
    }
  }

  #failPending(text) {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#outbox.length = 0;
    for (const call of pending) {
      call.reject(new RpcError({ code: ErrorCode.connectionLost, message: text, data: { method: call.method } }));
    }
  }

  #emitStatus(status) {
    for (const listener of this.#statusListeners) listener(status);
  }
}
