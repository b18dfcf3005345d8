import * as api from '../api.js';
import { fill, h, short, time } from '../dom.js';
import { cursorTable, heading } from '../widgets.js';

const FIELDS = [
  ['team', 'Team id'],
  ['action', 'Action (team.* for a prefix)'],
  ['actor', 'Actor'],
  ['entityType', 'Entity type'],
  ['entityId', 'Entity id'],
  ['from', 'From (ISO-8601)'],
  ['to', 'To (ISO-8601)'],
];

function details(value) {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** #/audit?team=…&action=… — the audit log with filters, newest first, a page at a time. */
export async function auditPage(view, ctx) {
  const initial = new URLSearchParams(location.hash.split('?')[1] || '');
  const inputs = Object.fromEntries(FIELDS.map(([name, label]) => [name, h('input', { name, placeholder: label, value: initial.get(name) || '' })]));
  const filters = () => Object.fromEntries(FIELDS.map(([name]) => [name, inputs[name].value.trim()]));
  const error = h('p', { class: 'error', id: 'audit-error' });
  const list = cursorTable(
    ['#', 'When', 'Actor', 'Action', 'Entity', 'Details'],
    (e) =>
      h(
        'tr',
        { 'data-seq': e.seq },
        h('td', {}, e.seq),
        h('td', {}, time(e.occurredAt)),
        h('td', {}, e.actor),
        h('td', {}, h('code', {}, e.action)),
        h('td', {}, `${e.entityType} ${short(e.entityId)}`),
        h('td', { class: 'details' }, details(e.details)),
      ),
    async (afterSeq) => {
      error.textContent = '';
      try {
        const page = await api.get(`/audit${api.query({ ...filters(), afterSeq, limit: 50 })}`);
        return { items: page.items, next: page.nextAfterSeq };
      } catch (e) {
        error.textContent = e.message;
        return { items: [], next: null };
      }
    },
    { empty: 'No entries match.', id: 'audit' },
  );
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit(event) {
        event.preventDefault();
        // the filters go into the URL, so the view can be shared and survives a reload
        const query = api.query(filters());
        history.replaceState(null, '', `#/audit${query}`);
        list.first();
      },
    },
    Object.values(inputs),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );
  fill(view, heading('Audit log'), h('section', { class: 'card' }, form, error), h('section', { class: 'card' }, list.element));
  await list.first();
}
