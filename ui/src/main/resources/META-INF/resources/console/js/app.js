// The console: signs in with the API's browser session, then draws the page the URL's hash names.
import * as api from './api.js';
import { fill, h } from './dom.js';
import { session } from './session.js';
import { routes } from './routes.js';

const view = document.getElementById('view');

/** Timers of the page on screen; a new page stops them. */
let timers = [];
let generation = 0;

/**
 * What a page gets: the route's parameters, `poll(fn, ms)` to refresh while it is on screen, and
 * `current()` to tell whether it still is (after an await).
 */
function context(params) {
  const mine = generation;
  return {
    params,
    session,
    current: () => mine === generation,
    poll(fn, ms) {
      const timer = setInterval(async () => {
        if (mine !== generation || document.hidden) return;
        try {
          await fn();
        } catch (e) {
          if (!(e instanceof api.ApiError && e.status === 401)) console.warn('refresh failed', e);
        }
      }, ms);
      timers.push(timer);
    },
  };
}

function match(hash) {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  for (const [pattern, page] of routes) {
    const m = pattern.exec(path);
    if (m) return { page, params: m.slice(1).map(decodeURIComponent) };
  }
  return null;
}

async function render() {
  generation += 1;
  timers.forEach(clearInterval);
  timers = [];
  if (!session.me) {
    showSignIn();
    return;
  }
  const found = match(location.hash);
  if (!found) {
    fill(view, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Back to the teams')));
    return;
  }
  const ctx = context(found.params);
  try {
    await found.page(view, ctx);
  } catch (e) {
    if (ctx.current()) showError(e);
  }
}

function showError(e) {
  if (e instanceof api.ApiError && e.status === 401) return;
  fill(view, h('h1', {}, 'Something went wrong'), h('p', { class: 'error' }, e.message || String(e)));
}

function showSignIn(message) {
  document.getElementById('nav').hidden = true;
  fill(document.getElementById('who'));
  const error = h('p', { class: 'error', id: 'sign-in-error' }, message || '');
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    {
      class: 'sign-in card',
      async onsubmit(event) {
        event.preventDefault();
        error.textContent = '';
        try {
          await api.post('/session', { username: username.value, password: password.value });
          await startSession();
        } catch (e) {
          error.textContent = e.message;
        }
      },
    },
    h('h1', {}, 'Sign in to Flowgate'),
    h('label', {}, 'User name', username),
    h('label', {}, 'Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    error,
    h('p', { class: 'muted' }, 'The same user name and password as in Tasklist and Cockpit.'),
  );
  fill(view, form);
  username.focus();
}

async function startSession() {
  try {
    await session.load();
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) {
      session.me = null;
      showSignIn();
      return;
    }
    throw e;
  }
  const nav = document.getElementById('nav');
  nav.hidden = false;
  document.getElementById('nav-tasklist').href = session.me.links.tasklist;
  document.getElementById('nav-cockpit').href = session.me.links.cockpit;
  document.getElementById('nav-audit').hidden = !session.readsAudit();
  fill(
    document.getElementById('who'),
    h('span', { id: 'username' }, session.me.username),
    ' ',
    h(
      'button',
      {
        class: 'link',
        id: 'sign-out',
        async onclick() {
          await api.del('/session').catch(() => {});
          session.me = null;
          showSignIn();
        },
      },
      'Sign out',
    ),
  );
  await render();
}

api.whenSignedOut(() => {
  if (session.me) {
    session.me = null;
    generation += 1;
    timers.forEach(clearInterval);
    showSignIn('Your session ended; sign in again.');
  }
});
window.addEventListener('hashchange', render);
startSession().catch(showError);
