'use strict';
// One approver decides on a promotion in Camunda Tasklist, as a person would: logs in, opens the
// approval task whose form shows the snapshot hash they were asked to sign, claims it, reads the
// form, chooses a decision, writes a comment and completes the task.
//
// Run by TasklistApprovalBrowserTest: `node tasklist-approve.js` with playwright-core on NODE_PATH
// and Debian's Chromium in FLOWGATE_CHROMIUM. Input (JSON on standard input):
//   tasklistUrl      Tasklist of the engine, e.g. http://localhost:8080/camunda/app/tasklist/default/
//   username, password
//   displayName      optional: the user's first and last name, as Tasklist shows the assignee
//   taskName         the task's name in the list ("Approve the promotion")
//   snapshotHash     the task to take is the one whose form shows this SHA-256
//   expectDiff       optional: text the diff summary must contain
//   decision         "approve" or "reject"
//   comment          the approver's comment
//   screenshot       optional: where to save a PNG of the filled-in form before completing
//   failureScreenshot optional: where to save a PNG of the page when something fails
//   expectRefusal    optional: true when the completion must be refused (a bypass attempt); the
//                    refusal is then the expected outcome and its status and text are the output
// Output (JSON on standard output): the task's id, what the form showed, the link to the diff
// picture and the status of the completion. Progress goes to standard error. Any failure exits
// with 1 and says why.

const fs = require('fs');
const path = require('path');
const { logger, fail, runInChromium } = require('./chromium');

// The form's read-only fields, by their labels in promotion-approval.form.
const FIELDS = {
  pipeline: 'Pipeline',
  sourceStage: 'From stage',
  targetStage: 'To stage',
  targets: 'Instances that will run it',
  snapshotName: 'Snapshot',
  snapshotHash: 'Snapshot SHA-256',
  requestedBy: 'Requested by',
  requestComment: "Requester's comment",
  diffSummary: 'What changes on the target (compared with what it runs now)',
};
const DECISION_LABELS = { approve: 'Approve', reject: 'Reject' };
const COMMENT_LABEL = 'Comment (required when you reject)';
const DIFF_LINK_TEXT = 'The change as a picture';

const log = logger('tasklist');

async function visibleAlerts(page) {
  const texts = await page.locator('.alert:visible, .notification:visible').allInnerTexts();
  return texts.map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

async function logIn(page, input) {
  log('opening', input.tasklistUrl);
  await page.goto(input.tasklistUrl);
  await page.getByPlaceholder('Username').fill(input.username);
  await page.getByPlaceholder('Password').fill(input.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  try {
    await page.locator('ol.tasks-list, .no-tasks, [ng-if="!totalItems"]').first().waitFor();
  } catch (e) {
    fail(`login as ${input.username} did not reach the task list: ${JSON.stringify(await visibleAlerts(page))}`);
  }
  log('logged in as', input.username);
}

/** The id of the first input of the form shown now, which changes with every rendered form. */
function formIdentity(page) {
  return page.evaluate(() => {
    const field = document.querySelector('.fjs-form input');
    return field ? field.id : null;
  });
}

/** Opens the tasks of that name one after the other until one shows the snapshot hash. */
async function openTask(page, input) {
  const links = page.locator('ol.tasks-list li.task h4.task a', { hasText: input.taskName });
  try {
    await links.first().waitFor();
  } catch (e) {
    fail(`no task "${input.taskName}" in ${input.username}'s task list: ${JSON.stringify(await page.locator('ol.tasks-list').allInnerTexts().catch(() => []))}`);
  }
  const count = await links.count();
  const seen = [];
  for (let i = 0; i < count; i++) {
    const link = links.nth(i);
    const taskId = (await link.getAttribute('href')).replace(/^.*task=/, '');
    const before = await formIdentity(page);
    await link.click();
    await page.waitForFunction(
      ([id, previous]) => {
        const field = document.querySelector('.fjs-form input');
        return location.hash.includes(id) && field && field.id !== previous && field.value !== '';
      },
      [taskId, before],
    );
    const hash = await page.getByLabel(FIELDS.snapshotHash, { exact: true }).inputValue();
    log('task', taskId, 'shows snapshot', hash);
    if (hash === input.snapshotHash) {
      return taskId;
    }
    seen.push(hash);
  }
  return fail(`none of the ${count} "${input.taskName}" tasks shows snapshot ${input.snapshotHash} (seen: ${seen.join(', ')})`);
}

async function readForm(page) {
  const shown = {};
  for (const [key, label] of Object.entries(FIELDS)) {
    shown[key] = await page.getByLabel(label, { exact: true }).inputValue();
  }
  const link = page.locator('.fjs-form a', { hasText: DIFF_LINK_TEXT });
  shown.diffLink = (await link.count()) === 1 ? await link.getAttribute('href') : null;
  return shown;
}

async function approve(page, input) {
  await logIn(page, input);
  const taskId = await openTask(page, input);

  // Tasklist enables the form for the task's assignee only
  const assignee = page.locator('li.assignee');
  await assignee.waitFor();
  if ((await assignee.locator('button.claim').count()) > 0) {
    log('claiming', taskId);
    await assignee.locator('button.claim').click();
    await assignee.locator('button.claim').waitFor({ state: 'detached' });
  }
  // Tasklist names the assignee by full name when the user has one
  const assignedTo = (await assignee.innerText()).trim();
  if (![input.username, input.displayName].some((name) => name && assignedTo.includes(name))) {
    fail(`task ${taskId} is assigned to ${assignedTo}, not to ${input.username}`);
  }

  const shown = await readForm(page);
  log('form shows', JSON.stringify(shown));
  if (input.expectDiff && !shown.diffSummary.includes(input.expectDiff)) {
    fail(`the diff summary does not name ${input.expectDiff}: ${shown.diffSummary}`);
  }
  if (!shown.diffLink) {
    fail(`no link "${DIFF_LINK_TEXT}" in the form`);
  }

  const decision = DECISION_LABELS[input.decision] || fail(`unknown decision ${input.decision}`);
  // a form is enabled once the task is claimed; Playwright waits for that
  await page.getByLabel(decision, { exact: true }).check();
  await page.getByLabel(COMMENT_LABEL, { exact: true }).fill(input.comment);

  const complete = page.getByRole('button', { name: 'Complete', exact: true });
  if (input.screenshot) {
    // the page down to the form's buttons
    const buttons = await complete.boundingBox();
    const size = page.viewportSize();
    fs.mkdirSync(path.dirname(input.screenshot), { recursive: true });
    await page.screenshot({
      path: input.screenshot,
      clip: { x: 0, y: 0, width: size.width, height: Math.min(size.height, Math.ceil(buttons.y + buttons.height + 24)) },
    });
    log('screenshot', input.screenshot);
  }

  const completion = page.waitForResponse(
    (response) => response.request().method() === 'POST' && response.url().endsWith(`/task/${taskId}/submit-form`),
  );
  await complete.click();
  const response = await completion;
  if (input.expectRefusal) {
    if (response.status() === 204) {
      fail(`completing ${taskId} as ${input.username} was accepted, but it must be refused`);
    }
    const text = await response.text();
    log('refused', taskId, response.status(), text);
    return { user: input.username, taskId, shown, completionStatus: response.status(), refusal: text };
  }
  if (response.status() !== 204) {
    fail(`completing ${taskId} answered ${response.status()}: ${await response.text()}`);
  }
  await page.locator(`ol.tasks-list a[href="#/?task=${taskId}"]`).waitFor({ state: 'detached' });
  log('completed', taskId);
  return { user: input.username, taskId, shown, completionStatus: response.status() };
}

// tall enough for the whole form and its buttons above Tasklist's footer
runInChromium('tasklist-approve', { viewport: { width: 1280, height: 1800 }, fullPageFailureShot: false },
  (page, input) => approve(page, input));
