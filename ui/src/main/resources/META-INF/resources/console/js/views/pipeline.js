import * as api from '../api.js';
import { badge, fill, h, short, time } from '../dom.js';
import { action, actions, crumbs, flash, heading, pagedTable } from '../widgets.js';
import { promotionFacts } from './flowviews.js';

const FINAL = ['completed', 'rejected', 'expired', 'rolled-back', 'failed'];

/**
 * #/pipelines/:id — the stages left to right, each with the instances and device groups it deploys
 * to and the snapshot each runs; pending promotions under their target stage with the approvals so
 * far and links to the Tasklist tasks; promotions so far below.
 */
export async function pipelinePage(view, ctx) {
  const [pipelineId] = ctx.params;
  const pipeline = await api.get(`/pipelines/${api.id(pipelineId)}`);
  const [team, app] = await Promise.all([api.get(`/teams/${api.id(pipeline.teamId)}`), api.get(`/applications/${api.id(pipeline.applicationId)}`)]);
  const groups = new Map((await api.get(`/applications/${api.id(app.id)}/device-groups`)).map((g) => [g.id, g]));
  const board = h('div', { class: 'stages', id: 'stages' });
  const history = pagedTable(
    ['Promotion', 'From → to', 'State', 'Snapshot', 'Requested', 'Approvals', ''],
    (p) =>
      h(
        'tr',
        { 'data-promotion': p.id },
        h('td', {}, h('a', { href: `#/promotions/${p.id}/diff` }, short(p.id))),
        h('td', {}, `${p.sourceStage.name} → ${p.targetStage.name}`),
        h('td', {}, badge(p.state)),
        h('td', {}, p.snapshot?.id ? h('a', { href: `#/snapshots/${p.snapshot.id}` }, short(p.snapshot.id)) : '—'),
        h('td', {}, p.requestedBy, ' ', time(p.requestedAt)),
        h('td', {}, p.approvals.map((a) => `${a.approver} (${a.decision})`).join(', ') || '—'),
        h('td', {}, h('a', { href: `#/promotions/${p.id}/diff` }, 'change')),
      ),
    { pageSize: 10, empty: 'No promotions yet.', id: 'promotions' },
  );

  async function instanceCard(instanceId) {
    try {
      const i = await api.get(`/instances/${api.id(instanceId)}`);
      return h(
        'li',
        { class: 'target', 'data-instance': i.id },
        h('a', { href: `#/instances/${i.id}` }, i.name),
        ' ',
        badge(i.state),
        h('div', { class: 'runs' }, 'runs ', i.snapshotId ? h('a', { href: `#/snapshots/${i.snapshotId}`, class: 'stage-snapshot' }, `snapshot ${short(i.snapshotId)}`) : h('span', { class: 'muted' }, 'its own flows')),
      );
    } catch {
      return h('li', { class: 'target muted' }, `instance ${short(instanceId)} (gone)`);
    }
  }

  async function refresh() {
    const promotions = await api.get(`/pipelines/${api.id(pipelineId)}/promotions`);
    const pending = promotions.filter((p) => !FINAL.includes(p.state));
    const stageCards = await Promise.all(
      pipeline.stages.map(async (stage, index) => {
        const next = pipeline.stages[index + 1];
        const waiting = pending.filter((p) => p.targetStage.id === stage.id);
        return h(
          'div',
          { class: 'stage', 'data-stage': stage.name },
          h('h3', {}, stage.name, stage.protected ? h('span', { class: 'tag protected' }, 'protected') : null),
          h('p', { class: 'muted' }, `passes on: ${stage.action.replace('_', ' ')}`),
          h('ul', { class: 'targets' }, await Promise.all(stage.instances.map(instanceCard)), stage.deviceGroups.map((g) => h('li', { class: 'target' }, 'devices: ', groups.get(g)?.name || short(g)))),
          waiting.map((p) =>
            h(
              'div',
              { class: 'pending' },
              h('h4', {}, 'Incoming from ', p.sourceStage.name, ' ', h('a', { href: `#/promotions/${p.id}/diff`, class: 'diff-link' }, 'see the change')),
              promotionFacts(p, ctx.session),
            ),
          ),
          next
            ? actions(
                pipeline.teamId,
                'member',
                action(
                  `Promote to ${next.name}`,
                  async () => {
                    const accepted = await api.post(`/pipelines/${api.id(pipelineId)}/stages/${api.id(stage.id)}/promote`, {});
                    flash(`Promotion ${short(accepted.promotionId)} requested`);
                    await refresh();
                  },
                  { name: 'promote', kind: 'primary' },
                ),
              )
            : null,
        );
      }),
    );
    fill(board, stageCards.flatMap((card, i) => (i ? [h('div', { class: 'arrow', 'aria-hidden': 'true' }, '→'), card] : [card])));
    history.update(promotions);
  }

  fill(
    view,
    crumbs(h('a', { href: '#/' }, 'Teams'), h('a', { href: `#/teams/${team.id}` }, team.name), h('a', { href: `#/applications/${app.id}` }, app.name)),
    heading(`Pipeline ${pipeline.name}`),
    board,
    h('section', { class: 'card' }, h('h2', {}, 'Promotions'), history.element),
  );
  await refresh();
  ctx.poll(refresh, 3000);
}
