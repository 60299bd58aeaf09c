/** index.html: self-contained, every scenario and run string escaped, charts wired to their data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportCharts } from '../../src/report/charts.js';
import { browserLibraries, escapeHtml, jsonForScript, reportHtml } from '../../src/report/html.js';
import type { ReportInput } from '../../src/report/series.js';
import { reportInputFor } from './input.js';

const input = await reportInputFor();
const page = (i: ReportInput) => reportHtml(i, reportCharts(i, { interactive: true }));

for (const [name, raw, escaped] of [
  ['markup', '<b>&</b>', '&lt;b&gt;&amp;&lt;/b&gt;'],
  ['quotes', `"a" 'b'`, '&quot;a&quot; &#39;b&#39;'],
  ['a closing script tag', '</script>', '&lt;/script&gt;'],
  ['plain text', 'car-fp32 4 -> 2', 'car-fp32 4 -&gt; 2'],
] as const) {
  test(`escapeHtml: ${name}`, () => assert.equal(escapeHtml(raw), escaped));
}

for (const [name, value, json] of [
  ['a closing script tag', '</script>', '"\\u003c/script\\u003e"'],
  ['an HTML comment opener', '<!--', '"\\u003c!--"'],
  ['an ampersand', 'a&b', '"a\\u0026b"'],
  ['line and paragraph separators', '\u2028\u2029', '"\\u2028\\u2029"'],
] as const) {
  test(`jsonForScript: ${name}`, () => {
    assert.equal(jsonForScript(value), json);
    assert.equal(JSON.parse(jsonForScript(value)), value);
  });
}

/** The page with each script element's content left out (it is code, not markup). */
function markupOnly(html: string): string {
  return html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
}

test('the page inlines vega, vega-lite and vega-embed and loads nothing from the network', () => {
  const html = page(input);
  assert.equal(browserLibraries().length, 3);
  for (const code of browserLibraries()) assert.ok(html.includes(code), 'a library is not inlined whole');
  const markup = markupOnly(html);
  const external = markup.match(/<[a-z]+\b[^>]*\b(src|href)\s*=[^>]*>/gi) ?? [];
  assert.deepEqual(external, [], 'an element loads or links something');
  assert.ok(!/https?:\/\//.test(markup), 'the markup names a URL');
  assert.ok(!html.includes('sourceMappingURL'), 'a source map would be fetched by developer tools');
  assert.match(markup, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  // Three libraries, the JSON block and the page script: nothing else closes a script element.
  assert.equal(html.match(/<\/script/gi)?.length, 5);
});

test('the page has the summary, every KPI of summary.json, the scenario as run and the events', () => {
  const html = page(input);
  for (const h of ['Summary', 'Charts', 'Scenario as run', 'Events'])
    assert.match(html, new RegExp(`<h2[^>]*>${h}</h2>`));
  for (const k of Object.keys(input.result.total)) assert.ok(html.includes(`<td>${k}</td>`), k);
  assert.ok(html.includes(escapeHtml(JSON.stringify(input.scenario, null, 2))));
  assert.ok(html.includes(`<td>${escapeHtml(input.events[0].detail)}</td>`));
});

test('the page shows recovery after load steps and the replica-seconds held by stabilization', () => {
  const steps = [
    { atSeconds: 0, recoverySeconds: 12 },
    { atSeconds: 60, recoverySeconds: null },
  ];
  const i: ReportInput = {
    ...input,
    result: {
      ...input.result,
      services: input.result.services.map((s, k) =>
        k === 0 ? { ...s, loadSteps: steps, maxRecoverySeconds: null, unrecoveredLoadSteps: 1 } : s,
      ),
    },
  };
  const html = page(i);
  assert.ok(html.includes('>0 s: 12 s; 60 s: never</td>'), 'loadSteps in the KPI table');
  assert.ok(html.includes('<th class="num">held by stabilization</th>'), 'the scaling table');
  assert.match(html, /<div class="v">1 of 3<\/div><div class="k">load steps not recovered<\/div>/);
  assert.match(html, /<div class="k">replica-hours held by stabilization<\/div>/);
});

test('every chart has its element, its spec and the data it filters', () => {
  const html = page(input);
  const block = html.match(/<script type="application\/json" id="inferscale-charts">([^<]*)<\/script>/);
  assert.ok(block, 'no JSON block');
  const payload = JSON.parse(block[1]) as {
    datasets: { series: unknown[]; decisions: unknown[]; nodes: unknown[] };
    charts: { id: string; spec: Record<string, unknown> }[];
  };
  assert.deepEqual(payload.datasets.series, input.points);
  assert.deepEqual(payload.datasets.nodes, input.nodePoints);
  assert.ok(input.nodePoints.length > 0, 'no node points');
  assert.deepEqual(
    payload.charts.map((c) => c.id),
    ['chart-fps', 'chart-replicas', 'chart-queue', 'chart-latency', 'chart-hpa', 'chart-nodes'],
  );
  for (const c of payload.charts) {
    assert.ok(html.includes(`<div id="${c.id}" class="chart"`), c.id);
    assert.equal(c.spec.datasets, undefined, 'the data is embedded once, not per chart');
  }
});

test('hostile strings from the scenario and the run appear only escaped', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '</script><script>alert(2)</script>',
    '<img src=x onerror=alert(3)>',
  ];
  const service = '</script><svg onload=alert(4)>';
  const i: ReportInput = {
    ...input,
    scenario: { ...input.scenario!, description: hostile.join(' '), name: hostile[0] },
    result: {
      ...input.result,
      services: input.result.services.map((s, k) => (k === 0 ? { ...s, service } : s)),
    },
    points: input.points.map((p) => (p.service === 'svc' ? { ...p, service } : p)),
    events: input.events.map((e) => ({ ...e, service, detail: hostile[1] })),
  };
  const html = page(i);
  for (const s of [...hostile, service]) {
    assert.ok(!html.includes(s), `${s} appears unescaped`);
    assert.ok(markupOnly(html).includes(escapeHtml(s)), `${s} does not appear escaped`);
  }
  assert.equal(html.match(/<\/script/gi)?.length, 5);
  const block = html.match(/<script type="application\/json" id="inferscale-charts">([^<]*)<\/script>/)!;
  assert.ok(JSON.parse(block[1]).datasets.series.some((p: { service: string }) => p.service === service));
});
