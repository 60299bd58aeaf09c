import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventHeap } from '../../src/engine/heap.js';
import { randomStream } from '../../src/engine/rng.js';

test('events come out in (time, priority, sequence) order', () => {
  const h = new EventHeap(2);
  h.push(10, 1, 100, 0, 0);
  h.push(5, 2, 101, 0, 0);
  h.push(10, 0, 102, 0, 0);
  h.push(5, 2, 103, 0, 0);
  h.push(0, 9, 104, 0, 0);
  const out: number[] = [];
  while (h.pop()) out.push(h.eventKind);
  assert.deepEqual(out, [104, 101, 103, 102, 100]);
});

test('a random mix of 20000 events leaves the heap exactly in the order of a stable sort', () => {
  const rng = randomStream(7, 'heap-test');
  const h = new EventHeap(4);
  const ref: { t: number; p: number; seq: number }[] = [];
  for (let i = 0; i < 20000; i++) {
    const t = Math.floor(rng.next() * 500);
    const p = Math.floor(rng.next() * 4);
    h.push(t, p, i, i, 1_000_000 - i);
    ref.push({ t, p, seq: i });
  }
  ref.sort((a, b) => a.t - b.t || a.p - b.p || a.seq - b.seq);
  for (const r of ref) {
    assert.ok(h.pop());
    assert.equal(h.timeUs, r.t);
    assert.equal(h.eventKind, r.seq);
    assert.equal(h.a, r.seq);
    assert.equal(h.b, 1_000_000 - r.seq);
  }
  assert.equal(h.pop(), false);
  assert.equal(h.peekTime(), Infinity);
});

test('interleaved pushes and pops keep the order (pushes may land before popped times)', () => {
  const h = new EventHeap(4);
  const rng = randomStream(3, 'interleave');
  let now = 0;
  let last = -1;
  for (let i = 0; i < 5000; i++) {
    h.push(now + Math.floor(rng.next() * 100), 0, 0, 0, 0);
    if (rng.next() < 0.5 && h.pop()) {
      assert.ok(h.timeUs >= last, `time went back from ${last} to ${h.timeUs}`);
      last = h.timeUs;
      now = h.timeUs;
    }
  }
});
