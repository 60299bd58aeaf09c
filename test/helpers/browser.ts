/**
 * A real headless browser for the report page: Debian's `chromium` (the system package, which
 * `.ci/run` installs) driven by playwright-core, with no network at all.
 *
 * The network is shut four ways: Chromium's own background traffic is off (flags below) and host
 * names resolve to nothing; the context is `offline`; every request is routed, and anything that
 * is not a file: URL is aborted and recorded; and every request and WebSocket the page makes is
 * recorded too, so a test can assert that the page asked for nothing beyond its own file.
 *
 * The project compiles without the DOM library, so code that runs in the page is written as
 * JavaScript strings.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** The browser binary: $INFERSCALE_CHROMIUM or Debian's. */
export const CHROMIUM = process.env.INFERSCALE_CHROMIUM || '/usr/bin/chromium';

/** Flags for running as root in a container with the network closed (see reference/browser.md). */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

/** Why no browser can run here, or null when one can. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return (
    `${CHROMIUM} not found: the browser tests need Debian's chromium. Install it with ` +
    '`sudo apt-get install -y --no-install-recommends chromium` (.ci/run does), point ' +
    'INFERSCALE_CHROMIUM at another Chromium, or set INFERSCALE_SKIP_BROWSER=1 to skip the browser tests.'
  );
}

let launched: Promise<Browser> | null = null;

/** One headless browser for the whole test file (launching is the slow part). */
export function sharedBrowser(): Promise<Browser> {
  launched ??= import('playwright-core').then(({ chromium }) =>
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS }),
  );
  return launched;
}

export async function closeBrowser(): Promise<void> {
  if (launched) await (await launched).close();
  launched = null;
}

/** What a page did besides drawing itself. */
export interface PageLog {
  /** console.error messages (a CSP violation is one too). */
  consoleErrors: string[];
  /** Uncaught exceptions. */
  pageErrors: string[];
  /** Every request or WebSocket for anything but a file:, data: or blob: URL. */
  network: string[];
  /** alert, confirm, prompt or beforeunload dialogs, as `type: message`. */
  dialogs: string[];
}

/** A new context and page with the network blocked, at `file`, loaded. */
export async function openPage(
  file: string,
  viewport = { width: 1200, height: 900 },
): Promise<{ page: Page; log: PageLog; close: () => Promise<void> }> {
  const browser = await sharedBrowser();
  const context = await browser.newContext({ offline: true, serviceWorkers: 'block', viewport });
  const log: PageLog = { consoleErrors: [], pageErrors: [], network: [], dialogs: [] };
  const local = (url: string) => /^(file|data|blob):/.test(url);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    log.network.push(`blocked ${url}`);
    return route.abort('blockedbyclient');
  });
  context.on('request', (r) => {
    if (!local(r.url())) log.network.push(`request ${r.url()}`);
  });
  const page = await context.newPage();
  page.on('websocket', (ws) => log.network.push(`websocket ${ws.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => log.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    log.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, log, close: () => context.close() };
}

/** One chart container of the report page, as the browser drew it. */
export interface ChartState {
  id: string;
  /** The chart's own error message (the page marks a chart it could not draw as `failed`). */
  failed: string | null;
  /** `canvas` or `svg`: the Vega view's root element (class `marks`), or null before it exists. */
  marks: string | null;
  width: number;
  height: number;
  /** Canvas: pixels drawn (not transparent, not white); SVG: drawn elements. */
  painted: number;
}

/** Every chart container of the page (`div.chart`), in page order. */
const CHART_STATE = `[...document.querySelectorAll('div.chart')].map((el) => {
  const marks = el.querySelector('canvas.marks, svg.marks');
  let painted = 0;
  if (marks && marks.tagName === 'CANVAS' && marks.width > 0 && marks.height > 0) {
    const data = marks.getContext('2d').getImageData(0, 0, marks.width, marks.height).data;
    // Pixels neither transparent nor the white background: lines, axes, text.
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) painted++;
  } else if (marks) {
    painted = marks.querySelectorAll('path, line, rect, text').length;
  }
  const box = marks ? marks.getBoundingClientRect() : { width: 0, height: 0 };
  return {
    id: el.id,
    failed: el.classList.contains('failed') ? el.textContent : null,
    marks: marks ? marks.tagName.toLowerCase() : null,
    width: box.width,
    height: box.height,
    painted,
  };
})`;

export async function chartStates(page: Page): Promise<ChartState[]> {
  return (await page.evaluate(CHART_STATE)) as ChartState[];
}

/**
 * Waits until every chart container has drawn its view or given up (marked `failed`), then returns
 * their states. On a timeout the error says where each chart was and what the page logged.
 */
export async function waitForCharts(page: Page, log: PageLog, timeoutMs = 30_000): Promise<ChartState[]> {
  // A cheap check while the views are being made, then the pixel count (a canvas exists before
  // the view has drawn on it).
  const made = `(() => { const c = [...document.querySelectorAll('div.chart')];
    return c.length > 0 && c.every((el) => el.classList.contains('failed') || el.querySelector('.marks')); })()`;
  const drawn = `${CHART_STATE}.every((c) => c.failed !== null || c.painted > 0)`;
  const start = Date.now();
  try {
    await page.waitForFunction(made, null, { timeout: timeoutMs, polling: 100 });
    const left = Math.max(1000, timeoutMs - (Date.now() - start));
    await page.waitForFunction(drawn, null, { timeout: left, polling: 250 });
  } catch (e) {
    const states = await chartStates(page).catch(() => []);
    throw new Error(
      `the charts did not finish drawing in ${timeoutMs} ms: ${(e as Error).message.split('\n')[0]}\n` +
        `charts: ${JSON.stringify(states)}\npage log: ${JSON.stringify(log)}`,
    );
  }
  return chartStates(page);
}

/** Width and height from a PNG's IHDR chunk, or null when `bytes` is not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return null;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
