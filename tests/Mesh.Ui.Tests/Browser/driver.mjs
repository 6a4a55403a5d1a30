// Drives headless Chromium for the UI's browser tests: one JSON command per stdin line, one JSON answer per
// stdout line ({ ok, value } or { ok: false, error }). The C# test decides what to do; this only carries it out.
//
//   node driver.mjs <node_modules folder with playwright-core> <chromium executable>
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const [modules, executablePath] = process.argv.slice(2);
const { chromium } = createRequire(path.join(modules, 'index.js'))('playwright-core');

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const consoleErrors = [];
page.on('pageerror', error => consoleErrors.push(String(error)));
page.on('console', message => { if (message.type() === 'error') consoleErrors.push(message.text()); });

const commands = {
  goto: ({ url }) => page.goto(url, { waitUntil: 'load' }).then(() => null),
  hash: ({ hash }) => page.evaluate(h => { location.hash = h; }, hash),
  viewport: ({ width, height }) => page.setViewportSize({ width, height }),
  click: ({ selector, timeout }) => page.locator(selector).first().click({ timeout: timeout ?? 10000 }),
  fill: ({ selector, value, timeout }) => page.locator(selector).first().fill(value, { timeout: timeout ?? 10000 }),
  select: ({ selector, value }) => page.locator(selector).first().selectOption(value),
  press: ({ key }) => page.keyboard.press(key),
  // Waits until an element matching the selector (and containing the text, if given) is visible.
  waitFor: ({ selector, text, timeout }) => {
    let locator = page.locator(selector);
    if (text) locator = locator.filter({ hasText: text });
    return locator.first().waitFor({ state: 'visible', timeout: timeout ?? 10000 }).then(() => true);
  },
  waitHidden: ({ selector, timeout }) => page.locator(selector).first().waitFor({ state: 'hidden', timeout: timeout ?? 10000 }).then(() => true),
  text: ({ selector }) => page.locator(selector).first().evaluate(e => e instanceof HTMLElement ? e.innerText : e.textContent, null, { timeout: 10000 }),
  count: ({ selector }) => page.locator(selector).count(),
  visibleCount: ({ selector }) => page.locator(selector).evaluateAll(els => els.filter(e => !e.hidden && e.offsetParent !== null).length),
  evaluate: ({ expression }) => page.evaluate(expression),
  screenshot: ({ file, fullPage }) => page.screenshot({ path: file, fullPage: fullPage ?? false }).then(() => file),
  errors: () => consoleErrors.slice(),
  close: async () => { await browser.close(); return null; },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const command = JSON.parse(line);
    const run = commands[command.op];
    if (!run) throw new Error(`unknown op ${command.op}`);
    const value = await run(command);
    answer = { ok: true, value: value ?? null };
    if (command.op === 'close') { process.stdout.write(JSON.stringify(answer) + '\n'); break; }
  } catch (error) {
    answer = { ok: false, error: String(error?.message ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
await browser.close().catch(() => {});
process.exit(0);
