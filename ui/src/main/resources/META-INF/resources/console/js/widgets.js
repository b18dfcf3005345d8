// Small pieces the pages share: messages, confirmation, action buttons, paging, links.
import { fill, h } from './dom.js';
import { session } from './session.js';

/** A message at the top of the page for a few seconds. */
export function flash(text, kind = 'info') {
  const box = document.getElementById('flash');
  const item = h('div', { class: `flash ${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** Asks in a modal dialog; resolves to true when the user confirms. */
export function confirmed(text, label = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = label;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

/**
 * A button that runs an async action: disabled while it runs, errors shown as a message.
 * `confirm`: a question to ask first.
 */
export function action(label, run, { kind = '', confirm = null, title = null, name = null } = {}) {
  const button = h('button', { type: 'button', class: `action ${kind}`, title, 'data-action': name || label.toLowerCase() }, label);
  button.addEventListener('click', async () => {
    if (confirm && !(await confirmed(confirm, label))) return;
    button.disabled = true;
    try {
      await run();
    } catch (e) {
      flash(e.message || String(e), 'error');
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** Actions only for those whose role in the team allows them (the API refuses them anyway). */
export function actions(teamId, role, ...buttons) {
  if (!session.can(teamId, role)) return null;
  return h('div', { class: 'actions' }, ...buttons);
}

export function cockpitLink(processInstanceId, text = 'Cockpit') {
  if (!processInstanceId) return null;
  return h(
    'a',
    { href: session.cockpitProcess(processInstanceId), target: '_blank', rel: 'noopener', class: 'cockpit-link', title: `Process instance ${processInstanceId} in Cockpit` },
    text,
  );
}

/**
 * A list shown a page at a time from an array already in memory: only one page is in the DOM.
 * Returns {element, update(items)}.
 */
export function pagedTable(columns, row, { pageSize = 20, empty = 'Nothing yet.', id = null } = {}) {
  let items = [];
  let page = 0;
  const body = h('tbody');
  const info = h('span', { class: 'muted pager-info' });
  const prev = h('button', { type: 'button', class: 'pager-prev', onclick: () => { page -= 1; draw(); } }, '‹ Previous');
  const next = h('button', { type: 'button', class: 'pager-next', onclick: () => { page += 1; draw(); } }, 'Next ›');
  const table = h('table', { class: 'list', id }, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))), body);
  const element = h('div', { class: 'paged' }, table, h('div', { class: 'pager' }, prev, info, next));
  function draw() {
    const pages = Math.max(1, Math.ceil(items.length / pageSize));
    page = Math.min(Math.max(page, 0), pages - 1);
    const shown = items.slice(page * pageSize, (page + 1) * pageSize);
    fill(body, shown.length ? shown.map(row) : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty)));
    info.textContent = items.length ? `${page * pageSize + 1}–${page * pageSize + shown.length} of ${items.length}` : '';
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  draw();
  return {
    element,
    update(list) {
      items = list;
      draw();
    },
  };
}

/**
 * A list the server pages with a cursor: `load(cursor)` resolves to {items, next}. Keeps the
 * cursors of the pages seen, so Previous works; only one page is in the DOM.
 */
export function cursorTable(columns, row, load, { empty = 'Nothing yet.', id = null } = {}) {
  const cursors = [null];
  let index = 0;
  let nextCursor = null;
  const body = h('tbody');
  const info = h('span', { class: 'muted pager-info' });
  const prev = h('button', { type: 'button', class: 'pager-prev', onclick: () => go(index - 1) }, '‹ Previous');
  const next = h('button', { type: 'button', class: 'pager-next', onclick: () => go(index + 1) }, 'Next ›');
  const table = h('table', { class: 'list', id }, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))), body);
  const element = h('div', { class: 'paged' }, table, h('div', { class: 'pager' }, prev, info, next));
  async function go(target) {
    if (target > index) cursors[target] = nextCursor;
    const page = await load(cursors[target]);
    index = target;
    nextCursor = page.next;
    fill(body, page.items.length ? page.items.map(row) : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty)));
    info.textContent = `page ${index + 1}`;
    prev.disabled = index === 0;
    next.disabled = !nextCursor;
  }
  return { element, reload: () => go(index), first: () => go(0) };
}

/** A heading with optional links or buttons beside it. */
export function heading(text, ...extra) {
  return h('div', { class: 'heading' }, h('h1', {}, text), ...extra);
}

export function crumbs(...links) {
  return h('nav', { class: 'crumbs' }, links.filter(Boolean).map((l, i) => [i ? ' / ' : '', l]));
}
