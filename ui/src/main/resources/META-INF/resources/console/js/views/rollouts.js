import * as api from '../api.js';
import { badge, fill, h, short, time } from '../dom.js';
import { action, actions, cockpitLink, crumbs, cursorTable, flash, heading } from '../widgets.js';

const OVER = ['completed', 'aborted', 'rolled-back'];
const PARTS = [
  ['succeeded', 'succeeded'],
  ['failed', 'failed'],
  ['timedOut', 'timed out'],
  ['pending', 'pending'],
];

/** #/teams/:id/rollouts — the team's rollouts, newest first, a page at a time. */
export async function rolloutsPage(view, ctx) {
  const [teamId] = ctx.params;
  const team = await api.get(`/teams/${api.id(teamId)}`);
  const list = cursorTable(
    ['Rollout', 'Device group', 'Snapshot', 'State', 'Requested', 'Finished'],
    (r) =>
      h(
        'tr',
        { 'data-rollout': r.id },
        h('td', {}, h('a', { href: `#/rollouts/${r.id}` }, short(r.id))),
        h('td', {}, r.deviceGroupName),
        h('td', {}, h('a', { href: `#/snapshots/${r.snapshotId}` }, short(r.snapshotId))),
        h('td', {}, badge(r.state)),
        h('td', {}, r.requestedBy, ' ', time(r.requestedAt)),
        h('td', {}, time(r.finishedAt)),
      ),
    (before) => api.get(`/teams/${api.id(teamId)}/rollouts${api.query({ before, limit: 20 })}`),
    { empty: 'No rollouts yet.', id: 'rollouts' },
  );
  fill(view, crumbs(h('a', { href: '#/' }, 'Teams'), h('a', { href: `#/teams/${teamId}` }, team.name)), heading('Rollouts', h('a', { href: `#/teams/${teamId}/devices` }, 'Devices')), h('section', { class: 'card' }, list.element));
  await list.first();
  ctx.poll(list.reload, 5000);
}

/** One wave as a bar: succeeded, failed, timed out and pending, in proportion to the targeted. */
function waveBar(wave, current) {
  const targeted = wave.targeted;
  const parts = PARTS.map(([key, label]) => {
    const count = wave[key];
    const width = targeted ? (100 * count) / targeted : 0;
    return h('span', { class: `part ${key}`, style: `width:${width}%`, title: `${label}: ${count}`, 'data-count': count });
  });
  return h(
    'div',
    { class: `wave${current ? ' current' : ''}`, 'data-wave': wave.wave },
    h('div', { class: 'wave-name' }, `wave ${wave.wave}`),
    h('div', { class: 'bar', role: 'img', 'aria-label': PARTS.map(([key, label]) => `${label} ${wave[key]}`).join(', ') }, targeted ? parts : h('span', { class: 'part empty' })),
    h(
      'div',
      { class: 'wave-counts' },
      targeted ? `${wave.targeted} devices: ` : 'not started',
      targeted ? PARTS.map(([key, label]) => h('span', { class: `n ${key}`, 'data-part': key }, `${label} ${wave[key]} `)) : null,
      wave.rolledBack ? h('span', { class: 'n rolled-back' }, `rolled back ${wave.rolledBack}`) : null,
    ),
  );
}

/** #/rollouts/:id — per-wave progress bars, updated every second, and pause, resume and abort. */
export async function rolloutPage(view, ctx) {
  const [rolloutId] = ctx.params;
  let rollout = await api.get(`/rollouts/${api.id(rolloutId)}`);
  const group = await api.get(`/device-groups/${api.id(rollout.deviceGroupId)}`).catch(() => null);
  const teamId = group?.teamId;
  const status = h('dl', { class: 'facts', id: 'rollout-status' });
  const waves = h('div', { class: 'waves', id: 'waves' });
  const act = (name, label, confirm) =>
    action(
      label,
      async () => {
        rollout = await api.post(`/rollouts/${api.id(rolloutId)}/actions/${name}`);
        flash(`${label} requested`);
        draw();
      },
      { name, confirm, kind: name === 'abort' ? 'danger' : '' },
    );
  const buttons = teamId
    ? actions(teamId, 'member', act('pause', 'Pause'), act('resume', 'Resume'), act('abort', 'Abort', 'Abort this rollout? Devices already updated go back to what they ran before (if the rollout rolls back automatically).'))
    : null;

  function draw() {
    fill(
      status,
      h('dt', {}, 'State'),
      h('dd', { id: 'rollout-state' }, badge(rollout.state), rollout.stateReason ? h('span', { class: 'muted' }, ` ${rollout.stateReason}`) : null),
      h('dt', {}, 'Device group'),
      h('dd', {}, rollout.deviceGroupName),
      h('dt', {}, 'Snapshot'),
      h('dd', {}, h('a', { href: `#/snapshots/${rollout.snapshotId}` }, short(rollout.snapshotId))),
      h('dt', {}, 'Requested'),
      h('dd', {}, `by ${rollout.requestedBy} `, time(rollout.requestedAt)),
      h('dt', {}, 'Finished'),
      h('dd', {}, time(rollout.finishedAt)),
      h('dt', {}, 'Process'),
      h('dd', {}, cockpitLink(rollout.processInstanceId, 'open in Cockpit')),
    );
    fill(waves, rollout.waves.map((w) => waveBar(w, w.wave === rollout.currentWave && !OVER.includes(rollout.state))));
    if (buttons) {
      const over = OVER.includes(rollout.state);
      buttons.hidden = over;
      buttons.querySelector('[data-action=pause]').disabled = rollout.state !== 'running';
      buttons.querySelector('[data-action=resume]').disabled = !['paused', 'awaiting-gate'].includes(rollout.state);
    }
  }

  fill(
    view,
    crumbs(h('a', { href: '#/' }, 'Teams'), teamId ? h('a', { href: `#/teams/${teamId}/rollouts` }, 'Rollouts') : null),
    heading(`Rollout to ${rollout.deviceGroupName}`),
    h('section', { class: 'card' }, status, buttons),
    h('section', { class: 'card' }, h('h2', {}, 'Waves'), h('p', { class: 'legend' }, PARTS.map(([key, label]) => h('span', { class: `key ${key}` }, label))), waves),
  );
  draw();
  ctx.poll(async () => {
    if (OVER.includes(rollout.state)) return;
    rollout = await api.get(`/rollouts/${api.id(rolloutId)}`);
    draw();
  }, 1000);
}
