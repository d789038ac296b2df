// parley's web client: the login page, the conversations and the composer,
// over the JSON protocol of docs/WEB.md.

import { Backoff, Connection, socketUrl } from './connection.js';
import { cleanText, Conversations, EVERYONE, fold, personKey, roomKey } from './conversations.js';
import { $, appendMessage, conversationItem, el, onlineItem, renderMessages, show } from './view.js';

const HISTORY_PAGE = 50;
const MAX_CATCHUP_PAGES = 10;
const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 40;
const PHONE_WIDTH = '(max-width: 700px)';
// The ends of a session (`bye`) after which the page logs in again by
// itself: a restart of the server, a connection too slow or silent.
const RECONNECT_AFTER = new Set(['shutdown', 'slow', 'ping_timeout']);

// --- state -------------------------------------------------------------------

let conn = null;
// Kept in this page's memory only, to log in again after a dropped
// connection; forgotten at logout.
let credentials = null;
let me = '';
let loggedIn = false; // since `welcome`, until the connection ends
let wantReconnect = false; // after a first login, until `bye` or logout
let reconnecting = false;
let reconnectTimer = null;
const backoff = new Backoff();
let loginPending = false;

let convs = new Conversations();
let activeKey = EVERYONE;
const online = new Map(); // folded name -> USER
let whoelseTimer = null;

let blockTimer = null;
let idleTimer = null;

// --- connection --------------------------------------------------------------

function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (conn && !conn.closed) return;
  // Events of a connection already replaced are not this page's business.
  const c = new Connection(socketUrl(window.location), {
    onHello: (msg) => c === conn && onHello(msg),
    onMessage: (msg, request) => c === conn && onMessage(msg, request),
    onClose: (wasOpen) => c === conn && onClose(wasOpen),
  });
  conn = c;
}

function onHello() {
  if (credentials && (loginPending || reconnecting)) sendLogin();
}

function sendLogin() {
  conn.send({ type: 'login', user: credentials.user, password: credentials.password });
}

function onClose(wasOpen) {
  loggedIn = false;
  delete document.body.dataset.ready;
  hideIdleWarning();
  // Their answers are lost with the connection.
  for (const c of convs.byKey.values()) c.loading = false;
  if (wantReconnect) {
    scheduleReconnect();
    return;
  }
  if (loginPending) {
    loginPending = false;
    $('login-button').disabled = false;
    loginError(wasOpen ? 'The connection to the server was lost; try again.' : 'Cannot reach the server; try again.');
  }
}

function scheduleReconnect() {
  reconnecting = true;
  const delay = backoff.next();
  setStatus('Reconnecting…', 'reconnecting');
  clearTimeout(reconnectTimer);
  reconnectTimer = setTimeout(connect, delay);
}

function send(request) {
  if (!conn || !conn.ready) return null;
  return conn.send(request);
}

function setStatus(text, state = '') {
  const s = $('status');
  s.textContent = text;
  s.className = state;
}

// --- messages from the server -----------------------------------------------

const handlers = {
  welcome: onWelcome,
  ready: onReady,
  message: (msg) => addMessage(msg),
  unread: onUnread,
  sent: onSent,
  history: onHistory,
  presence: onPresence,
  users: onUsers,
  joined: onJoined,
  left: (msg, request) => onLeft(request ? request.room : msg.room),
  ok: onOk,
  topic: onTopic,
  room_event: onRoomEvent,
  invitation: (msg) => notice(msg.by + ' invited you to ' + msg.room + '; join it from the sidebar.'),
  notice: (msg) => notice('Notice from the server: ' + msg.text),
  idle_warning: onIdleWarning,
  bye: onBye,
  error: onError,
};

function onMessage(msg, request) {
  const handler = handlers[msg.type];
  if (handler) handler(msg, request);
}

function onWelcome(msg) {
  const first = !reconnecting || fold(msg.user) !== fold(me);
  me = msg.user;
  loggedIn = true;
  loginPending = false;
  wantReconnect = true;
  backoff.reset();
  if (first) {
    convs = new Conversations();
    activeKey = EVERYONE;
    online.clear();
    $('me').textContent = me;
    $('login-password').value = '';
    $('login-button').disabled = false;
    if (msg.text) convs.everyone.add({ system: true, text: msg.text, time: new Date().toISOString() });
    showScreen('chat');
    renderAll();
    setStatus('');
  } else {
    setStatus('Catching up…', 'reconnecting');
  }
}

function onReady(msg) {
  online.clear();
  for (const u of msg.online || []) online.set(fold(u.name), u);
  for (const r of msg.rooms || []) updateRoom(r);
  if (reconnecting) {
    reconnecting = false;
    // Close the gap of the drop: what each open conversation missed.
    for (const c of convs.byKey.values()) {
      if (c.kind !== 'everyone' && (c.historyLoaded || c.messages.length > 0)) {
        c.catchupPages = 0;
        requestHistory(c, 'catchup');
      }
    }
  }
  setStatus('');
  document.body.dataset.ready = 'true'; // logged in and caught up
  renderSidebar();
  renderHeader();
  const active = convs.get(activeKey);
  if (active && !active.historyLoaded) requestHistory(active, 'latest');
}

function updateRoom(r) {
  const c = convs.room(r.name);
  c.name = r.name;
  c.topic = r.topic || '';
  c.owner = !!r.owner;
  c.left = false;
  return c;
}

function addMessage(m) {
  if (!m || typeof m.text !== 'string') return;
  const c = convs.forMessage(m, me);
  const at = c.add(m);
  if (at < 0) return;
  const mine = !m.system && fold(m.from) === fold(me);
  const seen = c.key === activeKey && document.visibilityState === 'visible' && !sidebarCoversView();
  if (!mine && !m.system && !seen && !m.history) c.unread += 1;
  if (c.key === activeKey) {
    if (at === c.messages.length - 1) appendToView(c);
    else renderMessageView();
  }
  renderSidebar();
}

function addSystemLine(c, text, time) {
  const at = c.add({ system: true, text, time: time || new Date().toISOString() });
  if (at >= 0 && c.key === activeKey) renderMessageView();
}

function onUnread(msg) {
  const c = convs.room(msg.room);
  for (const m of msg.messages || []) c.add(m);
  c.unread = Math.max(c.unread, msg.count || 0);
  if (c.key === activeKey) renderMessageView();
  renderSidebar();
}

function onSent(msg, request) {
  if (!request) return;
  const base = { from: me, text: cleanText(request.text), time: msg.time, local: true };
  if (request.type === 'broadcast') {
    addMessage({ ...base, kind: 'broadcast' });
  } else if (String(request.to).startsWith('#')) {
    addMessage({ ...base, kind: 'room', room: msg.to, id: msg.id || 0 });
  } else {
    addMessage({ ...base, kind: 'private', to: msg.to, stored: !!msg.stored });
  }
}

// mode: 'latest' (the newest page, when a conversation opens), 'older' (the
// page before what is shown, scrolling back) or 'catchup' (after a
// reconnection: pages back until they meet what was shown before the drop).
function requestHistory(c, mode, before = 0) {
  if (!c || c.kind === 'everyone' || c.loading || !loggedIn) return;
  if (mode === 'older') {
    if (c.more === false) return;
    before = c.oldestId();
    if (before === 0) mode = 'latest';
  }
  const request = { type: 'history', with: c.name, limit: HISTORY_PAGE };
  if (before > 0) request.before = before;
  if (send(request) === null) return;
  c.loading = mode;
  if (c.key === activeKey) renderHistoryStatus();
}

function onHistory(msg, request) {
  const name = msg.with || (request && request.with);
  if (!name) return;
  const c = name.startsWith('#') ? convs.get(roomKey(name)) : convs.person(name);
  if (!c) return;
  if (c.kind === 'person') c.name = name; // as the account spells it
  const mode = c.loading || 'latest';
  c.loading = false;
  c.historyLoaded = true;
  const hadMessages = c.messages.some((m) => !m.system);
  // Only the page furthest back says whether older messages are kept.
  if (mode === 'older' || c.more === null) c.more = !!msg.more;
  const view = $('messages');
  const fromBottom = view.scrollHeight - view.scrollTop;
  const wasNearBottom = fromBottom - view.clientHeight < NEAR_BOTTOM_PX;
  const messages = Array.isArray(msg.messages) ? msg.messages : [];
  let added = 0;
  let oldest = 0;
  for (const m of messages) {
    m.history = true;
    if (c.add(m) >= 0) added += 1;
    if (m.id > 0 && (oldest === 0 || m.id < oldest)) oldest = m.id;
  }
  if (c.key === activeKey) {
    if (added > 0) {
      renderMessageView(false);
      // Keep what the reader was looking at in place when older messages
      // come in above it.
      if (wasNearBottom && mode !== 'older') view.scrollTop = view.scrollHeight;
      else view.scrollTop = view.scrollHeight - fromBottom;
    }
    renderHistoryStatus();
  }
  // A whole page of messages missed during a drop: the gap may go further
  // back than one page.
  if (mode === 'catchup' && hadMessages && msg.more && oldest > 0 && added === messages.length &&
      c.catchupPages < MAX_CATCHUP_PAGES) {
    c.catchupPages += 1;
    requestHistory(c, 'catchup', oldest);
  } else if (c.key === activeKey) {
    fillView();
  }
  renderSidebar();
}

function onPresence(msg) {
  const key = fold(msg.user);
  if (fold(msg.user) === fold(me)) return;
  switch (msg.state) {
    case 'online':
      online.set(key, { name: msg.user, intro: '', away: '', guest: !!msg.guest });
      // Presence carries no introduction; the user list does.
      clearTimeout(whoelseTimer);
      whoelseTimer = setTimeout(() => send({ type: 'whoelse' }), 200);
      break;
    case 'offline':
      online.delete(key);
      break;
    case 'away':
      if (online.has(key)) online.get(key).away = msg.text || 'away';
      break;
    case 'back':
      if (online.has(key)) online.get(key).away = '';
      break;
    default:
      return;
  }
  renderSidebar();
  if (activeKey === personKey(msg.user)) renderHeader();
}

function onUsers(msg) {
  if (msg.minutes !== undefined) return;
  online.clear();
  for (const u of msg.users || []) online.set(fold(u.name), u);
  renderSidebar();
}

function onJoined(msg) {
  if (!msg.room || !msg.room.name) return;
  const c = updateRoom(msg.room);
  $('join-room').value = '';
  openConversation(c.key);
}

function onLeft(room) {
  if (!room) return;
  const key = roomKey(room);
  convs.remove(key);
  if (activeKey === key) openConversation(EVERYONE);
  else renderSidebar();
}

function onOk(msg, request) {
  if (!request) return;
  if (request.type === 'leave') onLeft(request.room);
  else if (request.type === 'intro') {
    const status = $('intro-status');
    status.textContent = request.text ? 'Saved.' : 'Cleared.';
    show(status, true);
  }
}

function onTopic(msg) {
  const c = convs.get(roomKey(msg.room));
  if (!c) return;
  c.topic = msg.topic || '';
  if (c.key === activeKey) renderHeader();
}

const roomEventText = {
  joined: (e) => e.by + ' joined the room',
  left: (e) => e.by + ' left the room',
  removed: (e) => e.target + ' was removed by ' + e.by,
  topic: (e) => (e.text ? e.by + ' set the topic: ' + e.text : e.by + ' cleared the topic'),
  owner_added: (e) => (e.by ? e.by + ' made ' + e.target + ' an owner' : e.target + ' is now an owner'),
  owner_dropped: (e) => (e.by ? e.by + ' handed ownership to ' + e.target : e.target + ' is no longer an owner'),
  access: (e) => e.by + ' made the room ' + (e.text === 'invite-only' ? 'invite-only' : 'public'),
};

function onRoomEvent(e) {
  const describe = roomEventText[e.event];
  if (!describe || !e.room) return;
  const key = roomKey(e.room);
  let c = convs.get(key);
  if (!c) {
    // Our own join from another connection of ours.
    if (e.event !== 'joined' || fold(e.by || '') !== fold(me)) return;
    c = convs.room(e.room);
  }
  if (e.event === 'topic') c.topic = e.text || '';
  if (e.event === 'removed' && fold(e.target || '') === fold(me)) c.left = true;
  if (e.event === 'left' && fold(e.by || '') === fold(me)) c.left = true;
  addSystemLine(c, describe(e), e.time);
  if (c.key === activeKey) renderHeader();
  renderSidebar();
}

function onIdleWarning(msg) {
  const banner = $('idle-banner');
  let left = Math.max(1, Math.round(msg.seconds || 60));
  $('idle-seconds').textContent = String(left);
  show(banner, true);
  clearInterval(idleTimer);
  idleTimer = setInterval(() => {
    left = Math.max(0, left - 1);
    $('idle-seconds').textContent = String(left);
    if (left === 0) clearInterval(idleTimer);
  }, 1000);
}

function hideIdleWarning() {
  clearInterval(idleTimer);
  idleTimer = null;
  show($('idle-banner'), false);
}

// Any request but a ping counts as activity; this one also refreshes the
// online list.
function stillHere() {
  if ($('idle-banner').hidden) return;
  hideIdleWarning();
  send({ type: 'whoelse' });
}

function onBye(msg) {
  if (!loggedIn && !wantReconnect) {
    // Refused at the door, or the login page sat past the login deadline.
    if (loginPending) {
      loginPending = false;
      $('login-button').disabled = false;
      if (msg.seconds > 0) startBlockCountdown(msg.seconds);
      loginError(msg.text || 'The server refused the connection.');
    }
    return;
  }
  if (reconnecting && msg.reason === 'refused') return; // the next attempt may be let in
  if (RECONNECT_AFTER.has(msg.reason)) {
    // Not the user's doing nor an administrator's: like a dropped
    // connection, and the server may well be back in a moment.
    setStatus(msg.text || 'Disconnected', 'reconnecting');
    return;
  }
  wantReconnect = false;
  reconnecting = false;
  loggedIn = false;
  credentials = null;
  clearTimeout(reconnectTimer);
  hideIdleWarning();
  $('bye-text').textContent = msg.text || 'You have been logged out.';
  document.body.dataset.byeReason = msg.reason || '';
  showScreen('bye');
}

const loginCodes = new Set(['login_failed', 'blocked', 'still_blocked', 'already_logged_in', 'no_such_user']);

function onError(msg, request) {
  if (request && request.type === 'login') {
    loginPending = false;
    $('login-button').disabled = false;
    if (reconnecting) {
      // The password no longer works (changed, or the account blocked):
      // back to the login page.
      reconnecting = false;
      wantReconnect = false;
      credentials = null;
      showScreen('login');
    }
    if (msg.code === 'blocked' || msg.code === 'still_blocked') startBlockCountdown(msg.seconds || 0);
    loginError(msg.text || 'Login failed.');
    return;
  }
  if (loginCodes.has(msg.code) && !loggedIn) {
    loginError(msg.text);
    return;
  }
  if (request && request.type === 'history') {
    const c = request.with.startsWith('#') ? convs.get(roomKey(request.with)) : convs.get(personKey(request.with));
    if (c) {
      c.loading = false;
      if (msg.code !== 'unavailable') c.more = false;
      c.historyLoaded = true;
      if (c.key === activeKey) renderHistoryStatus();
    }
    if (c && c.key === activeKey) composerError(msg.text || msg.code);
    return;
  }
  if (request && ['join', 'intro', 'leave'].includes(request.type)) {
    if (request.type === 'intro') {
      const status = $('intro-status');
      status.textContent = msg.text;
      show(status, true);
    } else {
      sidebarError(msg.text);
    }
    return;
  }
  if (request && request.type === 'send' && !$('composer-text').value) {
    $('composer-text').value = request.text; // not lost: it can be sent again
  }
  composerError(msg.text || msg.code);
}

// --- the login page ----------------------------------------------------------

function loginError(text) {
  const e = $('login-error');
  e.textContent = text;
  show(e, true);
}

function startBlockCountdown(seconds) {
  clearInterval(blockTimer);
  let left = Math.max(0, Math.round(seconds));
  const update = () => {
    $('login-block-seconds').textContent = String(left);
    show($('login-block'), left > 0);
  };
  update();
  blockTimer = setInterval(() => {
    left -= 1;
    update();
    if (left <= 0) {
      clearInterval(blockTimer);
      show($('login-error'), false);
    }
  }, 1000);
}

function onLoginSubmit(event) {
  event.preventDefault();
  const user = $('login-user').value.trim();
  const password = $('login-password').value;
  if (!user || !password) {
    loginError('Enter your user name and password.');
    return;
  }
  show($('login-error'), false);
  credentials = { user, password };
  loginPending = true;
  reconnecting = false;
  $('login-button').disabled = true;
  if (conn && conn.ready) sendLogin();
  else {
    const stale = conn;
    conn = null;
    if (stale) stale.close();
    connect();
  }
}

// --- the chat screen ---------------------------------------------------------

function showScreen(name) {
  show($('login-screen'), name === 'login');
  show($('chat-screen'), name === 'chat');
  show($('bye-screen'), name === 'bye');
  document.body.dataset.screen = name;
  if (name === 'login') $('login-user').focus();
  if (name === 'chat' && !isPhone()) $('composer-text').focus();
}

function isPhone() {
  return window.matchMedia(PHONE_WIDTH).matches;
}

function sidebarCoversView() {
  return isPhone() && document.body.classList.contains('sidebar-open');
}

function setSidebarOpen(open) {
  document.body.classList.toggle('sidebar-open', open);
  $('sidebar-toggle').setAttribute('aria-expanded', String(open));
  if (!open) markActiveRead();
}

function markActiveRead() {
  const c = convs.get(activeKey);
  if (c && c.unread > 0 && !sidebarCoversView()) {
    c.unread = 0;
    renderSidebar();
  }
}

function openConversation(key) {
  if (!convs.get(key)) key = EVERYONE;
  activeKey = key;
  const c = convs.get(key);
  c.unread = 0;
  $('composer-error').hidden = true;
  show($('topic-form'), false);
  setSidebarOpen(false);
  renderAll();
  if (!c.historyLoaded) requestHistory(c, 'latest');
  if (!isPhone()) $('composer-text').focus();
}

function renderAll() {
  renderSidebar();
  renderHeader();
  renderMessageView();
}

function renderSidebar() {
  const items = convs.ordered().map((c) => conversationItem(c, c.key === activeKey, c.kind === 'person' && online.has(fold(c.name))));
  $('conversations').replaceChildren(...items);
  const users = [...online.values()].sort((a, b) => fold(a.name).localeCompare(fold(b.name)));
  $('online').replaceChildren(...(users.length ? users.map(onlineItem) : [el('li', 'hint', 'Nobody else is online.')]));
  $('online-count').textContent = '(' + users.length + ')';
  const total = convs.totalUnread();
  const badge = $('toggle-unread');
  badge.textContent = total > 99 ? '99+' : String(total);
  show(badge, total > 0);
  document.title = (total > 0 ? '(' + total + ') ' : '') + 'parley';
}

function renderHeader() {
  const c = convs.get(activeKey);
  if (!c) return;
  let title = c.name;
  let sub = '';
  if (c.kind === 'everyone') sub = 'Broadcasts: a message here goes to every user.';
  else if (c.kind === 'room') sub = c.left ? 'You are no longer in this room.' : c.topic || 'No topic';
  else {
    const u = online.get(fold(c.name));
    sub = u ? (u.away ? 'away: ' + u.away : u.intro || 'online') : 'offline';
  }
  $('conv-name').textContent = title;
  $('conv-topic').textContent = sub;
  $('conversation').dataset.key = c.key;
  $('conversation').dataset.kind = c.kind;
  show($('topic-button'), c.kind === 'room' && !c.left);
  show($('leave-button'), c.kind === 'room' && !c.left);
  $('composer-text').placeholder =
    c.kind === 'everyone' ? 'Message everyone' : c.kind === 'room' ? 'Message ' + c.name : 'Message ' + c.name;
}

function renderMessageView(scrollToEnd = true) {
  const c = convs.get(activeKey);
  if (!c) return;
  renderMessages($('message-list'), c.messages, me);
  renderHistoryStatus();
  if (scrollToEnd) {
    const view = $('messages');
    view.scrollTop = view.scrollHeight;
  }
}

function appendToView(c) {
  const view = $('messages');
  const nearBottom = view.scrollHeight - view.scrollTop - view.clientHeight < NEAR_BOTTOM_PX;
  appendMessage($('message-list'), c.messages, me);
  const last = c.messages[c.messages.length - 1];
  if (nearBottom || (last && fold(last.from || '') === fold(me))) view.scrollTop = view.scrollHeight;
}

function renderHistoryStatus() {
  const c = convs.get(activeKey);
  const s = $('history-status');
  s.replaceChildren();
  s.className = 'hint';
  if (!c || c.kind === 'everyone') {
    s.textContent = 'Broadcasts are not kept in history.';
    return;
  }
  if (c.loading) s.textContent = 'Loading…';
  else if (c.more) {
    const b = el('button', 'link', 'Load earlier messages');
    b.type = 'button';
    b.id = 'load-earlier';
    s.append(b);
  } else if (c.historyLoaded) s.textContent = c.messages.length ? 'Beginning of the conversation' : 'No messages yet';
}

// When the first page does not fill the view there is nothing to scroll:
// load more until it does.
function fillView() {
  const c = convs.get(activeKey);
  const view = $('messages');
  if (c && c.more && !c.loading && view.scrollHeight <= view.clientHeight) requestHistory(c, 'older');
}

function onScroll() {
  const c = convs.get(activeKey);
  if (c && $('messages').scrollTop < NEAR_TOP_PX && c.more) requestHistory(c, 'older');
}

function composerError(text) {
  const e = $('composer-error');
  e.textContent = text;
  show(e, true);
}

function sidebarError(text) {
  const e = $('sidebar-error');
  e.textContent = text;
  show(e, true);
}

// The protocol carries one line per message (the server removes control
// characters, line breaks included), so each line written with Shift+Enter
// goes as a message of its own, in order.
function onComposerSubmit(event) {
  event.preventDefault();
  const box = $('composer-text');
  const lines = box.value.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return;
  const c = convs.get(activeKey);
  if (!c) return;
  if (!conn || !conn.ready) {
    composerError('Not connected; the message was not sent.');
    return;
  }
  for (const text of lines) {
    if (c.kind === 'everyone') send({ type: 'broadcast', text });
    else send({ type: 'send', to: c.name, text });
  }
  show($('composer-error'), false);
  box.value = '';
  resizeComposer();
}

function resizeComposer() {
  const box = $('composer-text');
  const lines = box.value.split('\n').length;
  box.rows = Math.min(6, Math.max(1, lines));
}

function onComposerKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
}

function onJoinSubmit(event) {
  event.preventDefault();
  let room = $('join-room').value.trim();
  if (!room) return;
  if (!room.startsWith('#')) room = '#' + room;
  show($('sidebar-error'), false);
  const existing = convs.get(roomKey(room));
  if (existing && !existing.left) {
    $('join-room').value = '';
    openConversation(existing.key);
    return;
  }
  send({ type: 'join', room });
}

function onDirectSubmit(event) {
  event.preventDefault();
  const name = $('dm-user').value.trim();
  if (!name) return;
  if (fold(name) === fold(me)) {
    sidebarError('That is you.');
    return;
  }
  show($('sidebar-error'), false);
  $('dm-user').value = '';
  const u = online.get(fold(name));
  const c = convs.person(u ? u.name : name);
  openConversation(c.key);
}

function onIntroSubmit(event) {
  event.preventDefault();
  const text = $('intro-text').value.trim();
  show($('intro-status'), false);
  send({ type: 'intro', text });
}

function onTopicButton() {
  const c = convs.get(activeKey);
  if (!c || c.kind !== 'room') return;
  $('topic-text').value = c.topic;
  show($('topic-form'), true);
  $('topic-text').focus();
}

function onTopicSubmit(event) {
  event.preventDefault();
  const c = convs.get(activeKey);
  if (!c || c.kind !== 'room') return;
  send({ type: 'topic', room: c.name, topic: $('topic-text').value.trim() });
  show($('topic-form'), false);
}

function onLeaveButton() {
  const c = convs.get(activeKey);
  if (c && c.kind === 'room') send({ type: 'leave', room: c.name });
}

function onLogout() {
  if (!send({ type: 'logout' })) {
    // Not connected: log out locally.
    onBye({ reason: 'logout', text: 'Logged off' });
    if (conn) conn.close();
  }
}

function notice(text) {
  $('notice-text').textContent = text;
  show($('notice-banner'), true);
  addSystemLine(convs.everyone, text);
}

// --- wiring --------------------------------------------------------------------

function init() {
  $('login-form').addEventListener('submit', onLoginSubmit);
  $('bye-again').addEventListener('click', () => {
    show($('login-error'), false);
    showScreen('login');
  });
  $('composer').addEventListener('submit', onComposerSubmit);
  $('composer-text').addEventListener('keydown', onComposerKey);
  $('composer-text').addEventListener('input', resizeComposer);
  $('join-form').addEventListener('submit', onJoinSubmit);
  $('dm-form').addEventListener('submit', onDirectSubmit);
  $('intro-form').addEventListener('submit', onIntroSubmit);
  $('topic-button').addEventListener('click', onTopicButton);
  $('topic-form').addEventListener('submit', onTopicSubmit);
  $('topic-cancel').addEventListener('click', () => show($('topic-form'), false));
  $('leave-button').addEventListener('click', onLeaveButton);
  $('logout-button').addEventListener('click', onLogout);
  $('idle-stay').addEventListener('click', stillHere);
  $('notice-close').addEventListener('click', () => show($('notice-banner'), false));
  $('sidebar-toggle').addEventListener('click', () =>
    setSidebarOpen(!document.body.classList.contains('sidebar-open')),
  );
  $('messages').addEventListener('scroll', onScroll);
  $('history-status').addEventListener('click', (e) => {
    if (e.target.id === 'load-earlier') requestHistory(convs.get(activeKey), 'older');
  });
  $('conversations').addEventListener('click', (e) => {
    const b = e.target.closest('button.conv');
    if (b) openConversation(b.dataset.key);
  });
  $('online').addEventListener('click', (e) => {
    const b = e.target.closest('button.user-name');
    if (b) openConversation(convs.person(b.dataset.name).key);
  });
  // While the idle warning shows, anything the user does says they are here.
  for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
    document.addEventListener(type, stillHere, { passive: true });
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') markActiveRead();
  });
  showScreen('login');
}

init();
