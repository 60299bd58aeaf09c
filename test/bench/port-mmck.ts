/**
 * ../shared/bench/ref_mmck.c ported line by line to JavaScript, to tell what the C loop's speed means
 * for a JavaScript simulator: the same binary heap of (time, kind), the same FIFO line, the same two
 * logarithms per frame; typed arrays instead of structs, and the generator inferscale uses (alea,
 * engine/rng.ts) instead of C's xorshift64, which would need BigInt here. It is a reference figure,
 * not inferscale: no pods, CPU, histograms or time series.
 * Usage: node dist/test/bench/port-mmck.js LAMBDA MU C K SIM_SECONDS SEED
 * Prints one JSON line as ref_mmck.c does.
 */
import { randomStream } from '../../src/engine/rng.js';
import type { PeerRun } from './external.js';

function main(args: string[]): number {
  const [lam, mu, c, k, horizon, seed] = args.map(Number);
  if (args.length !== 6 || ![lam, mu, c, k, horizon, seed].every(Number.isFinite)) {
    process.stderr.write('usage: port-mmck.js LAMBDA MU C K SIM_SECONDS SEED\n');
    return 2;
  }
  const rng = randomStream(seed, 'port-mmck');
  const expo = (rate: number) => -Math.log(rng.next()) / rate;
  const heapT = new Float64Array(k + 8);
  const heapKind = new Int32Array(k + 8);
  let hn = 0;
  const push = (t: number, kind: number) => {
    let i = hn++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heapT[p] <= t) break;
      heapT[i] = heapT[p];
      heapKind[i] = heapKind[p];
      i = p;
    }
    heapT[i] = t;
    heapKind[i] = kind;
  };
  let popT = 0;
  let popKind = 0;
  const pop = () => {
    popT = heapT[0];
    popKind = heapKind[0];
    const lastT = heapT[--hn];
    const lastKind = heapKind[hn];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= hn) break;
      const r = l + 1;
      const m = r < hn && heapT[r] < heapT[l] ? r : l;
      if (heapT[m] >= lastT) break;
      heapT[i] = heapT[m];
      heapKind[i] = heapKind[m];
      i = m;
    }
    heapT[i] = lastT;
    heapKind[i] = lastKind;
  };
  const line = new Float64Array(k + 8);
  let head = 0;
  let qlen = 0;
  let busy = 0;
  let offered = 0;
  let served = 0;
  let dropped = 0;
  let wait = 0;
  const t0 = performance.now();
  push(expo(lam), 0);
  while (hn > 0) {
    pop();
    const t = popT;
    if (t > horizon) break;
    if (popKind === 0) {
      offered++;
      push(t + expo(lam), 0);
      if (busy + qlen >= k) dropped++;
      else if (busy < c) {
        busy++;
        push(t + expo(mu), 1);
      } else line[(head + qlen++) % k] = t;
    } else {
      served++;
      if (qlen > 0) {
        wait += t - line[head];
        head = (head + 1) % k;
        qlen--;
        push(t + expo(mu), 1);
      } else busy--;
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const out: PeerRun = {
    offered,
    served,
    dropped,
    drop_ratio: dropped / offered,
    mean_wait: wait / served,
    wall_s: wall,
    frames_per_s: offered / wall,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

// A script, not a test file: `npm test` runs only dist/test/**/*.test.js.
process.exitCode = main(process.argv.slice(2));
