// Device state counts, shared by the application and devices pages.
import { h } from '../dom.js';

/** Known device states in a useful order; others follow alphabetically. */
const ORDER = ['running', 'stopped', 'starting', 'updating', 'error', 'crashed', 'never-seen'];

function ordered(states) {
  return Object.entries(states).sort(([a], [b]) => {
    const ia = ORDER.indexOf(a) < 0 ? 99 : ORDER.indexOf(a);
    const ib = ORDER.indexOf(b) < 0 ? 99 : ORDER.indexOf(b);
    return ia - ib || a.localeCompare(b);
  });
}

/** Counts as small coloured chips: "running 9,812 · error 3 …". */
export function stateCounts(states) {
  const entries = ordered(states || {});
  if (!entries.length) return h('span', { class: 'muted' }, 'no devices');
  return h(
    'span',
    { class: 'counts' },
    entries.map(([state, count]) => h('span', { class: `count state-${state}`, 'data-state': state }, `${state} ${count.toLocaleString()}`)),
  );
}
