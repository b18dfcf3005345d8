'use strict';
// The Flowgate console (/console) as a person uses it, in headless Chromium: signs in with the
// form, then walks one scenario and reports what the pages showed.
//
// Run by the console browser tests: `node console.js` with playwright-core on NODE_PATH and
// Debian's Chromium in FLOWGATE_CHROMIUM. Input (JSON on standard input):
//   baseUrl            Flowgate, e.g. http://localhost:8080
//   username, password
//   scenario           create-instance | promote | rollout | viewer | snapshots | audit | scale
//   screenshotDir      where to save PNGs of the pages (console-*.png)
//   failureScreenshot  optional: where to save a PNG of the page when something fails
//   …                  what the scenario needs (teamId, instanceName, pipelineId, rolloutId, pages)
// Output (JSON on standard output): what the scenario saw. Progress goes to standard error; any
// failure exits with 1 and says why.

const fs = require('fs');
const path = require('path');
const { logger, fail, runInChromium } = require('./chromium');

const log = logger('console');

async function shot(page, input, name) {
  if (!input.screenshotDir) return null;
  fs.mkdirSync(input.screenshotDir, { recursive: true });
  const file = path.join(input.screenshotDir, `console-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log('screenshot', file);
  return file;
}

async function signIn(page, input) {
  const url = `${input.baseUrl}/console/`;
  log('opening', url);
  await page.goto(url);
  await page.locator('form.sign-in').waitFor();
  const basicDialogs = [];
  page.on('dialog', (d) => basicDialogs.push(d.type()));
  await page.fill('input[name=username]', input.username);
  await page.fill('input[name=password]', input.password);
  await page.click('form.sign-in button[type=submit]');
  try {
    await page.locator('#username').waitFor();
  } catch (e) {
    fail(`sign-in as ${input.username} failed: ${await page.locator('#sign-in-error').innerText().catch(() => '?')}`);
  }
  log('signed in as', input.username);
  return { signedInAs: await page.locator('#username').innerText(), dialogs: basicDialogs };
}

async function go(page, input, route) {
  await page.goto(`${input.baseUrl}/console/${route}`);
}

/** The team page's form creates an instance; its page shows the state until it runs. */
async function createInstance(page, input) {
  await go(page, input, `#/teams/${input.teamId}`);
  await page.locator('#new-instance').waitFor();
  await page.fill('#new-instance input[name=name]', input.instanceName);
  await page.click('#new-instance button[type=submit]');
  await page.waitForURL(/#\/instances\/[^/]+$/);
  const instanceId = page.url().split('/').pop();
  log('created', instanceId);
  const states = [];
  const deadline = Date.now() + (input.runningWithinMs || 150000);
  let state = null;
  while (Date.now() < deadline) {
    state = await page.locator('#instance-state [data-state]').getAttribute('data-state').catch(() => null);
    if (state && states[states.length - 1] !== state) {
      states.push(state);
      log('state', state);
    }
    const working = await page.locator('#instance-status').innerText().catch(() => '');
    if (state === 'running' && !/provisioning|start…/.test(working) && (await page.locator('[data-action=stop]:not([disabled])').count()) > 0) break;
    if (state === 'failed') fail(`the instance failed: ${await page.locator('#instance-status').innerText()}`);
    await page.waitForTimeout(250);
  }
  if (state !== 'running') fail(`the instance did not become running; states seen: ${states}`);
  const url = await page.locator('#instance-url').getAttribute('href');
  const buttons = await page.locator('#instance-status ~ .actions button').allInnerTexts();
  await shot(page, input, 'instance');
  // delete asks first; cancelling keeps the instance
  await page.click('[data-action=delete]');
  const question = await page.locator('#confirm-text').innerText();
  await page.click('#confirm button[value=cancel]');
  const afterCancel = await page.locator('#instance-state [data-state]').getAttribute('data-state');
  await go(page, input, `#/teams/${input.teamId}`);
  await page.locator(`#instances tr[data-instance="${instanceId}"]`).waitFor();
  await shot(page, input, 'team');
  return { instanceId, states, url, buttons, deleteQuestion: question, stateAfterCancel: afterCancel };
}

/** The pipeline page's button asks for a promotion, which waits for approval; its diff is drawn. */
async function promote(page, input) {
  await go(page, input, `#/pipelines/${input.pipelineId}`);
  await page.locator('#stages .stage').first().waitFor();
  const stages = await page.locator('#stages .stage h3').allInnerTexts();
  await page.click('#stages .stage >> nth=0 >> [data-action=promote]');
  const pending = page.locator('#stages .stage >> nth=1 >> .pending');
  await pending.locator('.promotion-state [data-state="awaiting-approval"]').waitFor({ timeout: input.awaitingWithinMs || 120000 });
  log('waiting for approval');
  const promotionId = await pending.locator('[data-promotion]').getAttribute('data-promotion');
  const approvals = await pending.locator('.approvals').innerText();
  const tasklistLinks = await pending.locator('a.tasklist-link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const cockpitLink = await pending.locator('a.cockpit-link').getAttribute('href');
  await shot(page, input, 'pipeline');
  await pending.locator('a.diff-link').click();
  await page.waitForURL(/#\/promotions\/[^/]+\/diff$/);
  await page.locator('#flows-after[data-drawn]').waitFor();
  await page.locator('#flows-after [data-node-id]').first().waitFor();
  const marked = async (mark) => page.locator(`#flows-after [data-node-id].fg-${mark}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
  const diff = {
    url: page.url(),
    added: await marked('added'),
    changed: await marked('changed'),
    changes: await page.locator('#changes').innerText(),
  };
  await shot(page, input, 'promotion-diff');
  return { stages, promotionId, approvals, tasklistLinks, cockpitLink, diff };
}

/** The rollout page's bars, sampled every half second until the rollout is over; pause and resume. */
async function watchRollout(page, input) {
  await go(page, input, `#/rollouts/${input.rolloutId}`);
  await page.locator('#waves .wave').first().waitFor();
  const samples = [];
  const read = () =>
    page.evaluate(() => ({
      state: document.querySelector('#rollout-state [data-state]')?.getAttribute('data-state'),
      waves: [...document.querySelectorAll('#waves .wave')].map((w) => {
        const part = (key) => Number(w.querySelector(`.bar .part.${key}`)?.getAttribute('data-count') || 0);
        const width = (key) => w.querySelector(`.bar .part.${key}`)?.style.width || '0%';
        return { wave: Number(w.dataset.wave), succeeded: part('succeeded'), failed: part('failed'), timedOut: part('timedOut'), pending: part('pending'), succeededWidth: width('succeeded') };
      }),
    }));
  const over = ['completed', 'aborted', 'rolled-back'];
  let paused = null;
  let midShot = false;
  const deadline = Date.now() + (input.overWithinMs || 180000);
  while (Date.now() < deadline) {
    const sample = await read();
    const last = samples[samples.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(sample)) {
      samples.push(sample);
      log('bars', sample.state, sample.waves.map((w) => `${w.succeeded}/${w.pending}`).join(' '));
    }
    const done = sample.waves.filter((w) => w.succeeded > 0).length;
    // the picture for the README: a wave half way, after at least one that is done
    if (!midShot && done >= 2 && sample.waves.some((w) => w.succeeded > 0 && w.pending > 0)) {
      midShot = true;
      await shot(page, input, 'rollout');
    }
    const canaryDone = sample.waves[0] && sample.waves[0].succeeded > 0 && sample.waves[0].pending === 0;
    if (input.pauseAndResume && !paused && sample.state === 'running' && canaryDone) {
      await page.click('[data-action=pause]');
      await page.locator('#rollout-state [data-state="paused"]').waitFor({ timeout: 30000 });
      const heldBars = await read();
      await page.waitForTimeout(input.holdMs || 3000);
      const stillHeld = await read();
      await page.click('[data-action=resume]');
      paused = { heldBars, stillHeld };
      log('paused and resumed');
    }
    if (over.includes(sample.state)) break;
    await page.waitForTimeout(500);
  }
  const final = await read();
  if (!over.includes(final.state)) fail(`the rollout did not finish; last: ${JSON.stringify(final)}`);
  const buttonsHidden = await page.locator('.actions [data-action=pause]').isHidden();
  await shot(page, input, 'rollout-done');
  await go(page, input, `#/teams/${input.teamId}/devices`);
  await page.locator('#devices tr[data-device]').first().waitFor();
  const devicesInDom = await page.locator('#devices tr[data-device]').count();
  const total = await page.locator('#device-total').innerText();
  await shot(page, input, 'devices');
  return { samples, final, paused, buttonsHidden, devicesInDom, deviceTotal: total };
}

/** A snapshot drawn, and the diff of two snapshots drawn with the changed nodes marked. */
async function snapshots(page, input) {
  await go(page, input, `#/snapshots/${input.snapshotId}`);
  await page.locator('#flows[data-drawn] [data-node-id]').first().waitFor();
  const nodes = await page.locator('#flows g.node[data-node-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
  const tabs = await page.locator('#flows .red-ui-tab').allInnerTexts();
  await shot(page, input, 'snapshot');
  await go(page, input, `#/snapshots/${input.fromId}/diff/${input.toId}`);
  await page.locator('#flows-after[data-drawn] [data-node-id]').first().waitFor();
  await page.locator('#flows-before[data-drawn] [data-node-id]').first().waitFor();
  const marked = (picture, mark) => page.locator(`#${picture} [data-node-id].fg-${mark}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')));
  const diff = {
    after: { added: await marked('flows-after', 'added'), changed: await marked('flows-after', 'changed') },
    before: { removed: await marked('flows-before', 'removed'), changed: await marked('flows-before', 'changed') },
    changes: await page.locator('#changes').innerText(),
  };
  await shot(page, input, 'snapshot-diff');
  return { nodes, tabs, diff };
}

/** The audit log filtered in the form: the actions listed, newest first. */
async function audit(page, input) {
  await go(page, input, `#/audit?entityId=${encodeURIComponent(input.entityId)}`);
  await page.locator('#audit tbody tr').first().waitFor();
  await page.fill('form.filters input[name=action]', input.action);
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(
    (prefix) => [...document.querySelectorAll('#audit tbody tr[data-seq] td:nth-child(4)')].every((td) => td.innerText.startsWith(prefix)),
    input.action.replace('*', ''),
  );
  const actions = await page.locator('#audit tbody tr[data-seq] td:nth-child(4)').allInnerTexts();
  await shot(page, input, 'audit');
  return { actions, url: page.url() };
}

/** The pages a viewer opens, and what they offer: buttons and forms that change things. */
async function viewer(page, input) {
  const seen = {};
  for (const route of input.pages) {
    await go(page, input, route);
    await page.locator('main h1').first().waitFor();
    await page.waitForTimeout(1500);
    seen[route] = {
      title: await page.locator('main h1').first().innerText(),
      actions: await page.locator('main button.action, main form.inline, main [data-action]').count(),
      role: await page.locator('#my-role').innerText().catch(() => null),
    };
    log('viewer on', route, JSON.stringify(seen[route]));
  }
  await go(page, input, input.pages[0]);
  await page.locator('main h1').first().waitFor();
  await page.waitForTimeout(1000);
  await shot(page, input, 'viewer');
  return { pages: seen, auditLinkShown: await page.locator('#nav-audit').isVisible() };
}

/**
 * Pages of a large team opened one after the other (input.pages: [{ route, ready }]): how long
 * each took until its `ready` selector showed, how many table rows it put into the page, and the
 * longest task that blocked the browser meanwhile (Long Tasks API).
 */
async function scale(page, input) {
  // the console routes by hash: one document for all pages, one observer for all of them
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const seen = {};
  for (const { route, ready } of input.pages) {
    await page.evaluate(() => (window.__longTasks.length = 0));
    const started = Date.now();
    await page.goto(`${input.baseUrl}/console/${route}`);
    await page.locator(ready).first().waitFor();
    const ms = Date.now() - started;
    // a click right after: the page still answers
    const clickStarted = Date.now();
    await page.locator('main h1').first().click();
    const clickMs = Date.now() - clickStarted;
    seen[route] = {
      ms,
      clickMs,
      rows: await page.locator('main tr').count(),
      longestTaskMs: await page.evaluate(() => Math.max(0, ...window.__longTasks)),
    };
    log('scale', route, JSON.stringify(seen[route]));
    await shot(page, input, `scale-${Object.keys(seen).length}`);
  }
  return { pages: seen };
}

const SCENARIOS = { 'create-instance': createInstance, promote, rollout: watchRollout, viewer, snapshots, audit, scale };

runInChromium('console', { viewport: { width: 1360, height: 900 }, fullPageFailureShot: true },
  async (page, input, pageErrors) => {
    const scenario = SCENARIOS[input.scenario] || fail(`unknown scenario ${input.scenario}`);
    const session = await signIn(page, input);
    const result = await scenario(page, input);
    return { ...session, ...result, pageErrors };
  });
