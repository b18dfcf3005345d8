import * as api from '../api.js';
import { badge, fill, h, short, time } from '../dom.js';
import { crumbs, cursorTable, heading } from '../widgets.js';
import { stateCounts } from './fleet.js';

const PAGE = 50;

/** #/teams/:id/devices — state counts (in all and per group) and the devices a page at a time. */
export async function devicesPage(view, ctx) {
  const [teamId] = ctx.params;
  const [team, applications] = await Promise.all([api.get(`/teams/${api.id(teamId)}`), api.get(`/teams/${api.id(teamId)}/applications`)]);
  const apps = new Map(applications.map((a) => [a.id, a]));
  const total = h('p', { id: 'device-total' });
  const groupBody = h('tbody');
  const devices = cursorTable(
    ['Device', 'Type', 'Application', 'State', 'Runs', 'Target', 'Last seen'],
    (d) =>
      h(
        'tr',
        { 'data-device': d.id },
        h('td', {}, d.name),
        h('td', {}, d.type),
        h('td', {}, apps.get(d.applicationId)?.name || '—'),
        h('td', {}, badge(d.state || 'never-seen')),
        h('td', {}, d.snapshotId ? h('a', { href: `#/snapshots/${d.snapshotId}` }, short(d.snapshotId)) : '—'),
        h('td', {}, d.targetSnapshotId ? h('a', { href: `#/snapshots/${d.targetSnapshotId}` }, short(d.targetSnapshotId)) : '—'),
        h('td', {}, time(d.lastSeenAt)),
      ),
    (after) => api.get(`/teams/${api.id(teamId)}/devices${api.query({ after, limit: PAGE })}`),
    { empty: 'No devices yet.', id: 'devices' },
  );
  const counts = async () => {
    const states = await api.get(`/teams/${api.id(teamId)}/device-states`);
    fill(total, `${states.total.toLocaleString()} devices: `, stateCounts(states.states));
    fill(
      groupBody,
      states.groups.map((g) => h('tr', { 'data-group': g.id || '' }, h('td', {}, g.name || h('span', { class: 'muted' }, 'in no group')), h('td', {}, g.total.toLocaleString()), h('td', {}, stateCounts(g.states)))),
    );
  };
  fill(
    view,
    crumbs(h('a', { href: '#/' }, 'Teams'), h('a', { href: `#/teams/${teamId}` }, team.name)),
    heading('Devices', h('a', { href: `#/teams/${teamId}/rollouts` }, 'Rollouts')),
    h('section', { class: 'card' }, total, h('table', { class: 'list', id: 'device-groups' }, h('thead', {}, h('tr', {}, h('th', {}, 'Group'), h('th', {}, 'Devices'), h('th', {}, 'States'))), groupBody)),
    h('section', { class: 'card' }, h('h2', {}, 'All devices, by name'), devices.element),
  );
  await Promise.all([counts(), devices.first()]);
  ctx.poll(counts, 3000);
  ctx.poll(devices.reload, 10000);
}
