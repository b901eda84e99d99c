// The page of `groupme view`: the backup's conversations, a conversation's
// messages (paged through /api/messages as the reader scrolls), and search
// (/api/search). Everything it shows comes from other people, so text only
// ever goes in through textContent; no markup is built from strings.
'use strict';

const PAGE = 100;
const $ = (id) => document.getElementById(id);

// el makes an element with a class and, optionally, its text.
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

async function api(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== '') qs.set(k, String(v));
  const res = await fetch(`/api/${path}?${qs}`, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: reported below
  }
  if (!res.ok) throw new Error((body && body.error) || `the server answered ${res.status}`);
  return body;
}

// Times -------------------------------------------------------------------

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const shortDate = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const numberFormat = new Intl.NumberFormat();

function date(sec) { return new Date(sec * 1000); }
function dayKey(sec) { const d = date(sec); return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`; }

function timeElement(sec, format) {
  const t = el('time', 'when', (format || timeFormat).format(date(sec)));
  t.dateTime = date(sec).toISOString();
  t.title = fullFormat.format(date(sec));
  return t;
}

// Routes ------------------------------------------------------------------
//   #/c/KIND/ID           a conversation, newest messages
//   #/c/KIND/ID/m/MSG     a conversation around one message
//   #/search/QUERY        search results

function convHash(kind, id, msg) {
  let h = `#/c/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
  if (msg) h += `/m/${encodeURIComponent(msg)}`;
  return h;
}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => {
    try { return decodeURIComponent(p); } catch { return ''; }
  });
  if (parts[0] === 'c' && parts.length >= 3) return { view: 'conv', kind: parts[1], id: parts[2], around: parts[3] === 'm' ? parts[4] : '' };
  if (parts[0] === 'search') return { view: 'search', q: parts.slice(1).join('/') };
  return { view: 'home' };
}

// Conversations -----------------------------------------------------------

const conversations = new Map(); // "kind:id" -> conversation

async function loadConversations() {
  const list = $('conversations');
  try {
    const { conversations: cs } = await api('conversations');
    let total = 0;
    list.replaceChildren();
    for (const c of cs) {
      conversations.set(`${c.kind}:${c.id}`, c);
      total += c.messages;
      const a = el('a', 'conv');
      a.href = convHash(c.kind, c.id);
      a.dataset.key = `${c.kind}:${c.id}`;
      const name = el('span', 'conv-name', c.name || `${c.kind} ${c.id}`);
      const meta = el('span', 'conv-meta');
      meta.append(el('span', `badge ${c.kind}`, c.kind === 'chat' ? 'direct' : 'group'),
        ` ${numberFormat.format(c.messages)} messages`);
      if (c.last_at) meta.append(` · ${shortDate.format(date(c.last_at))}`);
      a.append(avatar(c.name || c.id, c.id), name, meta);
      const li = el('li');
      li.append(a);
      list.append(li);
    }
    $('summary').textContent = `${numberFormat.format(cs.length)} conversations · ${numberFormat.format(total)} messages`;
  } catch (err) {
    $('summary').textContent = `The conversations could not be read: ${err.message}`;
  }
}

function markCurrent(key) {
  for (const a of document.querySelectorAll('#conversations a')) {
    if (a.dataset.key === key) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// avatar is a circle with initials, coloured by a hash of the id (no
// pictures of people are fetched).
function avatar(name, id) {
  let h = 0;
  for (const ch of String(id || name)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  const words = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const initials = words.length ? (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : '')).toUpperCase() : '?';
  return el('span', `avatar c${h % 8}`, initials);
}

// Messages ----------------------------------------------------------------

// Attachment kinds shown as a small label (pictures and replies are shown
// as themselves; mentions and emoji are already in the text).
const kindLabels = {
  location: 'location', video: 'video', file: 'file', poll: 'poll', event: 'event',
  split: 'bill split', linked_image: 'linked picture', audio: 'audio',
};

function renderMessage(m, conv) {
  const li = el('li', m.system ? 'msg system' : 'msg');
  li.id = `m-${m.id}`;
  li.dataset.id = m.id;
  li.dataset.day = dayKey(m.created_at);
  li.dataset.sender = m.sender_id;
  li.dataset.at = m.created_at;
  if (m.system) {
    li.append(el('p', 'text', m.text), timeElement(m.created_at));
    return li;
  }
  li.append(avatar(m.sender_name, m.sender_id));
  const body = el('div', 'body');
  const meta = el('div', 'meta');
  meta.append(el('span', 'name', m.sender_name || 'Someone'), timeElement(m.created_at));
  body.append(meta);

  if (m.reply_to) {
    const q = el('blockquote', 'reply');
    if (m.reply) {
      const a = el('a');
      a.href = convHash(conv.kind, conv.id, m.reply.id);
      a.append(el('span', 'name', m.reply.sender_name || 'Someone'));
      let text = m.reply.text;
      if (!text && m.reply.images && m.reply.images.length) text = '(a picture)';
      a.append(el('span', 'text', text || '(no text)'));
      q.append(a);
    } else {
      q.append(el('span', 'muted', 'Replying to a message that is not in this backup'));
    }
    body.append(q);
  }
  if (m.text) body.append(el('p', 'text', m.text));
  if (m.pictures && m.pictures.length) {
    const pics = el('div', 'pictures');
    for (const src of m.pictures) {
      if (src) {
        const a = el('a');
        a.href = src;
        a.target = '_blank';
        a.rel = 'noopener';
        const img = el('img');
        img.src = src;
        img.alt = 'picture';
        img.loading = 'lazy';
        a.append(img);
        pics.append(a);
      } else {
        pics.append(el('span', 'missing', 'picture not in the backup'));
      }
    }
    body.append(pics);
  }
  const chips = (m.attachment_kinds || []).map((k) => (k in kindLabels ? kindLabels[k] : null)).filter(Boolean);
  if (chips.length || m.likes) {
    const foot = el('div', 'foot');
    for (const c of chips) foot.append(el('span', 'chip', c));
    if (m.likes) {
      const likes = el('span', 'likes', `♥ ${m.likes}`);
      likes.title = `${m.likes} ${m.likes === 1 ? 'like' : 'likes'}`;
      foot.append(likes);
    }
    body.append(foot);
  }
  li.append(body);
  return li;
}

// The open conversation.
let current = null;
let observer = null;

// decorate puts a day heading before each day's first message and marks
// messages that follow one by the same sender within five minutes.
function decorate(list) {
  for (const d of list.querySelectorAll('li.day')) d.remove();
  let prev = null;
  for (const li of list.querySelectorAll('li.msg')) {
    if (!prev || prev.dataset.day !== li.dataset.day) {
      const day = el('li', 'day');
      day.append(el('span', null, dayFormat.format(date(Number(li.dataset.at)))));
      li.before(day);
      prev = null;
    }
    const cont = prev && !prev.classList.contains('system') && !li.classList.contains('system') &&
      prev.dataset.sender === li.dataset.sender && Number(li.dataset.at) - Number(prev.dataset.at) < 300;
    li.classList.toggle('cont', Boolean(cont));
    prev = li;
  }
}

function showError(where, err) {
  where.replaceChildren(el('p', 'error', err.message || String(err)));
}

async function openConversation(kind, id, around) {
  const key = `${kind}:${id}`;
  const conv = conversations.get(key) || { kind, id, name: `${kind} ${id}`, messages: 0 };
  markCurrent(key);
  $('title').textContent = conv.name;
  $('subtitle').textContent = `${conv.kind === 'chat' ? 'Direct messages' : 'Group'} · ${numberFormat.format(conv.messages)} messages`;
  document.title = `${conv.name} · GroupMe backup`;

  if (observer) observer.disconnect();
  const pane = $('pane');
  const top = el('button', 'pager', 'Load older messages');
  top.id = 'older';
  top.type = 'button';
  const list = el('ol', 'messages');
  list.id = 'messages';
  const bottom = el('button', 'pager', 'Load newer messages');
  bottom.id = 'newer';
  bottom.type = 'button';
  pane.replaceChildren(top, list, bottom);
  const state = { kind, id, conv, list, top, bottom, hasOlder: false, hasNewer: false, busy: false };
  current = state;

  let page;
  try {
    page = await api('messages', { kind, id, around, limit: PAGE });
  } catch (err) {
    if (current === state) showError(pane, err);
    return;
  }
  if (current !== state) return;
  if (around && page.messages.length === 0) {
    // The message is not indexed: show the newest instead.
    return openConversation(kind, id, '');
  }
  list.append(...page.messages.map((m) => renderMessage(m, conv)));
  decorate(list);
  setPaging(state, page.has_older, page.has_newer);
  if (page.messages.length === 0) list.append(el('li', 'empty', 'No messages in this conversation.'));

  const target = around && document.getElementById(`m-${around}`);
  if (target) {
    target.classList.add('target');
    target.scrollIntoView({ block: 'center' });
  } else {
    pane.scrollTop = pane.scrollHeight;
  }
  top.addEventListener('click', () => { state.failed = false; loadMore(state, 'older'); });
  bottom.addEventListener('click', () => { state.failed = false; loadMore(state, 'newer'); });
  observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting || state.failed) continue;
      loadMore(state, e.target === top ? 'older' : 'newer');
    }
  }, { root: pane, rootMargin: '600px 0px' });
  observer.observe(top);
  observer.observe(bottom);
}

function setPaging(state, hasOlder, hasNewer) {
  state.hasOlder = hasOlder;
  state.hasNewer = hasNewer;
  state.top.hidden = !hasOlder;
  state.bottom.hidden = !hasNewer;
}

async function loadMore(state, which) {
  if (state.busy || current !== state) return;
  if (which === 'older' ? !state.hasOlder : !state.hasNewer) return;
  const msgs = state.list.querySelectorAll('li.msg');
  if (!msgs.length) return;
  state.busy = true;
  const button = which === 'older' ? state.top : state.bottom;
  button.textContent = 'Loading…';
  try {
    const params = { kind: state.kind, id: state.id, limit: PAGE };
    if (which === 'older') params.before = msgs[0].dataset.id;
    else params.after = msgs[msgs.length - 1].dataset.id;
    const page = await api('messages', params);
    if (current !== state) return;
    const items = page.messages.map((m) => renderMessage(m, state.conv));
    const pane = $('pane');
    if (which === 'older') {
      // Keep the message in view where it was while older ones go above.
      const before = pane.scrollHeight - pane.scrollTop;
      state.list.prepend(...items);
      decorate(state.list);
      pane.scrollTop = pane.scrollHeight - before;
      setPaging(state, page.has_older && items.length > 0, state.hasNewer);
    } else {
      state.list.append(...items);
      decorate(state.list);
      setPaging(state, state.hasOlder, page.has_newer && items.length > 0);
    }
  } catch (err) {
    state.failed = true; // no more automatic tries; the button still works
    button.after(el('p', 'error', err.message));
  } finally {
    state.busy = false;
    state.top.textContent = 'Load older messages';
    state.bottom.textContent = 'Load newer messages';
  }
  // A short page may leave the pager in view: the observer only fires on
  // a change, so look again.
  requestAnimationFrame(() => {
    const pane = $('pane');
    const r = button.getBoundingClientRect();
    const p = pane.getBoundingClientRect();
    if (!state.failed && !button.hidden && r.bottom > p.top - 600 && r.top < p.bottom + 600) loadMore(state, which);
  });
}

// Search ------------------------------------------------------------------

async function search(q) {
  current = null;
  if (observer) observer.disconnect();
  markCurrent('');
  $('q').value = q;
  $('title').textContent = `Search: ${q}`;
  $('subtitle').textContent = 'Searching…';
  document.title = `${q} · search · GroupMe backup`;
  const pane = $('pane');
  pane.replaceChildren();
  let hits;
  try {
    ({ hits } = await api('search', { q, limit: 100 }));
  } catch (err) {
    $('subtitle').textContent = '';
    showError(pane, err);
    return;
  }
  if (parseHash().q !== q) return; // another search began
  $('subtitle').textContent = hits.length === 0 ? 'No messages match.'
    : hits.length === 100 ? 'The newest 100 messages that match.'
      : `${numberFormat.format(hits.length)} ${hits.length === 1 ? 'message matches' : 'messages match'}, newest first.`;
  const list = el('ol', 'hits');
  list.id = 'hits';
  for (const h of hits) {
    const a = el('a', 'hit');
    a.href = convHash(h.conversation_kind, h.conversation_id, h.message_id);
    a.dataset.id = h.message_id;
    const meta = el('div', 'meta');
    meta.append(el('span', 'conv-name', h.conversation_name), el('span', 'name', h.sender_name || 'Someone'),
      timeElement(h.created_at, shortDate));
    const text = el('p', 'text');
    for (const s of h.snippet) text.append(s.mark ? el('mark', null, s.text) : document.createTextNode(s.text));
    a.append(meta, text);
    const li = el('li');
    li.append(a);
    list.append(li);
  }
  pane.append(list);
  pane.scrollTop = 0;
}

// Start -------------------------------------------------------------------

function home() {
  current = null;
  if (observer) observer.disconnect();
  markCurrent('');
  $('title').textContent = 'Choose a conversation';
  $('subtitle').textContent = '';
  document.title = 'GroupMe backup';
  const welcome = el('div', 'empty');
  welcome.id = 'welcome';
  welcome.append(
    el('p', null, 'Pick a conversation on the left, or search for a word, a "phrase" or a prefix*.'),
    el('p', 'muted', 'Everything here comes from the backup folder on this computer; nothing is fetched from GroupMe.'),
  );
  $('pane').replaceChildren(welcome);
}

function route() {
  const r = parseHash();
  if (r.view === 'conv') openConversation(r.kind, r.id, r.around);
  else if (r.view === 'search' && r.q.trim()) search(r.q);
  else home();
}

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = $('q').value.trim();
  if (!q) return;
  const h = `#/search/${encodeURIComponent(q)}`;
  if (location.hash === h) search(q);
  else location.hash = h;
});
window.addEventListener('hashchange', route);
loadConversations().then(route);
