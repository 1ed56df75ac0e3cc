// The status page in a real browser (Debian's Chromium, headless, driven by playwright-core):
// it shows the simulated tree and API, a move made after loading appears without a reload,
// and it is complete with JavaScript off. Screenshots at desktop and phone width are saved
// (into docs/images with UPDATE_SCREENSHOTS=1, which is how the ones in docs/ were made).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import type { BuiltTree } from '../../src/simulator/backbone-tree.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type StatusPageSite, startStatusPageSite } from './support/status-page-site.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Made here, not in before(): a tempDir() made inside a hook is removed when the hook ends. */
const chromiumTmp = tempDir();
const home = tempDir();
const root = path.join(home, 'backbone-issue-sync');
const shots = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/images/', import.meta.url)) : tempDir();
let site: StatusPageSite;
let tree: BuiltTree;
let browser: Browser;
let url: string;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  site = await startStatusPageSite(home, { seed: 10, integrations: 3, unknownFolders: true, profile: 'healthy' }, (simulated, built) => {
    // What the tree has: an issue in error in the first project (the healthy profile's problem); a connector reconnecting.
    simulated.setConnector(built.integrations[0]!.key, 'first', { issuesInError: 1 });
    simulated.setConnector(built.integrations[2]!.key, 'first', { reconnecting: true });
  });
  tree = site.tree;
  url = `${site.base}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Chromium's own temporary files go to a folder the test removes, not to TMPDIR.
    env: { ...process.env, TMPDIR: chromiumTmp },
    // As root (CI), Chromium needs --no-sandbox; the rest keeps it off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

/** Waits, reloading, until the receivers' first data is on the page. */
async function loadedPage(width: number, javaScriptEnabled = true) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  const deadline = Date.now() + 15_000;
  for (;;) {
    await page.goto(url);
    const ready = await page.locator('#projects tbody tr').count() >= tree.integrations.length * 2
      && await page.locator('section.sync table').count() === tree.integrations.length;
    if (ready) return { context, page };
    if (Date.now() > deadline) throw new Error(`the page did not show the tree and the API within 15 s:\n${await page.content()}`);
    await page.waitForTimeout(200);
  }
}

test('in Chromium: the synchronizations, the counts per project and state, and a live move without reload', async () => {
  const { context, page } = await loadedPage(1280);
  try {
    // Every synchronization, with its status; the reconnecting connector marked.
    for (const integration of tree.integrations) {
      await page.locator(`#sync-${integration.key} h3`).getByText('RUNNING').waitFor();
    }
    const troubled = page.locator(`#sync-${tree.integrations[2]!.key}`);
    assert.match(await troubled.getAttribute('class') ?? '', /attention/);
    assert.match(await troubled.innerText(), /reconnecting/);
    // Counts per project and state equal the tree.
    const headers = await page.locator('#projects thead th').allInnerTexts();
    for (const folder of tree.expected.filter((f) => f.state !== 'unknown')) {
      const row = page.locator('#projects tbody tr', { has: page.locator('th', { hasText: `${folder.integration} / ${folder.project}` }) });
      const cell = row.locator('td').nth(headers.indexOf(folder.state) - 1);
      const text = await cell.innerText();
      assert.equal(Number.parseInt(text, 10), folder.messages, `${folder.integration}/${folder.project} ${folder.state}: "${text}"`);
      if (folder.messages > 0 && (folder.state === 'error' || folder.state === 'sendfailed')) assert.match(text, /⚠/);
    }
    assert.match(await page.locator('#receivers').innerText(), /receive\/tmp|archive/, 'the unknown folders of the tree are listed');

    // A move made now appears at the top of the list, without a reload.
    const integration = tree.integrations[0]!;
    const receive = path.join(root, integration.key, integration.projects[0]!, 'receive');
    const name = readdirSync(receive).find((n) => n.endsWith('.bac'))!;
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    mkdirSync(path.join(receive, 'processed'), { recursive: true });
    renameSync(path.join(receive, name), path.join(receive, 'processed', name));
    const row = page.locator('#move-rows tr').first();
    await row.getByText(name).waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /receive → processed/);
    assert.deepEqual(navigations, [], 'no reload');
    await page.screenshot({ path: path.join(shots, 'status-page-desktop.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('in Chromium: with JavaScript off the page is complete; at phone width nothing spills sideways', async () => {
  const { context, page } = await loadedPage(390, false);
  try {
    assert.equal(await page.locator('section.sync').count(), tree.integrations.length);
    assert.ok(await page.locator('#projects tbody tr').count() >= tree.integrations.length * 2);
    await page.screenshot({ path: path.join(shots, 'status-page-phone.png'), fullPage: true });
    // The filter is a plain form: it works without a script.
    // (The move of the test before is in the first integration.)
    await page.locator('select[name="integration"]').selectOption(tree.integrations[0]!.key);
    await page.locator('form.filter button').click();
    await page.waitForURL(/integration=/);
    const keys = await page.locator('#move-rows tr td:nth-child(2)').allInnerTexts();
    assert.ok(keys.length > 0 && keys.every((key) => key === tree.integrations[0]!.key), `filtered moves: ${keys.join(', ')}`);
    await page.goto(`${url}?integration=${tree.integrations[1]!.key}`);
    assert.equal(await page.locator('#move-rows tr').count(), 0);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'the page itself does not scroll sideways (wide tables scroll inside their box)');
  } finally {
    await context.close();
  }
});
