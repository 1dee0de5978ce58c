// The built site (dist/, `vite build`) in a real browser: Debian's Chromium, headless, driven by
// playwright-core (no browser download), on a fresh profile. The page loads with no console error
// and no request to another origin; two PPO steps in the page give the stats of two steps in Node
// with the same seed on wasm; the bandit's risks are @va/theory's; a screenshot goes to out/.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefaultModel, selectBackend } from '@va/lm';
import { simulateBandit, underperformanceRisk } from '@va/theory';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANDIT_DRAWS, BANDIT_SEED } from '../src/bandit.js';
import { parseTaskPrompts, sentimentReward } from '../src/task.js';
import {
  METHODS,
  PlaygroundRun,
  type PlaygroundSettings,
  type StepReport,
} from '../src/training.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DIST = join(here, '..', 'dist');
const OUT = join(here, '..', '..', '..', 'out', 'playground');
const CHROMIUM = process.env.VA_CHROMIUM ?? '/usr/bin/chromium';
/** The launch flags of issue 20: headless, no sandbox (root in CI), no GPU, no network chatter. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const missing = !existsSync(CHROMIUM) || !existsSync(join(DIST, 'index.html'));
if (missing && process.env.CI) {
  throw new Error(
    `browser tests: ${existsSync(CHROMIUM) ? `${DIST} is not built (vite build)` : `no Chromium at ${CHROMIUM} (apt-get install chromium)`}`,
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** dist/ over loopback, cross-origin isolated as `vite preview` serves it. */
function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Server;
let origin: string;
let profile: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  if (missing) return;
  server = await serve();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = mkdtempSync(join(tmpdir(), 'va-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 1500 },
  });
  context.on('request', (r) => requests.push(r.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.querySelector('#bandit-chart svg') !== null);
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface BanditState {
  rStar: number[];
  sigma2: number[];
  risk: { vanilla: number; varianceAware: number };
  closedForm: { vanilla: number; varianceAware: number };
}
const banditState = () =>
  page.evaluate(
    () => (window as unknown as { playground: { bandit: BanditState } }).playground.bandit,
  );

describe.skipIf(missing)('the playground in Chromium', () => {
  it('shows the bandit with the risks of @va/theory, also after moving an arm', async () => {
    for (const move of [undefined, { id: '#sigma2-0', value: '0.5' }]) {
      if (move) await page.locator(move.id).fill(move.value);
      const b = await banditState();
      expect(b.closedForm).toEqual(underperformanceRisk(b.rStar, b.sigma2));
      const sim = simulateBandit({
        rStar: b.rStar,
        sigma2: b.sigma2,
        samples: BANDIT_DRAWS,
        seed: BANDIT_SEED,
      });
      expect(b.risk).toEqual(sim.risk);
    }
    expect((await banditState()).sigma2[0]).toBe(0.5);
  });

  it('trains both policies in the worker: two steps give the stats of two steps in Node (wasm)', async () => {
    const settings: PlaygroundSettings = { beta: 0.1, steps: 2, reward: 'prompted', seed: 3 };
    await page.locator('#steps').fill(String(settings.steps));
    await page.locator('#beta').fill(String(settings.beta));
    await page.locator('#seed').fill(String(settings.seed));
    await page.locator('#backend').selectOption('wasm');
    await page.locator('#start').click();
    await page.waitForFunction(
      () => (window as unknown as { playground: { done: boolean } }).playground.done,
      undefined,
      { timeout: 150_000 },
    );
    const shown = await page.evaluate(
      () =>
        (window as unknown as { playground: { reports: StepReport[]; error?: string } }).playground,
    );
    expect(shown.error).toBeUndefined();
    expect(shown.reports).toHaveLength(2);
    await page.waitForFunction(() => document.querySelectorAll('#curves svg').length === 3);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'playground.png'), fullPage: true });

    await selectBackend({ backend: 'wasm' });
    const jsonl = readFileSync(
      fileURLToPath(import.meta.resolve('@va/experiment/assets/review-openings.jsonl')),
      'utf8',
    );
    const run = await PlaygroundRun.start(
      {
        loadModel: () => loadDefaultModel({ backend: 'current' }),
        prompts: parseTaskPrompts(jsonl),
        truth: sentimentReward(),
      },
      settings,
    );
    try {
      for (const pageStep of shown.reports) {
        const node = await run.step();
        for (const m of METHODS) {
          const [a, b] = [pageStep.policies[m], node.policies[m]];
          expect(a.samples).toEqual(b.samples);
          expect(Object.keys(a.stats).sort()).toEqual(Object.keys(b.stats).sort());
          for (const [key, value] of Object.entries(b.stats)) {
            if (key.startsWith('time/')) continue; // wall-clock times
            expect(a.stats[key], `${m} step ${node.step}: ${key}`).toBeCloseTo(value, 4);
          }
        }
      }
    } finally {
      await run.dispose();
    }
  }, 300_000);

  it('logged no console error and asked no other origin for anything', () => {
    expect(problems).toEqual([]);
    const foreign = requests.filter(
      (url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url),
    );
    expect(foreign).toEqual([]);
    // tfjs's wasm build and @va/lm's SIMD kernels, both from the site.
    expect(requests.some((url) => /tfjs-backend-wasm.*\.wasm$/.test(url))).toBe(true);
    expect(requests.some((url) => /va-kernels.*\.wasm$/.test(url))).toBe(true);
  });
});
