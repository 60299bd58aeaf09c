import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { competed, cpuMark, cpuShare } from './cpu-share.js';

/** Spins until this process has used `ms` more of CPU time (not wall: the test runner shares the cores). */
const busy = (ms: number) => {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
};

test(
  'cpu-share counts this process and its waited-for children as the bench, not as other processes',
  {
    skip: cpuMark() === null ? 'no /proc here' : false,
  },
  () => {
    const start = cpuMark()!;
    busy(300);
    // A child busy for 300 ms, waited for: its time is the bench's (cutime), as SimPy's and C's runs are.
    const child = spawnSync(process.execPath, [
      '-e',
      'const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if (u.user + u.system >= 300e3) break; }',
    ]);
    assert.equal(child.status, 0);
    const end = cpuMark()!;
    const s = cpuShare(start, end);
    // 0.6 core-s of our own and the child's work, plus node's start-up (ticks are 10 ms).
    assert.ok(s.benchCoreSeconds >= 0.58 && s.benchCoreSeconds < 1.5, `bench ${s.benchCoreSeconds} core-s`);
    assert.ok(s.wallSeconds >= 0.3, `wall ${s.wallSeconds} s`);
    assert.ok(s.otherCoreSeconds >= 0);
  },
);

test('competed: more than 5% of one core on average, taken by others or by the hypervisor', () => {
  const base = { wallSeconds: 100, benchCoreSeconds: 150, otherCoreSeconds: 0, stealCoreSeconds: 0 };
  assert.equal(competed(base), false);
  assert.equal(competed({ ...base, otherCoreSeconds: 5 }), false);
  assert.equal(competed({ ...base, otherCoreSeconds: 5.1 }), true);
  assert.equal(competed({ ...base, stealCoreSeconds: 6 }), true);
});
