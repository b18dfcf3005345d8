import * as api from '../api.js';
import { badge, fill, h, short, time } from '../dom.js';
import { allAdded, changeList, flowPicture, inverted, legend, marksOf } from '../flows.js';
import { cockpitLink, crumbs, heading } from '../widgets.js';

/** Teams / the team / the instance, with the team's name filled in once it is known. */
function instanceCrumbs(snapshot, instance) {
  return crumbs(
    h('a', { href: '#/' }, 'Teams'),
    teamLink(snapshot.teamId),
    instance ? h('a', { href: `#/instances/${instance.id}` }, instance.name) : null,
  );
}

function teamLink(teamId) {
  const link = h('a', { href: `#/teams/${teamId}` }, 'Team');
  api.get(`/teams/${api.id(teamId)}`).then((team) => (link.textContent = team.name), () => {});
  return link;
}

async function instanceOf(snapshot) {
  try {
    return await api.get(`/instances/${api.id(snapshot.instanceId)}`);
  } catch {
    return null; // the instance may be gone; its snapshots stay
  }
}

function about(snapshot) {
  return h(
    'p',
    { class: 'muted' },
    `${snapshot.kind} snapshot, ${snapshot.nodeCount} nodes, taken `,
    time(snapshot.createdAt),
    ` by ${snapshot.createdBy} · SHA-256 `,
    h('code', { class: 'hash' }, snapshot.hash),
  );
}

/** #/snapshots/:id — the snapshot's flows as a picture, with its modules, env and settings. */
export async function snapshotPage(view, ctx) {
  const [snapshotId] = ctx.params;
  const [snapshot, content] = await Promise.all([api.get(`/snapshots/${api.id(snapshotId)}`), api.get(`/snapshots/${api.id(snapshotId)}/content`)]);
  const instance = await instanceOf(snapshot);
  const modules = Object.entries(content.modules || {});
  const env = content.env || [];
  fill(
    view,
    instanceCrumbs(snapshot, instance),
    heading(`Snapshot ${snapshot.name || short(snapshot.id)}`),
    about(snapshot),
    snapshot.description ? h('p', {}, snapshot.description) : null,
    h('section', { class: 'card' }, flowPicture(content.flows || [], new Map(), { id: 'flows' })),
    h(
      'section',
      { class: 'card columns' },
      h('div', {}, h('h2', {}, 'Modules'), modules.length ? h('ul', {}, modules.map(([name, version]) => h('li', {}, `${name} ${version}`))) : h('p', { class: 'muted' }, 'none')),
      h(
        'div',
        {},
        h('h2', {}, 'Env'),
        env.length ? h('ul', {}, env.map((e) => h('li', {}, e.secret ? `${e.name} (secret)` : `${e.name} = ${e.value ?? ''}`))) : h('p', { class: 'muted' }, 'none'),
      ),
      h('div', {}, h('h2', {}, 'Settings'), h('pre', {}, JSON.stringify(content.settings || {}, null, 2))),
    ),
  );
}

/** The before and after pictures with the change list between them. */
function diffSections(diff, before, after, { beforeTitle, afterTitle }) {
  const marks = marksOf(diff);
  return [
    h('section', { class: 'card' }, h('h2', {}, 'What changes'), legend(), diff.summary ? h('pre', { class: 'summary', id: 'summary' }, diff.summary) : null, changeList(diff)),
    h('section', { class: 'card' }, h('h2', {}, afterTitle), flowPicture(after, marks.after, { id: 'flows-after' })),
    before ? h('section', { class: 'card' }, h('h2', {}, beforeTitle), flowPicture(before, marks.before, { id: 'flows-before' })) : null,
  ];
}

/** #/snapshots/:from/diff/:to — what changes from one snapshot to the other, drawn. */
export async function snapshotDiffPage(view, ctx) {
  const [fromId, toId] = ctx.params;
  const [from, to, diff, fromContent, toContent] = await Promise.all([
    api.get(`/snapshots/${api.id(fromId)}`),
    api.get(`/snapshots/${api.id(toId)}`),
    api.get(`/snapshots/${api.id(fromId)}/diff/${api.id(toId)}`),
    api.get(`/snapshots/${api.id(fromId)}/content`),
    api.get(`/snapshots/${api.id(toId)}/content`),
  ]);
  const instance = await instanceOf(to);
  fill(
    view,
    instanceCrumbs(to, instance),
    heading(`From ${from.name || short(from.id)} to ${to.name || short(to.id)}`),
    h('p', { class: 'muted' }, `${diff.changeCount} changes · `, h('a', { href: `#/snapshots/${toId}/diff/${fromId}` }, 'the other way round')),
    diffSections(diff, fromContent.flows, toContent.flows, { beforeTitle: `Before: ${from.name || short(from.id)}`, afterTitle: `After: ${to.name || short(to.id)}` }),
  );
}

/**
 * #/promotions/:id/diff — what the promotion changes on its first target, as the approval form
 * summarises it: compared with the target's live flows when it runs, else with the snapshot it last
 * got. The Tasklist approval form links here.
 */
export async function promotionDiffPage(view, ctx) {
  const [promotionId] = ctx.params;
  const promotion = await api.get(`/promotions/${api.id(promotionId)}`);
  const header = [
    crumbs(h('a', { href: '#/' }, 'Teams'), teamLink(promotion.teamId), h('a', { href: `#/pipelines/${promotion.pipelineId}` }, promotion.pipelineName)),
    heading(`Promotion ${promotion.sourceStage.name} → ${promotion.targetStage.name}`),
    promotionFacts(promotion, ctx.session),
  ];
  if (!promotion.snapshot?.id) {
    fill(view, header, h('p', { class: 'muted' }, 'The snapshot is not chosen yet; this page shows the change once it is.'));
    ctx.poll(async () => {
      const now = await api.get(`/promotions/${api.id(promotionId)}`);
      if (now.snapshot?.id) await promotionDiffPage(view, ctx);
    }, 2000);
    return;
  }
  const toId = promotion.snapshot.id;
  const toContent = await api.get(`/snapshots/${api.id(toId)}/content`);
  const target = promotion.targets.find((t) => t.instanceId);
  let diff;
  let before = null;
  let compared;
  const instance = target ? await api.get(`/instances/${api.id(target.instanceId)}`).catch(() => null) : null;
  if (instance && instance.snapshotId && instance.snapshotId !== toId) {
    before = (await api.get(`/snapshots/${api.id(instance.snapshotId)}/content`)).flows;
  }
  if (instance && instance.state === 'running') {
    try {
      diff = inverted(await api.get(`/instances/${api.id(instance.id)}/diff${api.query({ snapshot: toId })}`));
      compared = `the flows ${instance.name} runs now`;
    } catch {
      diff = null;
    }
  }
  if (!diff && instance?.snapshotId) {
    diff = await api.get(`/snapshots/${api.id(instance.snapshotId)}/diff/${api.id(toId)}`);
    compared = `snapshot ${short(instance.snapshotId)}, the last one ${instance.name} got`;
  }
  if (!diff) {
    diff = allAdded(toContent.flows || []);
    compared = instance ? `nothing (${instance.name} has no snapshot from Flowgate yet)` : 'nothing (the stage deploys to device groups only)';
  }
  diff.summary = promotion.diffSummary || diff.summary;
  fill(
    view,
    header,
    h('p', { class: 'muted' }, `Compared with ${compared}.`),
    diffSections(diff, before, toContent.flows || [], {
      beforeTitle: `Before: what ${instance?.name || 'the target'} last got from Flowgate`,
      afterTitle: `After: the snapshot to promote (${short(promotion.snapshot.hash)})`,
    }),
  );
}

/** Who made an approver one and since when, as the approval's reader needs to know. */
function grant(a) {
  if (!a.approverSince) return null;
  const confirmed = a.approverConfirmedBy ? `, confirmed by ${a.approverConfirmedBy}` : '';
  return h('small', { class: 'approver-grant' }, ` approver since ${a.approverSince.slice(0, 10)}, granted by ${a.approverGrantedBy}${confirmed}`);
}

/** State, snapshot hash, approvals so far and the open Tasklist tasks of a promotion. */
export function promotionFacts(p, session) {
  return h(
    'dl',
    { class: 'facts promotion', 'data-promotion': p.id },
    h('dt', {}, 'State'),
    h('dd', { class: 'promotion-state' }, badge(p.state), p.stateReason ? h('span', { class: 'muted' }, ` ${p.stateReason}`) : null),
    h('dt', {}, 'Snapshot'),
    h('dd', {}, p.snapshot?.id ? [h('a', { href: `#/snapshots/${p.snapshot.id}` }, short(p.snapshot.id)), ' ', h('code', { class: 'hash' }, short(p.snapshot.hash))] : '—'),
    h('dt', {}, 'Requested'),
    h('dd', {}, `by ${p.requestedBy}${p.requestedVia ? ` (with API ${p.requestedVia})` : ''} `, time(p.requestedAt), p.comment ? h('q', {}, p.comment) : null),
    h('dt', {}, 'Approvals'),
    h(
      'dd',
      { class: 'approvals' },
      p.approvalsRequired ? `${p.approvals.filter((a) => a.decision === 'approve').length} of ${p.approvalsRequired}` : '—',
      p.approverGroup ? h('span', { class: 'muted' }, ` (group ${p.approverGroup})`) : null,
      p.approvals.length
        ? h('ul', {}, p.approvals.map((a) => h('li', { class: `decision-${a.decision}` }, `${a.approver}: ${a.decision}`, a.comment ? h('q', {}, a.comment) : null, ' ', time(a.decidedAt), grant(a))))
        : null,
    ),
    p.openTasks?.length
      ? [
          h('dt', {}, 'Waiting in Tasklist'),
          h('dd', {}, p.openTasks.map((t, i) => h('a', { href: session.tasklistTask(t), target: '_blank', rel: 'noopener', class: 'tasklist-link' }, `approval task ${i + 1}`)).flatMap((a, i) => (i ? [' · ', a] : [a]))),
        ]
      : null,
    h('dt', {}, 'Process'),
    h('dd', {}, cockpitLink(p.processInstanceId, 'open in Cockpit') || '—'),
  );
}
