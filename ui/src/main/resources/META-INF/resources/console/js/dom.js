// Building the page without innerHTML: text is always text, never markup.

/**
 * An element: h('a', {href: '#/x', class: 'btn'}, 'text', child…). Attributes starting with "on"
 * become listeners; null, undefined and false children are skipped; arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A time as the browser's locale writes it, with the ISO value in the title. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso }, date.toLocaleString());
}

/** A short form of a long id or hash. */
export function short(id) {
  return id ? String(id).slice(0, 8) : '—';
}

/** A state as a coloured badge. */
export function badge(state) {
  const text = state || 'unknown';
  return h('span', { class: `badge state-${text.replace(/[^a-z0-9-]/gi, '')}`, 'data-state': text }, text);
}
