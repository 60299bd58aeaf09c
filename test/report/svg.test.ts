/** Charts rendered to SVG in Node: well-formed, with axes and marks, the same bytes every time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { reportCharts } from '../../src/report/charts.js';
import { renderSvg, renumberIds, startSvgWorker } from '../../src/report/svg.js';
import { reportInputFor } from './input.js';

const input = await reportInputFor();
const charts = reportCharts(input, { interactive: false });

test('every chart renders to well-formed SVG with axes, marks and its title, without warnings', async () => {
  for (const chart of charts) {
    const { svg, warnings } = await renderSvg(chart.spec, chart.name);
    assert.deepEqual(warnings, [], chart.name);
    assert.equal(XMLValidator.validate(svg), true, chart.name);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /class="mark-group role-axis/, `${chart.name}: no axis`);
    assert.match(svg, /class="mark-line role-mark/, `${chart.name}: no line marks`);
    assert.ok(svg.includes(`>${chart.title}</text>`), `${chart.name}: no title`);
  }
});

test('the same chart renders to the same bytes, whatever was rendered before it', async () => {
  const spec = charts[1].spec;
  const first = (await renderSvg(spec, 'replicas')).svg;
  await renderSvg(charts[0].spec, 'fps');
  assert.equal((await renderSvg(spec, 'replicas')).svg, first);
  const worker = startSvgWorker();
  try {
    assert.equal((await worker.render(spec, 'replicas')).svg, first, 'the worker draws other bytes');
  } finally {
    await worker.close();
  }
});

test('renumberIds names ids by first appearance and rewrites every reference', () => {
  const svg =
    '<svg><clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"/>' +
    '<linearGradient id="gradient_3"/><rect fill="url(#gradient_3)"/><use href="#clip7"/></svg>';
  assert.equal(
    renumberIds(svg, 'fps'),
    '<svg><clipPath id="fps-1"><rect/></clipPath><g clip-path="url(#fps-1)"/>' +
      '<linearGradient id="fps-2"/><rect fill="url(#fps-2)"/><use href="#fps-1"/></svg>',
  );
  assert.equal(renumberIds('<svg><g/></svg>', 'x'), '<svg><g/></svg>');
});

test('a worker that is asked nothing does not keep the process alive, and a closed one refuses', async () => {
  const worker = startSvgWorker();
  await worker.close();
  await assert.rejects(worker.render(charts[0].spec, 'fps'), /stopped/);
});
