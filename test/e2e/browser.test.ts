/**
 * index.html in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core)
 * opens the page from disk with every network request blocked, and every chart must draw with no
 * console error, no page error and no request beyond the page's own file. A scenario full of HTML
 * and script must come out as text, with nothing executed.
 *
 * Without the browser these tests fail, saying how to install it (CI installs it); set
 * INFERSCALE_SKIP_BROWSER=1 to skip them instead. Set INFERSCALE_BROWSER_OUT=DIR to keep the run
 * folders, with their screenshots, in DIR. Run them alone with
 *   npx tsc -p . && node --test dist/test/e2e/browser.test.js
 */
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import {
  browserMissing,
  closeBrowser,
  openPage,
  pngSize,
  sharedBrowser,
  waitForCharts,
  type ChartState,
  type PageLog,
} from '../helpers/browser.js';
import { baseSpec, merge } from '../helpers/scenario.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

const keep = process.env.INFERSCALE_BROWSER_OUT;
const OUT = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'inferscale-browser-e2e-'));
mkdirSync(OUT, { recursive: true });
after(async () => {
  await closeBrowser();
  if (!keep) rmSync(OUT, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    ),
  );
}

let skipNoted = false;

/**
 * Whether the browser tests run: without a browser they fail, saying how to get one; with
 * INFERSCALE_SKIP_BROWSER=1 they skip (said loudly, once).
 */
function browserWanted(t: TestContext): boolean {
  if (process.env.INFERSCALE_SKIP_BROWSER === '1') {
    const missing = browserMissing();
    const why = `INFERSCALE_SKIP_BROWSER=1${missing ? ` (${missing})` : ''}`;
    if (!skipNoted) process.stderr.write(`\n*** SKIPPING THE BROWSER TESTS: ${why}\n\n`);
    skipNoted = true;
    t.skip(why);
    return false;
  }
  const missing = browserMissing();
  if (missing) throw new Error(missing);
  return true;
}

/** The shared browser, launched while `running` (a CLI run) goes on; waits for it either way. */
async function browserBeside<T>(running: Promise<T>): Promise<[Browser, T]> {
  const b = await sharedBrowser().catch(async (e: unknown) => {
    await running;
    throw e;
  });
  return [b, await running];
}

/** The charts a run folder has (charts/NAME.vl.json), as the page's container ids. */
function chartIds(dir: string): string[] {
  return readdirSync(join(dir, 'charts'))
    .filter((f) => f.endsWith('.vl.json'))
    .map((f) => `chart-${f.slice(0, -'.vl.json'.length)}`)
    .sort();
}

function assertAllDrawn(states: ChartState[], dir: string, log: PageLog) {
  const ids = chartIds(dir);
  assert.ok(ids.length >= 4, `${dir}: only ${ids.length} charts`);
  assert.deepEqual(states.map((s) => s.id).sort(), ids, 'one container per chart of the run');
  for (const s of states) {
    assert.equal(s.failed, null, `${s.id} failed: ${s.failed}`);
    assert.ok(s.marks === 'canvas' || s.marks === 'svg', `${s.id}: no canvas.marks or svg.marks`);
    assert.ok(s.width >= 200 && s.height >= 100, `${s.id}: drawn ${s.width} x ${s.height}`);
    assert.ok(
      s.painted >= (s.marks === 'canvas' ? 1000 : 10),
      `${s.id}: almost nothing drawn (${s.painted})`,
    );
  }
  assert.deepEqual(log.network, [], 'requests beyond the page file');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  assert.deepEqual(log.pageErrors, [], 'uncaught page errors');
}

test('the default scenario’s page draws every chart offline, with tooltips, and a screenshot', async (t) => {
  if (!browserWanted(t)) return;
  const [, run] = await browserBeside(cli(['simulate', '--out', join(OUT, 'seed-demo-hpa'), '--quiet']));
  assert.equal(run.status, 0, run.stderr);
  const dir = join(OUT, 'seed-demo-hpa');
  // Tall enough for the top of the page down to the end of the first chart.
  const { page, log, close } = await openPage(join(dir, 'index.html'), { width: 1200, height: 2000 });
  try {
    const states = await waitForCharts(page, log);
    assertAllDrawn(states, dir, log);
    assert.equal(
      states.length,
      6,
      'seed-demo-hpa has HPAs, so all six charts (fps, replicas, queue, latency, hpa, nodes)',
    );
    assert.match(await page.locator('h1').innerText(), /^inferscale run: seed-demo-hpa$/);

    // Hovering a panel shows the values at that step (vega-tooltip's element); the first panel is
    // in view at the top of the page, so the top screenshot shows the tooltip too.
    const first = page.locator('div.chart .marks').first();
    const box = await first.boundingBox();
    assert.ok(box && box.y + box.height < 2000, `the first chart is not in view: ${JSON.stringify(box)}`);
    let tooltip = '';
    for (let y = box.y + 20; y < box.y + box.height && !tooltip; y += 10) {
      await page.mouse.move(box.x + box.width * 0.6, y);
      tooltip = (await page.evaluate(
        `(() => { const t = document.getElementById('vg-tooltip-element');
          return t && t.classList.contains('visible') ? t.textContent : ''; })()`,
      )) as string;
    }
    assert.match(tooltip, /time \(min\).*service.*offered/s, 'a tooltip with the step’s values');

    // The top of the page down to the end of the first chart, hovered (the README's picture); then
    // the whole page.
    const chartBottom = Number(
      await page.evaluate(
        `document.querySelector('div.chart').getBoundingClientRect().bottom + window.scrollY`,
      ),
    );
    await page.screenshot({
      path: join(dir, 'screenshot-top.png'),
      clip: { x: 0, y: 0, width: 1200, height: Math.ceil(chartBottom) + 16 },
    });
    const shot = join(dir, 'screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    const size = pngSize(png);
    assert.ok(size, 'screenshot.png is a PNG');
    assert.equal(size.width, 1200);
    assert.ok(size.height > 3000, `the full page is ${size.height} px high`);
    assert.ok(png.length > 100_000, `screenshot.png is only ${png.length} bytes`);
    assert.ok(
      (pngSize(readFileSync(join(dir, 'screenshot-top.png')))?.height ?? 0) > 1000,
      'screenshot-top.png',
    );
    assert.deepEqual(log, { consoleErrors: [], pageErrors: [], network: [], dialogs: [] }, 'after hovering');
  } finally {
    await close();
  }
});

/** Text that would run script if the page put it in as HTML (the CSP allows inline script). */
const HOSTILE = [
  '<script>alert(1)</script>',
  '</script><script>alert(2)</script>',
  '<img src=x onerror="window.__xss=1">',
  '<svg onload="window.__xss=2"></svg>',
  '"><script>window.__xss=3</script>',
  "'><img src=x onerror=alert(3)>",
  '<iframe srcdoc="<script>parent.__xss=4</script>"></iframe>',
  '<!-- unclosed comment',
];

test('scenario text full of script comes out as text: nothing runs, and the charts still draw', async (t) => {
  const wanted = browserWanted(t);
  // Names (scenario, services, models, pools) must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$, so a service
  // called <script>alert(1)</script> is refused before anything is written...
  const named = join(OUT, 'named.json');
  writeFileSync(
    named,
    JSON.stringify(
      merge(baseSpec(), {
        services: { [HOSTILE[0]]: { model: 'm' } },
        streams: [{ type: HOSTILE[0], fps: 10 }],
      }),
    ),
  );
  // ...and the free text that reaches the page is the description, the CPU catalog's description
  // and source, and node labels (keys and values).
  const description = HOSTILE.join(' ');
  const file = join(OUT, 'hostile.json');
  writeFileSync(
    file,
    JSON.stringify(
      merge(baseSpec(), {
        name: 'hostile',
        description,
        cpuCatalog: { cpu10: { description: HOSTILE[2], source: HOSTILE[4] } },
        nodePools: { pool: { labels: { [HOSTILE[3]]: HOSTILE[5], zone: HOSTILE[6] } } },
        services: {
          svc: {
            model: 'm',
            resources: { requests: { cpu: 0.5 } },
            autoscale: { cpuPercent: 60, min: 1, max: 2 },
          },
        },
        streams: [{ type: 'svc', fps: 15, phase: 0 }],
        controller: { syncPeriod: '5s' },
        metricsPipeline: { metricsServerResolution: '5s' },
      }),
    ),
  );
  const dir = join(OUT, 'hostile');
  const runs = Promise.all([
    cli(['simulate', named, '--out', join(OUT, 'named'), '--quiet']),
    cli(['simulate', file, '--duration', '40s', '--out', dir, '--quiet']),
  ]);
  const [refused, run] = wanted ? (await browserBeside(runs))[1] : await runs;
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /is not allowed: a name matches/);
  assert.ok(!existsSync(join(OUT, 'named')), 'nothing written');
  assert.equal(run.status, 0, run.stderr);
  if (!wanted) return;

  const { page, log, close } = await openPage(join(dir, 'index.html'));
  try {
    // onerror handlers fire after a failed load; the charts take longer than that to draw.
    const drawn = await waitForCharts(page, log).catch((e: Error) => e);
    assert.deepEqual(log.dialogs, [], 'a dialog opened: script ran');
    assert.equal(await page.evaluate('typeof window.__xss'), 'undefined', 'window.__xss was set');
    if (drawn instanceof Error) throw drawn;
    assertAllDrawn(drawn, dir, log);
    const dom = (await page.evaluate(`({
      scripts: [...document.scripts].map((s) => s.type || 'classic'),
      handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length,
      embedded: document.querySelectorAll('iframe, object, embed, img').length,
      description: document.querySelector('h1 + p').textContent,
      scenario: document.querySelector('details pre').textContent,
    })`)) as { scripts: string[]; handlers: number; embedded: number; description: string; scenario: string };
    assert.deepEqual(
      dom.scripts,
      ['classic', 'classic', 'classic', 'application/json', 'classic'],
      'only the page’s own scripts: vega, vega-lite, vega-embed, the chart data and the page script',
    );
    assert.equal(dom.handlers, 0, 'an element with an inline event handler');
    assert.equal(dom.embedded, 0, 'an img, iframe, object or embed element');
    assert.equal(dom.description, description, 'the description is shown as the text it is');
    assert.ok(await page.locator('h1 + p').isVisible(), 'the description is visible');
    for (const s of [HOSTILE[2], HOSTILE[4], HOSTILE[3], HOSTILE[5], HOSTILE[6]])
      assert.ok(dom.scenario.includes(JSON.stringify(s).slice(1, -1)), `${s} is not in the scenario as text`);
    await page.screenshot({ path: join(dir, 'screenshot.png'), fullPage: true });
    assert.ok(pngSize(readFileSync(join(dir, 'screenshot.png'))));
  } finally {
    await close();
  }
});
