/**
 * Recorded metrics as CSV (replay --metrics FILE.csv): an error names the file, the line and the
 * character column where the bad field starts (not the field's number), as every other input does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importCsv } from '../../src/replay/import.js';
import { fieldColumn } from '../../src/scenario/source.js';
import { SeriesBuilder } from '../../src/replay/series.js';

function errorOf(text: string): string {
  try {
    importCsv('rec.csv', text, new SeriesBuilder());
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('accepted');
}

test('fieldColumn: where a field starts, past quoted commas and the spaces trimming drops', () => {
  assert.equal(fieldColumn('a,b,c', 0), 1);
  assert.equal(fieldColumn('a,b,c', 2), 5);
  assert.equal(fieldColumn('1, "x,y" ,  z', 2), 13);
  assert.equal(fieldColumn('only,two', 5), 1);
});

test('CSV errors point at the bad field: line and character column', () => {
  const header = 'timestamp,metric,pod,value\n';
  // The value field of line 3 starts at column 35 (after 2 spaces).
  assert.match(
    errorOf(`${header}1767225601,ei_infer_fps,a,1\n1767225602, ei_infer_fps ,"p,1",  lots\n`),
    /^rec\.csv:3:35: value "lots" is not a number/,
  );
  // Comment and empty lines count as lines; the metric field starts at column 12.
  assert.match(
    errorOf(`# recorded by hand\n${header}\n1767225601,9fps,a,1\n`),
    /^rec\.csv:4:12: "9fps" is not a metric name/,
  );
  assert.match(errorOf(`${header}soon,ei_infer_fps,a,1\n`), /^rec\.csv:2:1: timestamp "soon"/);
  // A label column whose name is not a label name: the header's fourth field, at column 23.
  assert.match(
    errorOf('timestamp,metric,pod,2nd,value\n1767225601,ei_infer_fps,a,b,1\n'),
    /^rec\.csv:1:22: "2nd" is not a label name/,
  );
});
