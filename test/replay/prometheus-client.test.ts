/**
 * The Prometheus HTTP client against a tiny fake server on 127.0.0.1: retries with backoff on a
 * 500, a timeout, a malformed body and a connection dropped mid-answer, each ending in a clear
 * DataError when it keeps failing; no retry on 401 or bad PromQL; redirects only to the same
 * origin; range queries in chunks; GET only; the bearer token sent and never shown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../src/errors.js';
import { PrometheusClient } from '../../src/replay/prometheus.js';
import { SeriesBuilder } from '../../src/replay/series.js';
import { freePort } from '../helpers/prometheus.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
let handler: Handler = () => undefined;
let requests: IncomingMessage[] = [];
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    handler(req, res, requests.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function serve(h: Handler) {
  handler = h;
  requests = [];
}

function matrix(start: number, end: number, step: number, value = '1') {
  const values: [number, string][] = [];
  for (let t = start; t <= end; t += step) values.push([t, value]);
  return JSON.stringify({
    status: 'success',
    data: { resultType: 'matrix', result: [{ metric: { __name__: 'ei_infer_fps', pod: 'p' }, values }] },
  });
}

function ok(res: ServerResponse, body: string) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}

const fast = { backoffS: 0.01, retries: 2, timeoutS: 2 };

async function rejects(p: Promise<unknown>, re: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DataError, `a DataError, not ${String(e)}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

test('a 500 is retried with backoff and the answer after it is used', async () => {
  serve((req, res, n) => {
    if (n < 3) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"status":"error","errorType":"internal","error":"busy"}');
    } else ok(res, matrix(100, 110, 1));
  });
  const b = new SeriesBuilder();
  const retries: string[] = [];
  await new PrometheusClient(base, { ...fast, onRetry: (m) => retries.push(m) }).queryRange(
    'ei_infer_fps',
    100,
    110,
    1,
    b,
  );
  assert.equal(requests.length, 3);
  assert.equal(retries.length, 2);
  assert.match(retries[0], /HTTP 500: internal: busy; retry 1 of 2 in 0.01 s/);
  assert.equal(b.finish(30).series[0].t.length, 11);
});

test('a 500 that persists, a timeout, a malformed body and a dropped connection end in clear errors', async () => {
  serve((_req, res) => {
    res.writeHead(500);
    res.end();
  });
  await rejects(
    new PrometheusClient(base, fast).queryRange('up', 0, 10, 1, new SeriesBuilder()),
    /HTTP 500 \(gave up after 3 attempts\)/,
  );
  assert.equal(requests.length, 3);

  serve(() => undefined); // never answers
  await rejects(
    new PrometheusClient(base, { ...fast, timeoutS: 0.3, retries: 1 }).queryRange(
      'up',
      0,
      10,
      1,
      new SeriesBuilder(),
    ),
    /no answer within 0.3 s \(timeout\) \(gave up after 2 attempts\)/,
  );
  server.closeAllConnections();

  serve((_req, res) => ok(res, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":'));
  await rejects(
    new PrometheusClient(base, fast).queryRange('up', 0, 10, 1, new SeriesBuilder()),
    /the answer is not valid JSON .*gave up after 3 attempts/,
  );

  serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
    res.write(matrix(0, 10, 1).slice(0, 100));
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await rejects(
    new PrometheusClient(base, fast).queryRange('up', 0, 10, 1, new SeriesBuilder()),
    /the connection was dropped before the answer was complete \(gave up after 3 attempts\)/,
  );
});

test('auth failures and bad PromQL are not retried; the token is sent and never shown', async () => {
  const token = 's3cr3t-token-value';
  serve((_req, res) => {
    res.writeHead(401);
    res.end('Unauthorized');
  });
  await assert.rejects(
    new PrometheusClient(`http://user:pw@${base.slice(7)}`, { ...fast, token }).queryRange(
      'up',
      0,
      1,
      1,
      new SeriesBuilder(),
    ),
    (e: Error) => {
      assert.match(e.message, /401 Unauthorized: .*the credentials given were refused/);
      assert.ok(!e.message.includes(token) && !e.message.includes('pw@'), e.message);
      return true;
    },
  );
  assert.equal(requests.length, 1);
  assert.equal(requests[0].headers.authorization, `Bearer ${token}`);
  assert.equal(requests[0].method, 'GET');

  serve((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}');
  });
  await rejects(
    new PrometheusClient(base, fast).queryRange('sum(', 0, 1, 1, new SeriesBuilder()),
    /the query was refused \(HTTP 400: bad_data: 1:5: parse error/,
  );
  assert.equal(requests.length, 1);
});

test('redirects are followed on the same origin only', async () => {
  serve((req, res) => {
    if (req.url!.startsWith('/old/')) {
      res.writeHead(302, { location: `/new/${req.url!.slice(5)}` });
      res.end();
    } else ok(res, matrix(0, 2, 1));
  });
  const b = new SeriesBuilder();
  await new PrometheusClient(`${base}/old/`, fast).queryRange('up', 0, 2, 1, b);
  assert.deepEqual(
    requests.map((r) => r.url!.split('?')[0]),
    ['/old/api/v1/query_range', '/new/api/v1/query_range'],
  );
  serve((_req, res) => {
    res.writeHead(301, { location: 'http://127.0.0.2:9/api/v1/query_range' });
    res.end();
  });
  await rejects(
    new PrometheusClient(base, { ...fast, token: 'x' }).queryRange('up', 0, 2, 1, new SeriesBuilder()),
    /refused a redirect \(301\) to another host, http:\/\/127\.0\.0\.2:9/,
  );
  assert.equal(requests.length, 1);
});

test('a long range is asked in chunks of at most maxPoints steps, without overlap', async () => {
  serve((req, res) => {
    const u = new URL(req.url!, base);
    ok(res, matrix(Number(u.searchParams.get('start')), Number(u.searchParams.get('end')), 15));
  });
  const b = new SeriesBuilder();
  const chunks = await new PrometheusClient(base, { ...fast, maxPoints: 100 }).queryRange(
    'up',
    0,
    15 * 1000,
    15,
    b,
  );
  assert.equal(chunks, 10);
  const spans = requests.map((r) => {
    const u = new URL(r.url!, base);
    return [Number(u.searchParams.get('start')), Number(u.searchParams.get('end'))];
  });
  for (const [s, e] of spans) assert.ok((e - s) / 15 <= 100, `${s}..${e}`);
  for (let i = 1; i < spans.length; i++) assert.equal(spans[i][0], spans[i - 1][1] + 15);
  const { series, warnings } = b.finish(30);
  assert.equal(series[0].t.length, 1001);
  assert.deepEqual(warnings, []);
});

test('replay against an unreachable or failing Prometheus exits 2 with a clear message', async () => {
  const port = await freePort();
  const cli = join(ROOT, 'dist/src/cli/main.js');
  const scenario = join(ROOT, 'test/fixtures/replay/recorded.yaml');
  const r = spawnSync(
    process.execPath,
    [
      cli,
      'replay',
      scenario,
      '--metrics',
      `http://127.0.0.1:${port}`,
      '--retries',
      '1',
      '--out',
      '/tmp/inferscale-never',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `127\\.0\\.0\\.1:${port}/: connection refused \\(is Prometheus running there\\?\\) \\(gave up after 2 attempts\\)`,
    ),
  );
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});
