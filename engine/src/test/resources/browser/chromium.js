'use strict';
// What the browser scripts share: the JSON input on standard input, Debian's Chromium (in
// FLOWGATE_CHROMIUM) started headless with a fresh profile, a PNG of the page when something fails,
// and the JSON result on standard output; any failure exits with 1 and says why.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

// Debian's Chromium on a machine without a network but loopback: no background connections.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A log to standard error whose lines start with the script's name and the time. */
function logger(name) {
  return (...parts) => console.error(`[${name} ${new Date().toISOString().slice(11, 23)}]`, ...parts);
}

function fail(message) {
  throw new Error(message);
}

/**
 * Runs `work(page, input, pageErrors)` in one page of a headless Chromium and prints what it
 * returns. `viewport` is the page's size; `fullPageFailureShot` whether the failure PNG (at
 * `input.failureScreenshot`) shows the whole page or the viewport.
 */
function runInChromium(name, { viewport, fullPageFailureShot }, work) {
  const log = logger(name);
  async function main() {
    const input = JSON.parse(fs.readFileSync(0, 'utf8'));
    const executablePath = process.env.FLOWGATE_CHROMIUM || fail('FLOWGATE_CHROMIUM is not set');
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-chromium-'));
    let context;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport,
      });
      const page = context.pages()[0] || (await context.newPage());
      page.setDefaultTimeout(input.timeoutMs || 20000);
      const pageErrors = [];
      page.on('pageerror', (error) => {
        pageErrors.push(error.message);
        log('page error:', error.message);
      });
      try {
        return await work(page, input, pageErrors);
      } catch (error) {
        if (input.failureScreenshot) {
          fs.mkdirSync(path.dirname(input.failureScreenshot), { recursive: true });
          await page
            .screenshot({ path: input.failureScreenshot, fullPage: fullPageFailureShot })
            .catch(() => {});
          log('failure screenshot', input.failureScreenshot);
        }
        throw error;
      }
    } finally {
      if (context) await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    }
  }
  main().then(
    (result) => process.stdout.write(JSON.stringify(result) + '\n'),
    (error) => {
      console.error(`${name}: ${error.message}`);
      process.exit(1);
    },
  );
}

module.exports = { logger, fail, runInChromium };
