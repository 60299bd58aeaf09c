/**
 * What a replay's summary.md says it read: files by their path, size and sha256; a Prometheus by a
 * URL without credentials or query string (the token and the user:password stay out of reports).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesReadMarkdown } from '../../src/replay/files-read.js';
import { shownUrl } from '../../src/replay/prometheus.js';

const URLS: { name: string; given: string; shown: string }[] = [
  { name: 'user:password', given: 'http://user:pass@host:9090/', shown: 'http://host:9090/' },
  { name: 'user only', given: 'http://user@host:9090', shown: 'http://host:9090/' },
  {
    name: 'a path, a query and a fragment',
    given: 'https://u:p%40ss@prom.example:443/prometheus?token=s3cr3t#x',
    shown: 'https://prom.example/prometheus/',
  },
  { name: 'nothing to strip', given: 'http://127.0.0.1:9090/', shown: 'http://127.0.0.1:9090/' },
  { name: 'not an http URL', given: 'user:pass@host', shown: '(not a URL)' },
  { name: 'not a URL at all', given: 'pass word', shown: '(not a URL)' },
];

for (const row of URLS)
  test(`shownUrl: ${row.name}`, () => {
    assert.equal(shownUrl(row.given), row.shown);
  });

test('the Files read section shows the Prometheus without its credentials', () => {
  const md = filesReadMarkdown([], 'http://alice:hunter2@host:9090/?token=s3cr3t');
  assert.match(md, /^## Files read\n/);
  assert.match(md, /`http:\/\/host:9090\/`/);
  for (const secret of ['alice', 'hunter2', 's3cr3t']) assert.ok(!md.includes(secret), md);
});

test('the Files read section lists each file with its size and sha256, paths in code type', () => {
  const md = filesReadMarkdown(
    [
      { field: '(scenario)', file: 'city.yaml', bytes: 12, sha256: 'a'.repeat(64) },
      { field: '--metrics', file: 'dir/rec`orded.om', bytes: 3456, sha256: 'b'.repeat(64) },
    ],
    null,
  );
  assert.ok(md.includes(`| (scenario) | \`city.yaml\` | 12 | ${'a'.repeat(64)} |`), md);
  assert.ok(md.includes(`| --metrics | \`dir/recorded.om\` | 3456 | ${'b'.repeat(64)} |`), md);
  assert.ok(!md.includes('Prometheus'), md);
});
