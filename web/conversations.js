// The conversations the page shows: Everyone (broadcasts), rooms and people,
// each a list of messages kept in time order without duplicates. No DOM here.

// A local echo (built from our own `sent` reply) and the same message coming
// back from history may differ by the moment the server stamped each; this
// much apart they are taken for one message.
const ECHO_SLACK_MS = 3000;

export const EVERYONE = '*';

export function fold(name) {
  return String(name).toLowerCase();
}

export function roomKey(room) {
  return fold(room);
}

export function personKey(name) {
  return '@' + fold(name);
}

// Our own text as the server relays it (docs/PROTOCOL.md): a tab becomes a
// space; other control characters, escape sequences and bidirectional
// overrides are removed. Local echoes then match what history gives back.
export function cleanText(text) {
  return String(text)
    .replace(/\t/g, ' ')
    .replace(/\x1b\[[0-?]*[ -\/]*[@-~]/g, '')
    .replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, '');
}

function millis(time) {
  const t = Date.parse(time);
  return Number.isNaN(t) ? 0 : t;
}

// What identifies a message across live delivery, offline delivery and
// history: a room message's id; otherwise its sender, time and text. The
// time to the second only: the store keeps whole seconds, a live message
// has milliseconds.
function identity(m) {
  if (m.system) return 's|' + m.time + '|' + m.text;
  if (m.kind === 'room' && m.id > 0) return 'r|' + m.id;
  return 'm|' + fold(m.from) + '|' + Math.floor(millis(m.time) / 1000) + '|' + m.text;
}

export class Conversation {
  constructor(key, kind, name) {
    this.key = key;
    this.kind = kind; // 'everyone' | 'room' | 'person'
    this.name = name;
    this.messages = [];
    this.identities = new Map(); // identity -> message
    this.unread = 0;
    this.more = null; // null: not asked yet; then whether older history is kept
    this.loading = false; // or the kind of history page asked for
    this.catchupPages = 0;
    this.historyLoaded = false;
    this.topic = '';
    this.left = false;
    this.lastActivity = 0;
  }

  // The smallest store id among the messages, for paging history back.
  oldestId() {
    let oldest = 0;
    for (const m of this.messages) if (m.id > 0 && (oldest === 0 || m.id < oldest)) oldest = m.id;
    return oldest;
  }

  findEcho(m) {
    if (m.system) return null;
    const t = millis(m.time);
    for (let i = this.messages.length - 1; i >= 0 && i >= this.messages.length - 500; --i) {
      const other = this.messages[i];
      if (other.system || !(other.local || m.local) || (other.local && m.local)) continue;
      if (other.matched) continue;
      if (fold(other.from) !== fold(m.from) || other.text !== m.text) continue;
      if (m.kind === 'room' && other.id > 0 && m.id > 0 && other.id !== m.id) continue;
      if (Math.abs(millis(other.time) - t) <= ECHO_SLACK_MS) return other;
    }
    return null;
  }

  // Adds a message in time order; returns its index, or -1 when it was
  // already there.
  add(m) {
    const id = identity(m);
    const known = this.identities.get(id) || this.findEcho(m);
    if (known) {
      // The same message again: keep the store's id for paging history.
      if (known !== this.identities.get(id)) known.matched = true;
      if (!(known.id > 0) && m.id > 0) known.id = m.id;
      this.identities.set(id, known);
      return -1;
    }
    this.identities.set(id, m);
    m.at = millis(m.time);
    let i = this.messages.length;
    while (i > 0 && this.later(this.messages[i - 1], m)) --i;
    this.messages.splice(i, 0, m);
    if (m.at > this.lastActivity) this.lastActivity = m.at;
    return i;
  }

  later(a, b) {
    if (a.at !== b.at) return a.at > b.at;
    return (a.id || 0) > (b.id || 0) && b.id > 0;
  }
}

// All conversations, by key.
export class Conversations {
  constructor() {
    this.byKey = new Map();
    this.everyone = this.ensure(EVERYONE, 'everyone', 'Everyone');
  }

  ensure(key, kind, name) {
    let c = this.byKey.get(key);
    if (!c) {
      c = new Conversation(key, kind, name);
      this.byKey.set(key, c);
    }
    return c;
  }

  room(name) {
    return this.ensure(roomKey(name), 'room', name);
  }

  person(name) {
    return this.ensure(personKey(name), 'person', name);
  }

  get(key) {
    return this.byKey.get(key);
  }

  remove(key) {
    if (key !== EVERYONE) this.byKey.delete(key);
  }

  // The conversation a chat message belongs to, seen by `me`.
  forMessage(m, me) {
    if (m.kind === 'broadcast') return this.everyone;
    if (m.kind === 'room') return this.room(m.room);
    const other = fold(m.from) === fold(me) && m.to ? m.to : m.from;
    return this.person(other);
  }

  // Everyone first, then rooms by name, then people by latest message.
  ordered() {
    const rooms = [];
    const people = [];
    for (const c of this.byKey.values()) {
      if (c.kind === 'room') rooms.push(c);
      else if (c.kind === 'person') people.push(c);
    }
    rooms.sort((a, b) => fold(a.name).localeCompare(fold(b.name)));
    people.sort((a, b) => b.lastActivity - a.lastActivity || fold(a.name).localeCompare(fold(b.name)));
    return [this.everyone, ...rooms, ...people];
  }

  totalUnread() {
    let n = 0;
    for (const c of this.byKey.values()) n += c.unread;
    return n;
  }
}
