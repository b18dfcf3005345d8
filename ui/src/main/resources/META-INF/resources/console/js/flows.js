// Node-RED flows as pictures, drawn by @flowfuse/flow-renderer (vendor/flow-renderer), with the
// nodes of a diff marked: added, changed, removed, moved.
import FlowRenderer from '../vendor/flow-renderer/index.min.js';
import { h } from './dom.js';

const MARKS = ['added', 'changed', 'removed', 'moved'];

/**
 * Draws the flows into a new element and marks nodes and tabs by id.
 * marks: Map of node or tab id → 'added' | 'changed' | 'removed' | 'moved'.
 */
export function flowPicture(flows, marks = new Map(), { id = null } = {}) {
  const container = h('div', { class: 'flow-picture', id });
  const apply = () => {
    for (const [nodeId, mark] of marks) {
      const selector = `[data-node-id="${CSS.escape(nodeId)}"], .red-ui-tab[data-flow-id="${CSS.escape(nodeId)}"]`;
      for (const el of container.querySelectorAll(selector)) {
        if (!el.classList.contains(`fg-${mark}`)) {
          MARKS.forEach((m) => el.classList.remove(`fg-${m}`));
          el.classList.add(`fg-${mark}`);
        }
      }
    }
  };
  // the renderer draws into the container once it is in the page (it measures text)
  requestAnimationFrame(() => {
    try {
      new FlowRenderer().renderFlows(flows, { container, gridLines: true, images: true, labels: true, zoom: true, autoZoom: true, autoScroll: true });
    } catch (e) {
      container.append(h('p', { class: 'error' }, `The flows could not be drawn: ${e.message}`));
    }
    apply();
    container.dataset.drawn = 'true';
    // another tab chosen: the renderer draws again, the marks follow
    new MutationObserver(() => apply()).observe(container, { childList: true, subtree: true });
  });
  return container;
}

/** Marks of the "after" picture (added, changed, moved) and the "before" one (removed, changed). */
export function marksOf(diff) {
  const after = new Map();
  const before = new Map();
  for (const tab of diff.tabs) {
    if (tab.status === 'added') after.set(tab.id, 'added');
    if (tab.status === 'removed') before.set(tab.id, 'removed');
    if (tab.status === 'changed' || (tab.status === 'unchanged' && (tab.added.length || tab.removed.length || tab.changed.length))) {
      after.set(tab.id, 'changed');
      before.set(tab.id, 'changed');
    }
    tab.moved.forEach((n) => after.set(n.id, 'moved'));
    tab.added.forEach((n) => after.set(n.id, 'added'));
    tab.changed.forEach((n) => {
      after.set(n.id, 'changed');
      before.set(n.id, 'changed');
    });
    tab.removed.forEach((n) => before.set(n.id, 'removed'));
  }
  return { after, before };
}

/** The same diff read the other way round (to → from). */
export function inverted(diff) {
  const swapStatus = { added: 'removed', removed: 'added' };
  const swap = (c) => ({
    added: c.removed,
    removed: c.added,
    changed: c.changed.map((x) => ({ ...x, from: x.to, to: x.from, ...(x.secretBefore !== undefined ? { secretBefore: x.secret, secret: x.secretBefore } : {}) })),
  });
  return {
    ...diff,
    tabs: diff.tabs.map((t) => ({ ...t, status: swapStatus[t.status] || t.status, added: t.removed, removed: t.added })),
    env: swap(diff.env),
    modules: swap(diff.modules),
    settings: swap(diff.settings),
    summary: null,
  };
}

/** Everything in the flows as added: the diff against nothing. */
export function allAdded(flows) {
  const tabs = new Map();
  const label = (n) => n.label || n.name || '';
  for (const node of flows) {
    if (node.type === 'tab' || node.type === 'subflow') tabs.set(node.id, { id: node.id, type: node.type, label: label(node), status: 'added', properties: [], added: [], removed: [], changed: [], moved: [] });
  }
  for (const node of flows) {
    if (node.type === 'tab' || node.type === 'subflow') continue;
    const z = node.z || 'global';
    if (!tabs.has(z)) tabs.set(z, { id: z, type: z === 'global' ? 'global' : 'tab', label: z === 'global' ? 'global' : '', status: 'added', properties: [], added: [], removed: [], changed: [], moved: [] });
    tabs.get(z).added.push({ id: node.id, type: node.type, name: label(node) });
  }
  const none = { added: [], removed: [], changed: [] };
  return { tabs: [...tabs.values()], env: none, modules: none, settings: none, summary: null };
}

/** The diff as a list people read: per tab what was added, changed and removed; env, modules, settings. */
export function changeList(diff) {
  const node = (n) => `${n.type}${n.name ? ` "${n.name}"` : ''}`;
  const items = [];
  for (const tab of diff.tabs) {
    const lines = [];
    tab.added.forEach((n) => lines.push(h('li', { class: 'fg-added', 'data-node': n.id }, `added ${node(n)}`)));
    tab.changed.forEach((n) => lines.push(h('li', { class: 'fg-changed', 'data-node': n.id }, `changed ${node(n)}: ${n.properties.join(', ')}`)));
    tab.removed.forEach((n) => lines.push(h('li', { class: 'fg-removed', 'data-node': n.id }, `removed ${node(n)}`)));
    if (tab.moved.length) lines.push(h('li', { class: 'fg-moved' }, `${tab.moved.length} moved (position only)`));
    if (!lines.length && tab.status === 'unchanged') continue;
    const kind = tab.type === 'global' ? 'Global config nodes' : `${tab.type === 'subflow' ? 'Subflow' : 'Tab'} "${tab.label || tab.id}"`;
    items.push(h('li', { class: `tab fg-${tab.status}` }, h('strong', {}, kind), tab.status !== 'unchanged' ? ` (${tab.status})` : '', h('ul', {}, lines)));
  }
  const section = (title, changes, text) => {
    const lines = [
      ...changes.added.map((c) => h('li', { class: 'fg-added' }, `added ${text(c, 'to')}`)),
      ...changes.changed.map((c) => h('li', { class: 'fg-changed' }, `changed ${text(c)}`)),
      ...changes.removed.map((c) => h('li', { class: 'fg-removed' }, `removed ${text(c, 'from')}`)),
    ];
    if (lines.length) items.push(h('li', {}, h('strong', {}, title), h('ul', {}, lines)));
  };
  const value = (v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  section('Env', diff.env, (c, side) => (c.secret ? `${c.key} (secret)` : side ? `${c.key} = ${value(c[side])}` : `${c.key}: ${value(c.from)} → ${value(c.to)}`));
  section('Modules', diff.modules, (c, side) => (side ? `${c.name} ${value(c[side])}` : `${c.name} ${value(c.from)} → ${value(c.to)}`));
  section('Settings', diff.settings, (c, side) => (c.redacted ? c.key : side ? `${c.key} = ${value(c[side])}` : `${c.key}: ${value(c.from)} → ${value(c.to)}`));
  return items.length ? h('ul', { class: 'changes', id: 'changes' }, items) : h('p', { class: 'muted', id: 'changes' }, 'No changes.');
}

/** What the marks mean. */
export function legend() {
  return h('p', { class: 'legend' }, MARKS.map((m) => h('span', { class: `key fg-${m}` }, m)));
}
