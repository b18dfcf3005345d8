import * as api from '../api.js';
import { badge, fill, h, short, time } from '../dom.js';
import { action, actions, cockpitLink, crumbs, flash, heading, pagedTable } from '../widgets.js';

const LIFECYCLE = ['start', 'stop', 'restart', 'suspend'];

/** In which states each action makes sense (the engine decides; this only spares a useless click). */
const ALLOWED = {
  start: ['stopped', 'suspended', 'crashed', 'failed'],
  stop: ['running', 'crashed'],
  restart: ['running', 'crashed'],
  suspend: ['running', 'stopped', 'crashed'],
  delete: ['running', 'stopped', 'suspended', 'crashed', 'failed'],
};

/** #/instances/:id — live state, URL, lifecycle actions, snapshots and their diffs. */
export async function instancePage(view, ctx) {
  const [instanceId] = ctx.params;
  let instance = await api.get(`/instances/${api.id(instanceId)}`);
  const [team, app] = await Promise.all([api.get(`/teams/${api.id(instance.teamId)}`), api.get(`/applications/${api.id(instance.applicationId)}`)]);
  const status = h('dl', { class: 'facts', id: 'instance-status' });
  const picked = new Set();
  const compare = h('button', { type: 'button', id: 'compare', disabled: true, onclick: () => {
    const [a, b] = [...picked];
    location.hash = `#/snapshots/${a}/diff/${b}`;
  } }, 'Compare the two chosen');
  const snapshots = pagedTable(
    ['', 'Snapshot', 'Kind', 'Taken', 'By', 'Hash', ''],
    (s) =>
      h(
        'tr',
        { 'data-snapshot': s.id },
        h('td', {}, h('input', { type: 'checkbox', checked: picked.has(s.id), 'aria-label': `choose ${s.name}`, onchange(e) {
          if (e.target.checked) picked.add(s.id); else picked.delete(s.id);
          // the older one first: a diff reads from old to new
          compare.disabled = picked.size !== 2;
        } })),
        h('td', {}, h('a', { href: `#/snapshots/${s.id}` }, s.name || short(s.id)), s.id === instance.snapshotId ? h('span', { class: 'tag' }, 'running') : null),
        h('td', {}, s.kind),
        h('td', {}, time(s.createdAt)),
        h('td', {}, s.createdBy || ''),
        h('td', { class: 'mono' }, short(s.hash)),
        h('td', {}, instance.snapshotId && s.id !== instance.snapshotId ? h('a', { href: `#/snapshots/${s.id}/diff/${instance.snapshotId}` }, 'diff with running') : null),
      ),
    { pageSize: 10, empty: 'No snapshots yet.', id: 'snapshots' },
  );
  const loadSnapshots = async () => snapshots.update(await api.get(`/instances/${api.id(instanceId)}/snapshots`));

  const drawStatus = () => {
    fill(
      status,
      h('dt', {}, 'State'),
      h('dd', { id: 'instance-state' }, badge(instance.state), instance.stateReason ? h('span', { class: 'muted' }, ` ${instance.stateReason}`) : null),
      h('dt', {}, 'Working on it'),
      h('dd', {}, instance.operation ? [instance.operation, ' ', cockpitLink(instance.operationProcessInstanceId)] : h('span', { class: 'muted' }, 'nothing')),
      h('dt', {}, 'URL'),
      h('dd', {}, instance.url ? h('a', { href: instance.url, target: '_blank', rel: 'noopener', id: 'instance-url' }, instance.url) : '—'),
      h('dt', {}, 'Runs'),
      h('dd', {}, instance.snapshotId ? h('a', { href: `#/snapshots/${instance.snapshotId}` }, `snapshot ${short(instance.snapshotId)}`) : 'its own flows'),
      h('dt', {}, 'Runtime'),
      h('dd', {}, `${instance.runtime} · ${instance.cpus} CPU · ${instance.memoryMb} MB · restart ${instance.restartPolicy}`),
      instance.lastFailureReason ? [h('dt', {}, 'Last failure'), h('dd', { class: 'error' }, instance.lastFailureReason, ' ', time(instance.lastFailureAt))] : null,
      h('dt', {}, 'Created'),
      h('dd', {}, time(instance.createdAt), ` by ${instance.createdBy}`),
    );
  };

  const act = (name) =>
    action(
      name[0].toUpperCase() + name.slice(1),
      async () => {
        const accepted = await api.post(`/instances/${api.id(instanceId)}/actions/${name}`);
        flash(`${name}: process ${short(accepted.processInstanceId)} started`);
        await refresh();
      },
      { name },
    );
  const remove = action(
    'Delete',
    async () => {
      await api.del(`/instances/${api.id(instanceId)}`);
      flash(`Instance ${instance.name} is being deleted`);
      await refresh();
    },
    { kind: 'danger', name: 'delete', confirm: `Delete instance ${instance.name}? Its container, Node-RED data, files and port go; its snapshots stay.` },
  );
  const snapshotName = h('input', { name: 'name', required: true, placeholder: 'before the new filler' });
  const takeSnapshot = h(
    'form',
    {
      class: 'inline',
      id: 'new-snapshot',
      async onsubmit(event) {
        event.preventDefault();
        try {
          await api.post(`/instances/${api.id(instanceId)}/snapshots`, { name: snapshotName.value });
          snapshotName.value = '';
          await loadSnapshots();
        } catch (e) {
          flash(e.message, 'error');
        }
      },
    },
    h('label', {}, 'Name ', snapshotName),
    h('button', { type: 'submit' }, 'Take snapshot'),
  );

  // A personal editor login: shown once (only its hash is kept), read-only on protected instances
  const editorLogin = h('dl', { class: 'facts', id: 'editor-login' });
  const showEditorLogin = async () => {
    const login = await api.get(`/instances/${api.id(instanceId)}/editor-credentials`);
    fill(
      editorLogin,
      h('dt', {}, 'Editor'),
      h('dd', {}, login.url ? h('a', { href: login.url, target: '_blank', rel: 'noopener' }, login.url) : '—'),
      h('dt', {}, 'User name'),
      h('dd', { class: 'mono', id: 'editor-username' }, login.username),
      h('dt', {}, 'Password'),
      h('dd', {}, h('code', { id: 'editor-password' }, login.password), h('span', { class: 'muted' }, ' shown this once')),
      h('dt', {}, 'Access'),
      h(
        'dd',
        { id: 'editor-access' },
        login.readOnly ? [h('span', { class: 'tag protected' }, 'read-only'), login.readOnlyBecause ? h('span', { class: 'muted' }, ` ${login.readOnlyBecause}`) : null] : 'read and write',
      ),
      h('dt', {}, 'Valid until'),
      h('dd', { id: 'editor-expires' }, time(login.expiresAt)),
    );
  };
  // Not an "action": it changes nothing on the instance, so viewers get it too (read-only).
  const getEditorLogin = h('button', { type: 'button', id: 'get-editor-login', title: 'A login of your own for this instance\'s Node-RED editor; a new one replaces the last' }, 'Get my editor login');
  getEditorLogin.addEventListener('click', async () => {
    getEditorLogin.disabled = true;
    try {
      await showEditorLogin();
    } catch (e) {
      flash(e.message || String(e), 'error');
    } finally {
      getEditorLogin.disabled = false;
    }
  });

  const buttons = actions(team.id, 'member', LIFECYCLE.map(act), remove);
  const enable = () => {
    if (!buttons) return;
    for (const button of buttons.querySelectorAll('button[data-action]')) {
      button.disabled = !!instance.operation || !(ALLOWED[button.dataset.action] || []).includes(instance.state);
    }
  };

  async function refresh() {
    try {
      instance = await api.get(`/instances/${api.id(instanceId)}`);
    } catch (e) {
      if (e.status === 404) {
        fill(status, h('dt', {}, 'State'), h('dd', { id: 'instance-state' }, badge('deleted')));
        buttons?.remove();
        return;
      }
      throw e;
    }
    drawStatus();
    enable();
  }

  fill(
    view,
    crumbs(h('a', { href: '#/' }, 'Teams'), h('a', { href: `#/teams/${team.id}` }, team.name), h('a', { href: `#/applications/${app.id}` }, app.name)),
    heading(instance.name),
    h('section', { class: 'card' }, status, buttons),
    h('section', { class: 'card' }, h('h2', {}, 'Editor login'), h('div', { class: 'editor-login' }, getEditorLogin), editorLogin),
    h('section', { class: 'card' }, h('h2', {}, 'Snapshots'), actions(team.id, 'member', takeSnapshot), snapshots.element, h('div', { class: 'actions' }, compare)),
  );
  drawStatus();
  enable();
  await loadSnapshots();
  ctx.poll(refresh, 2000);
}
