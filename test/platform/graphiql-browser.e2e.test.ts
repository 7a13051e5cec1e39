/**
 * GraphiQL as a person uses it: headless Chromium opens /graphql, a staff token goes in the Headers tab, a
 * subscription runs from the editor, and a change made elsewhere appears in the result pane. Every request the page
 * makes stays on the hub (no CDN). Needs Debian's chromium (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { AddUnitDocument } from '../generated/graphql';
import { startTestHub, waitFor, type TestHub } from '../support/hub';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log('GraphiQL browser test skipped: /usr/bin/chromium is not installed (apt-get install chromium)');
const browserTest = haveChromium ? it : it.skip;

let hub: TestHub;
let browser: Browser | undefined;
beforeAll(async () => {
  hub = await startTestHub();
  if (haveChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  await hub.close();
});

describe('GraphiQL in a browser', () => {
  browserTest(`${haveChromium ? '' : '(skipped: no chromium) '}runs a subscription from the editor with the token from the Headers tab, loading nothing from outside`, async () => {
    const token = await hub.token({ role: 'STAFF' });
    const page = await browser!.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'data:' && url.host !== `127.0.0.1:${hub.hub.port}`) foreign.push(r.url());
    });
    await page.goto(hub.httpUrl);
    await page.evaluate(
      ([t]) => {
        // What typing into the Headers tab and the editor leaves in GraphiQL's storage.
        const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage;
        storage.setItem('graphiql:headers', JSON.stringify({ Authorization: `Bearer ${t}` }));
        storage.setItem('graphiql:query', 'subscription { organisationalUnitChanged { change unit { code name } } }');
      },
      [token],
    );
    await page.reload();
    await page.waitForSelector('.graphiql-execute-button');
    // Run only once the editor shows the stored query: a click before it has loaded runs nothing (seen on a loaded machine).
    await page.locator('.graphiql-query-editor').getByText('organisationalUnitChanged').first().waitFor({ timeout: 45000 });
    await page.click('.graphiql-execute-button');
    await waitFor(() => hub.hub.dispatcher.listenerCount > 0, 30000, 'the browser subscription to register');

    const code = `GQL${Date.now().toString(36).toUpperCase().slice(-5)}`;
    const added = await hub.request(AddUnitDocument, { input: { kind: 'OFFICE', code, name: { tr: 'Tarayıcıdan izlendi' } } }, { role: 'STAFF' });
    expect(added.errors).toBeUndefined();

    const pane = page.locator('.result-window');
    await pane.getByText(code).waitFor({ timeout: 30000 });
    const text = await pane.innerText();
    expect(text).toContain('"ADDED"');
    expect(text).toContain('Tarayıcıdan izlendi');
    expect(foreign).toEqual([]);
    await page.close();
    // A browser on a loaded two-core machine (the whole suite runs alongside) needs far more than the default 30 s.
  }, 150_000);
});
