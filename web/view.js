// Building the page's elements. Whatever a user wrote is put in with
// textContent only: it is shown as text and never parsed as HTML.

import { dayKey, dayLabel, fullTime, localTime } from './time.js';

export const $ = (id) => document.getElementById(id);

// An element with classes and text.
export function el(tag, className = '', text = null) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== null) e.textContent = text;
  return e;
}

export function show(element, visible) {
  element.hidden = !visible;
}

function daySeparator(iso) {
  const li = el('li', 'day-separator');
  li.dataset.day = dayKey(iso);
  li.append(el('span', '', dayLabel(iso)));
  return li;
}

// One message (or a line about the room: someone joined, a topic...).
export function messageItem(m, me) {
  if (m.system) {
    const li = el('li', 'system');
    li.append(el('span', 'system-text', m.text));
    if (m.time) li.append(timeElement(m.time));
    return li;
  }
  const li = el('li', 'message');
  li.dataset.kind = m.kind;
  if (m.id > 0) li.dataset.id = String(m.id);
  if (m.from.toLowerCase() === me.toLowerCase()) li.classList.add('own');
  const meta = el('div', 'meta');
  meta.append(el('span', 'from', m.from));
  if (m.kind === 'private' && m.to && m.from.toLowerCase() === me.toLowerCase()) {
    meta.append(el('span', 'to', '→ ' + m.to));
  }
  meta.append(timeElement(m.time));
  if (m.guest) meta.append(el('span', 'tag guest', 'guest'));
  if (m.offline) {
    li.classList.add('offline');
    const tag = el('span', 'tag offline-tag', 'offline');
    tag.title = 'Sent while you were offline';
    meta.append(tag);
  }
  if (m.stored) {
    const tag = el('span', 'tag stored-tag', 'stored');
    tag.title = 'The recipient is offline; it will be delivered at their next login';
    meta.append(tag);
  }
  li.append(meta);
  li.append(el('div', 'text', m.text));
  return li;
}

function timeElement(iso) {
  const t = el('time', '', localTime(iso));
  t.dateTime = iso;
  t.title = fullTime(iso);
  return t;
}

// The whole list, with a separator before each new local day.
export function renderMessages(list, messages, me) {
  const items = [];
  let day = null;
  for (const m of messages) {
    const k = dayKey(m.time);
    if (k && k !== day) {
      items.push(daySeparator(m.time));
      day = k;
    }
    items.push(messageItem(m, me));
  }
  list.replaceChildren(...items);
}

// Adds the last message of `messages` at the end of the list.
export function appendMessage(list, messages, me) {
  const m = messages[messages.length - 1];
  const prev = messages.length > 1 ? messages[messages.length - 2] : null;
  const k = dayKey(m.time);
  if (k && (!prev || dayKey(prev.time) !== k)) list.append(daySeparator(m.time));
  list.append(messageItem(m, me));
}

export function conversationItem(c, active, online) {
  const li = el('li');
  const b = el('button', 'conv');
  b.type = 'button';
  b.dataset.key = c.key;
  b.dataset.kind = c.kind;
  if (active) b.classList.add('active');
  if (c.unread > 0) b.classList.add('has-unread');
  if (c.kind === 'person' && online) b.classList.add('online');
  const icon = c.kind === 'everyone' ? '*' : c.kind === 'room' ? '#' : '@';
  b.append(el('span', 'conv-icon', icon));
  b.append(el('span', 'conv-name', c.kind === 'room' ? c.name.replace(/^#/, '') : c.name));
  if (c.unread > 0) b.append(el('span', 'badge', c.unread > 99 ? '99+' : String(c.unread)));
  li.append(b);
  return li;
}

export function onlineItem(u) {
  const li = el('li', 'user');
  li.dataset.name = u.name;
  const b = el('button', 'user-name', u.name);
  b.type = 'button';
  b.dataset.name = u.name;
  b.title = 'Message ' + u.name;
  li.append(b);
  if (u.guest) li.append(el('span', 'tag guest', 'guest'));
  if (u.away) {
    li.classList.add('away');
    li.append(el('span', 'away-text', 'away: ' + u.away));
  }
  if (u.intro) li.append(el('span', 'intro', u.intro));
  return li;
}
