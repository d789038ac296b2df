// One WebSocket to parleyd's /ws speaking the JSON protocol of docs/WEB.md:
// requests get a `ref`, and the reply carrying it settles the request.
// Reconnecting is the caller's decision (see Backoff).

const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;

export function socketUrl(location) {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  return scheme + location.host + '/ws';
}

export class Connection {
  // handlers: onHello(msg), onMessage(msg, request), onClose(wasOpen)
  constructor(url, handlers) {
    this.handlers = handlers;
    this.pending = new Map(); // ref -> the request object
    this.nextRef = 1;
    this.hello = null;
    this.closed = false;
    this.pingTimer = null;
    this.pongTimer = null;
    this.socket = new WebSocket(url);
    this.socket.addEventListener('message', (e) => this.received(e.data));
    this.socket.addEventListener('close', () => this.ended());
    this.socket.addEventListener('error', () => this.socket.close());
  }

  get ready() {
    return !this.closed && this.hello !== null && this.socket.readyState === WebSocket.OPEN;
  }

  // Sends a request; returns its ref.
  send(request) {
    const ref = String(this.nextRef++);
    const body = { ...request, ref };
    this.pending.set(ref, body);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(body));
    return ref;
  }

  close() {
    if (this.closed) return;
    this.socket.close();
    this.ended();
  }

  received(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return; // the server only sends JSON; anything else is ignored
    }
    if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (msg.type === 'hello') {
      this.hello = msg;
      this.startPinging();
      this.handlers.onHello(msg);
      return;
    }
    let request = null;
    if (typeof msg.ref === 'string' && this.pending.has(msg.ref)) {
      request = this.pending.get(msg.ref);
      this.pending.delete(msg.ref);
    }
    if (msg.type === 'pong') {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
      return;
    }
    this.handlers.onMessage(msg, request);
  }

  // A connection that silently died (a laptop's sleep, a dropped route) is
  // noticed by a missing pong; pings do not count as activity for the idle
  // logout.
  startPinging() {
    this.pingTimer = setInterval(() => {
      if (this.pongTimer !== null || this.socket.readyState !== WebSocket.OPEN) return;
      this.send({ type: 'ping' });
      this.pongTimer = setTimeout(() => this.close(), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  ended() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    const wasOpen = this.hello !== null;
    this.handlers.onClose(wasOpen);
  }
}

// Delays between reconnection attempts: doubling from half a second up to
// ten seconds, with some jitter so that many pages do not return at once.
export class Backoff {
  constructor(firstMs = 500, maxMs = 10000) {
    this.firstMs = firstMs;
    this.maxMs = maxMs;
    this.reset();
  }

  reset() {
    this.attempt = 0;
  }

  next() {
    const base = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(base * (0.8 + Math.random() * 0.2));
  }
}
