import * as api from '../api.js';
import { fill, h } from '../dom.js';
import { crumbs, heading, pagedTable } from '../widgets.js';
import { INSTANCE_COLUMNS, instanceRow } from './team.js';
import { stateCounts } from './fleet.js';

/** #/applications/:id — its pipelines, device groups with state counts, and instances (live). */
export async function applicationPage(view, ctx) {
  const [appId] = ctx.params;
  const app = await api.get(`/applications/${api.id(appId)}`);
  const [team, pipelines, groups] = await Promise.all([
    api.get(`/teams/${api.id(app.teamId)}`),
    api.get(`/applications/${api.id(appId)}/pipelines`),
    api.get(`/applications/${api.id(appId)}/device-groups`),
  ]);
  const instances = pagedTable(INSTANCE_COLUMNS, instanceRow(new Map([[app.id, app]])), { empty: 'No instances in this application.', id: 'instances' });
  const groupBody = h('tbody');
  const fleetTotal = h('p', { id: 'fleet-total' });
  const refresh = async () => {
    const [list, states] = await Promise.all([
      api.get(`/instances${api.query({ team: app.teamId })}`),
      api.get(`/teams/${api.id(app.teamId)}/device-states${api.query({ application: appId })}`),
    ]);
    instances.update(list.filter((i) => i.applicationId === appId));
    const byGroup = new Map(states.groups.map((g) => [g.id, g]));
    fill(fleetTotal, `${states.total.toLocaleString()} devices: `, stateCounts(states.states));
    fill(
      groupBody,
      groups.length
        ? groups.map((g) =>
            h('tr', { 'data-group': g.id }, h('td', {}, g.name), h('td', {}, (byGroup.get(g.id)?.total || 0).toLocaleString()), h('td', {}, stateCounts(byGroup.get(g.id)?.states))),
          )
        : h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No device groups.')),
    );
  };
  fill(
    view,
    crumbs(h('a', { href: '#/' }, 'Teams'), h('a', { href: `#/teams/${team.id}` }, team.name)),
    heading(app.name),
    app.description ? h('p', {}, app.description) : null,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Pipelines'),
      pipelines.length
        ? h(
            'ul',
            { class: 'pipelines' },
            pipelines.map((p) => h('li', {}, h('a', { href: `#/pipelines/${p.id}` }, p.name), h('span', { class: 'muted' }, ` ${p.stages.map((s) => s.name).join(' → ')}`))),
          )
        : h('p', { class: 'muted' }, 'No pipelines.'),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Devices'),
      fleetTotal,
      h('table', { class: 'list', id: 'groups' }, h('thead', {}, h('tr', {}, h('th', {}, 'Device group'), h('th', {}, 'Devices'), h('th', {}, 'States'))), groupBody),
      h('p', {}, h('a', { href: `#/teams/${team.id}/devices` }, 'All devices of the team'), ' · ', h('a', { href: `#/teams/${team.id}/rollouts` }, 'Rollouts')),
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Instances'), instances.element),
  );
  await refresh();
  ctx.poll(refresh, 5000);
}
