import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventHeap, MAX_LANES } from '../../src/engine/heap.js';
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

/**
 * Lanes change what an event costs, never when it runs: the same pushes and pops on a heap with
 * lanes and on one without give the same events in the same order, ties included.
 */
test('lanes give exactly the pop order of the heap alone, whatever lands in a lane or falls back', () => {
  const rng = randomStream(11, 'lanes');
  const plain = new EventHeap(4);
  const laned = new EventHeap(4);
  const lanes: number[] = [];
  for (let i = 0; i < MAX_LANES + 2; i++) lanes.push(laned.addLane());
  assert.deepEqual(lanes.slice(MAX_LANES), [-1, -1], 'no lane beyond MAX_LANES');
  let now = 0;
  let kind = 0;
  for (let i = 0; i < 60_000; i++) {
    const r = rng.next();
    const lane = lanes[Math.floor(rng.next() * lanes.length)];
    // Mostly in order for the lane (a period after now, often an equal time), sometimes before its
    // tail (it falls back to the heap), sometimes far off; priorities vary, so equal keys and equal
    // times with other priorities both occur.
    const t = r < 0.6 ? now + 40 : r < 0.8 ? now + Math.floor(rng.next() * 80) : now;
    const p = Math.floor(rng.next() * 3);
    kind++;
    plain.push(t, p, kind, i, -i);
    const before = laned.size;
    laned.pushLane(lane, t, p, kind, i, -i);
    assert.equal(laned.size, before + 1);
    if (rng.next() < 0.5) {
      const a = plain.pop();
      assert.equal(laned.pop(), a);
      if (!a) continue;
      assert.deepEqual(
        [laned.timeUs, laned.eventKind, laned.a, laned.b],
        [plain.timeUs, plain.eventKind, plain.a, plain.b],
        `pop after push ${i}`,
      );
      now = plain.timeUs;
    }
    assert.equal(laned.size, plain.size);
    assert.equal(laned.peekTime(), plain.peekTime());
  }
  while (plain.pop()) {
    assert.ok(laned.pop());
    assert.deepEqual([laned.timeUs, laned.eventKind], [plain.timeUs, plain.eventKind]);
  }
  assert.equal(laned.pop(), false);
  assert.equal(laned.size, 0);
  // An event before the lane's tail falls back to the heap, and still runs first.
  for (let i = 0; i < 100; i++) laned.pushLane(lanes[0], 1000 + i, 0, 1, 0, 0);
  laned.pushLane(lanes[0], 999, 0, 2, 0, 0);
  assert.ok(laned.pop());
  assert.deepEqual([laned.timeUs, laned.eventKind], [999, 2], 'the fallen-back event still runs first');
});

test('a lane grows past its first ring and keeps its order across the wrap', () => {
  const h = new EventHeap(4);
  const lane = h.addLane();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 100; i++) h.pushLane(lane, round * 1000 + i, 0, i, round, 0);
    for (let i = 0; i < 70; i++) {
      assert.ok(h.pop());
      assert.equal(h.eventKind, i);
    }
    for (let i = 70; i < 100; i++) {
      assert.ok(h.pop());
      assert.deepEqual([h.timeUs, h.eventKind, h.a], [round * 1000 + i, i, round]);
    }
  }
  assert.equal(h.pop(), false);
});

test('a lane whose new head sorts between the best and the rest is not overtaken', () => {
  const h = new EventHeap(4);
  const a = h.addLane();
  const b = h.addLane();
  h.pushLane(a, 10, 0, 1, 0, 0);
  h.pushLane(a, 30, 0, 3, 0, 0);
  h.pushLane(b, 20, 0, 2, 0, 0);
  const order: number[] = [];
  while (h.pop()) order.push(h.timeUs);
  assert.deepEqual(order, [10, 20, 30]);
});

test('lanes fed in order, each at its own pace, interleave exactly as the heap alone', () => {
  const rng = randomStream(12, 'lanes-paced');
  for (let trial = 0; trial < 200; trial++) {
    const plain = new EventHeap(4);
    const laned = new EventHeap(4);
    const count = 2 + Math.floor(rng.next() * (MAX_LANES - 1));
    const lanes = Array.from({ length: count }, () => laned.addLane());
    const next = lanes.map(() => Math.floor(rng.next() * 20));
    let kind = 0;
    for (let i = 0; i < 400; i++) {
      if (rng.next() < 0.55) {
        const j = Math.floor(rng.next() * count);
        // Small steps, so heads often land between the best and the rest, and equal times occur.
        next[j] += Math.floor(rng.next() * 12);
        kind++;
        plain.push(next[j], 0, kind, j, 0);
        laned.pushLane(lanes[j], next[j], 0, kind, j, 0);
      } else {
        const got = plain.pop();
        assert.equal(laned.pop(), got);
        if (got) assert.deepEqual([laned.timeUs, laned.eventKind], [plain.timeUs, plain.eventKind]);
      }
    }
    while (plain.pop()) {
      assert.ok(laned.pop());
      assert.deepEqual([laned.timeUs, laned.eventKind], [plain.timeUs, plain.eventKind], `trial ${trial}`);
    }
    assert.equal(laned.pop(), false);
  }
});
