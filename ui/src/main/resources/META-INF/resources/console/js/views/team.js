import * as api from '../api.js';
import { badge, fill, h, short } from '../dom.js';
import { actions, cockpitLink, crumbs, flash, heading, pagedTable } from '../widgets.js';

/** One instance as a table row; shared with the application page. */
export function instanceRow(apps) {
  return (i) =>
    h(
      'tr',
      { 'data-instance': i.id, 'data-name': i.name },
      h('td', {}, h('a', { href: `#/instances/${i.id}` }, i.name)),
      h('td', {}, apps.get(i.applicationId)?.name || short(i.applicationId)),
      h('td', {}, badge(i.state), i.operation ? h('span', { class: 'muted' }, ` ${i.operation}…`) : null),
      h('td', {}, i.url ? h('a', { href: i.url, target: '_blank', rel: 'noopener' }, i.url) : '—'),
      h('td', {}, i.snapshotId ? h('a', { href: `#/snapshots/${i.snapshotId}` }, short(i.snapshotId)) : h('span', { class: 'muted' }, 'own flows')),
      h('td', {}, cockpitLink(i.operationProcessInstanceId)),
    );
}

export const INSTANCE_COLUMNS = ['Instance', 'Application', 'State', 'URL', 'Snapshot', ''];

/** #/teams/:id — applications, instances (live), and links to devices, rollouts and audit. */
export async function teamPage(view, ctx) {
  const [teamId] = ctx.params;
  const [team, applications] = await Promise.all([api.get(`/teams/${api.id(teamId)}`), api.get(`/teams/${api.id(teamId)}/applications`)]);
  const apps = new Map(applications.map((a) => [a.id, a]));
  const instances = pagedTable(INSTANCE_COLUMNS, instanceRow(apps), { pageSize: 20, empty: 'No instances yet.', id: 'instances' });
  const refresh = async () => instances.update(await api.get(`/instances${api.query({ team: teamId })}`));

  const name = h('input', { name: 'name', required: true, placeholder: 'filler-3' });
  const app = h('select', { name: 'application', required: true }, applications.map((a) => h('option', { value: a.id }, a.name)));
  const createInstance = h(
    'form',
    {
      class: 'inline',
      id: 'new-instance',
      async onsubmit(event) {
        event.preventDefault();
        try {
          const made = await api.post('/instances', { team: teamId, application: app.value, name: name.value });
          flash(`Instance ${name.value} is being provisioned`);
          location.hash = `#/instances/${made.id}`;
        } catch (e) {
          flash(e.message, 'error');
        }
      },
    },
    h('label', {}, 'Name ', name),
    h('label', {}, 'Application ', app),
    h('button', { type: 'submit', class: 'primary' }, 'Create instance'),
  );
  const appName = h('input', { name: 'name', required: true, placeholder: 'Filling' });
  const createApp = h(
    'form',
    {
      class: 'inline',
      id: 'new-application',
      async onsubmit(event) {
        event.preventDefault();
        try {
          await api.post(`/teams/${api.id(teamId)}/applications`, { name: appName.value });
          await teamPage(view, ctx);
        } catch (e) {
          flash(e.message, 'error');
        }
      },
    },
    h('label', {}, 'Name ', appName),
    h('button', { type: 'submit' }, 'Create application'),
  );

  const role = ctx.session.team(teamId)?.role;
  fill(
    view,
    crumbs(h('a', { href: '#/' }, 'Teams')),
    heading(team.name, h('span', { class: 'role', id: 'my-role' }, role || '')),
    h(
      'p',
      { class: 'links' },
      h('a', { href: `#/teams/${teamId}/devices` }, 'Devices'),
      ' · ',
      h('a', { href: `#/teams/${teamId}/rollouts` }, 'Rollouts'),
      ctx.session.readsAudit() ? [' · ', h('a', { href: `#/audit?team=${teamId}` }, 'Audit log')] : null,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Applications'),
      applications.length
        ? h('ul', { class: 'apps' }, applications.map((a) => h('li', {}, h('a', { href: `#/applications/${a.id}` }, a.name), a.description ? h('span', { class: 'muted' }, ` — ${a.description}`) : null)))
        : h('p', { class: 'muted' }, 'No applications yet.'),
      actions(teamId, 'member', createApp),
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Instances'), applications.length ? actions(teamId, 'member', createInstance) : null, instances.element),
  );
  await refresh();
  ctx.poll(refresh, 3000);
}
