/**
 * How fast a JavaScript M/M/c/K loop can be that keeps the least an inferscale report needs: a
 * reference figure for issue 8's "0.5x C" target, not inferscale. It is port-mmck.ts (ref_mmck.c in
 * JavaScript) plus, per frame, what inferscale cannot leave out and the port does without:
 *   - times in whole µs (inferscale's clock), each duration rounded to µs, and a total order of
 *     events (a sequence number breaks ties), as determinism needs;
 *   - which replica serves each frame (an idle list) and each replica's frames and busy CPU time;
 *   - each frame's latency in the step's log-bucketed histogram (inferscale's own LatencyHistogram,
 *     bucketed a thousand at a time as inferscale does), and per step its p50, p95 and p99, the
 *     step's histogram added to the run's, and a time-series row as text (offered, served, dropped,
 *     CPU, busy replicas, queue, percentiles).
 * And it takes what inferscale does to save time where a plain loop would not: the next arrival waits
 * outside the heap (inferscale's heap lanes) and durations are rounded without Math.round's branch.
 * No metrics pipeline, autoscaler, nodes, per-pod gauges, CSV file or events: those are inferscale's
 * own cost. One generator per stream as inferscale has (arrivals, service times), drawn in this thread.
 * Usage: node dist/test/bench/lean-mmck.js LAMBDA MU C K SIM_SECONDS SEED
 * Prints one JSON line as ref_mmck.c does.
 */
import { randomStream } from '../../src/engine/rng.js';
import { roundUs } from '../../src/engine/time.js';
import { LatencyHistogram } from '../../src/metrics/histogram.js';
import type { PeerRun } from './external.js';

const ARRIVAL = 0;
const DONE = 1;
const STEP = 2;
const STEP_US = 10e6;
const QUANTILES = [0.5, 0.95, 0.99];

function main(args: string[]): number {
  const [lam, mu, c, k, horizon, seed] = args.map(Number);
  if (args.length !== 6 || ![lam, mu, c, k, horizon, seed].every(Number.isFinite)) {
    process.stderr.write('usage: lean-mmck.js LAMBDA MU C K SIM_SECONDS SEED\n');
    return 2;
  }
  const arrivals = randomStream(seed, 'lean-mmck:arrivals');
  const service = randomStream(seed, 'lean-mmck:service');
  const endUs = horizon * 1e6;

  // A binary heap of (time µs, sequence, kind, replica) for completions and steps.
  const size = c + 8;
  const hTime = new Float64Array(size);
  const hSeq = new Float64Array(size);
  const hKind = new Int32Array(size);
  const hPod = new Int32Array(size);
  let hn = 0;
  let nextSeq = 0;
  const before = (t1: number, s1: number, t2: number, s2: number) => t1 < t2 || (t1 === t2 && s1 < s2);
  const push = (t: number, kind: number, pod: number) => {
    const s = nextSeq++;
    let i = hn++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(hTime[p], hSeq[p], t, s)) break;
      hTime[i] = hTime[p];
      hSeq[i] = hSeq[p];
      hKind[i] = hKind[p];
      hPod[i] = hPod[p];
      i = p;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hKind[i] = kind;
    hPod[i] = pod;
  };
  let popTime = 0;
  let popKind = 0;
  let popPod = 0;
  const pop = () => {
    popTime = hTime[0];
    popKind = hKind[0];
    popPod = hPod[0];
    const n = --hn;
    const t = hTime[n];
    const s = hSeq[n];
    const kind = hKind[n];
    const pod = hPod[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && before(hTime[r], hSeq[r], hTime[l], hSeq[l]) ? r : l;
      if (before(t, s, hTime[m], hSeq[m])) break;
      hTime[i] = hTime[m];
      hSeq[i] = hSeq[m];
      hKind[i] = hKind[m];
      hPod[i] = hPod[m];
      i = m;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hKind[i] = kind;
    hPod[i] = pod;
  };

  const line = new Float64Array(k);
  let head = 0;
  let queued = 0;
  const idle = new Int32Array(c);
  let idleCount = c;
  for (let i = 0; i < c; i++) idle[i] = c - 1 - i;
  const startUs = new Float64Array(c);
  const arrivalUs = new Float64Array(c);
  const podFrames = new Float64Array(c);
  const podCpuUs = new Float64Array(c);
  const stepLatency = new LatencyHistogram();
  const runLatency = new LatencyHistogram();
  const q = new Float64Array(QUANTILES.length);
  const rows: string[] = [];
  let offered = 0;
  let served = 0;
  let dropped = 0;
  let wait = 0;
  let stepOffered = 0;
  let stepServed = 0;
  let stepDropped = 0;

  const start = (pod: number, now: number, arrived: number) => {
    startUs[pod] = now;
    arrivalUs[pod] = arrived;
    wait += now - arrived;
    push(now + roundUs((-Math.log(service.next()) / mu) * 1e6), DONE, pod);
  };

  const t0 = performance.now();
  // The next arrival waits outside the heap (arrivals come in time order: inferscale's heap gives
  // them a lane), with the sequence number it would have had there.
  let arrivalAt = roundUs((-Math.log(arrivals.next()) / lam) * 1e6);
  let arrivalSeq = nextSeq++;
  push(STEP_US, STEP, 0);
  for (;;) {
    if (hn === 0 || before(arrivalAt, arrivalSeq, hTime[0], hSeq[0])) {
      popTime = arrivalAt;
      popKind = ARRIVAL;
    } else pop();
    const now = popTime;
    if (now > endUs) break;
    if (popKind === ARRIVAL) {
      offered++;
      stepOffered++;
      arrivalAt = now + roundUs((-Math.log(arrivals.next()) / lam) * 1e6);
      arrivalSeq = nextSeq++;
      if (c - idleCount + queued >= k) {
        dropped++;
        stepDropped++;
      } else if (idleCount > 0) start(idle[--idleCount], now, now);
      else line[(head + queued++) % k] = now;
    } else if (popKind === DONE) {
      const pod = popPod;
      served++;
      stepServed++;
      podFrames[pod]++;
      podCpuUs[pod] += now - startUs[pod];
      stepLatency.addLater(now - arrivalUs[pod]);
      if (queued > 0) {
        const arrived = line[head];
        head = (head + 1) % k;
        queued--;
        start(pod, now, arrived);
      } else idle[idleCount++] = pod;
    } else {
      let cpuUs = 0;
      for (let i = 0; i < c; i++) cpuUs += podCpuUs[i];
      stepLatency.quantilesUs(QUANTILES, q);
      rows.push(
        `${now / 1e6},${stepOffered},${stepServed},${stepDropped},${cpuUs / 1e6},${c - idleCount},${queued},${q[0]},${q[1]},${q[2]}\n`,
      );
      runLatency.absorb(stepLatency); // and clears it for the next step
      stepOffered = stepServed = stepDropped = 0;
      push(now + STEP_US, STEP, 0);
    }
  }
  const wall = (performance.now() - t0) / 1000;
  if (rows.length !== Math.floor(endUs / STEP_US)) throw new Error(`${rows.length} steps`);
  runLatency.quantilesUs(QUANTILES, q);
  if (!(q[2] > 0)) throw new Error('no latencies');
  const out: PeerRun = {
    offered,
    served,
    dropped,
    drop_ratio: dropped / offered,
    mean_wait: wait / (served + (c - idleCount)) / 1e6,
    wall_s: wall,
    frames_per_s: offered / wall,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

// A script, not a test file: `npm test` runs only dist/test/**/*.test.js.
process.exitCode = main(process.argv.slice(2));
