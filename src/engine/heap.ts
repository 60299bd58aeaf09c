/**
 * Event heap with a total order: (timeUs, priority, sequence).
 *
 * An event is three integers — a kind and two operands — whose meaning belongs to whoever schedules
 * it; the engine never looks inside. `timeUs` is an integer number of microseconds; priority is a
 * small integer in [0, 16) (lower runs first at equal times); the sequence number is assigned here,
 * so events at the same time and priority run in the order they were scheduled. Because the order
 * is total, the sequence of pops does not depend on the heap's layout (nor on its arity).
 *
 * Speed (DESIGN.md, Performance): a 4-ary heap (half the depth of a binary one: a city-sized run
 * holds thousands of events) whose order keys live in the heap's own order, in typed arrays, so a
 * sift reads neighbouring memory instead of following a slot number per comparison. Time and priority
 * are packed into one float key (time x 16 + priority, exact below 2^49 µs, about 17 years); the
 * sequence number is a float too (exact to 2^53 events). The payload (kind, a, b) stays in a slot
 * the heap entry points to and is read only when the event is popped. A pop is deferred: the popped
 * root stays in place until the next operation, and when that is a push (a handler scheduling its
 * successor, the common case) the new entry replaces the root with a single sift-down.
 *
 * Lanes: most of a big run's events are pushed in time order by those who push them — a camera's
 * next frame one period after this one, every camera of a group with the same period; a poll one
 * interval after now; a Poisson group's single pending arrival. Such an event does not need the heap:
 * `pushLane` appends it to a FIFO lane when it sorts at or after the lane's last entry, and falls back
 * to the heap when it does not. `pop` takes the least of the heap's root and the lanes' heads. Lane
 * entries draw their sequence numbers from the same counter as heap entries, so the order of pops
 * is exactly the heap-only order: a lane changes the cost of an event, never when it runs.
 */
export const MAX_TIME_US = 2 ** 49;

/** Lanes at most: a pop from a lane looks at every lane's head, so a few are cheap and many are not. */
export const MAX_LANES = 8;

/** A FIFO of events in (key, sequence) order, in a growable ring of typed arrays. */
class Lane {
  key: Float64Array;
  seq: Float64Array;
  kind: Int32Array;
  a: Int32Array;
  b: Int32Array;
  mask: number;
  head = 0;
  len = 0;
  /** The key of the last entry appended (the lane's tail). */
  tailKey = -Infinity;

  constructor(capacity: number) {
    this.key = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  append(key: number, seq: number, kind: number, a: number, b: number): void {
    if (this.len === this.key.length) this.grow();
    const i = (this.head + this.len) & this.mask;
    this.key[i] = key;
    this.seq[i] = seq;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    this.len++;
    this.tailKey = key;
  }

  private grow(): void {
    const old = this.key.length;
    const c = old * 2;
    const move = <T extends Float64Array | Int32Array>(x: T, y: T): T => {
      for (let i = 0; i < this.len; i++) y[i] = x[(this.head + i) & this.mask];
      return y;
    };
    this.key = move(this.key, new Float64Array(c));
    this.seq = move(this.seq, new Float64Array(c));
    this.kind = move(this.kind, new Int32Array(c));
    this.a = move(this.a, new Int32Array(c));
    this.b = move(this.b, new Int32Array(c));
    this.mask = c - 1;
    this.head = 0;
  }
}

export class EventHeap {
  /** In heap order: the packed key, the sequence number and the payload's slot of each entry. */
  private hKey: Float64Array;
  private hSeq: Float64Array;
  private hSlot: Int32Array;
  /** By slot: the payload. */
  private kind: Int32Array;
  private opA: Int32Array;
  private opB: Int32Array;
  private free: Int32Array;
  private nFree = 0;
  private n = 0;
  private nextSeq = 0;
  /** The root was popped but not yet removed. */
  private hole = false;
  private readonly lanes: Lane[] = [];
  /** Each lane's head (key, sequence); Infinity for an empty lane. Flat, so a scan reads one array. */
  private readonly laneHeadKey = new Float64Array(MAX_LANES).fill(Infinity);
  private readonly laneHeadSeq = new Float64Array(MAX_LANES);
  /** The lane whose head is least (-1: every lane is empty), and that head: what `pop` compares. */
  private best = -1;
  private bestKey = Infinity;
  private bestSeq = 0;

  /**
   * Fields of the event most recently removed by `pop()`. timeUs is declared 0.5, a double, and set
   * to 0 in the constructor: times pass V8's small integers after 35.8 simulated minutes, and a field
   * that changes representation then costs every function that reads it a deoptimization (see
   * AS_DOUBLE in model/world.ts).
   */
  timeUs = 0.5;
  eventKind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 64) {
    this.timeUs = 0;
    const c = Math.max(4, initialCapacity);
    this.hKey = new Float64Array(c);
    this.hSeq = new Float64Array(c);
    this.hSlot = new Int32Array(c);
    this.kind = new Int32Array(c);
    this.opA = new Int32Array(c);
    this.opB = new Int32Array(c);
    this.free = new Int32Array(c);
    for (let i = c - 1; i >= 0; i--) this.free[this.nFree++] = i;
  }

  get size(): number {
    let size = this.hole ? this.n - 1 : this.n;
    for (const lane of this.lanes) size += lane.len;
    return size;
  }

  /** Time of the next event, or Infinity when the heap is empty. */
  peekTime(): number {
    if (this.hole) this.removeRoot();
    const key = Math.min(this.n > 0 ? this.hKey[0] : Infinity, this.bestKey);
    return key === Infinity ? Infinity : Math.floor(key / 16);
  }

  /**
   * A new lane for events its user pushes in nondecreasing time order (see the class comment), or
   * -1 when MAX_LANES exist; `pushLane` to -1 is a plain `push`.
   */
  addLane(): number {
    if (this.lanes.length >= MAX_LANES) return -1;
    this.lanes.push(new Lane(16));
    return this.lanes.length - 1;
  }

  /** Pushes onto the lane when the event sorts after the lane's last entry, else onto the heap. */
  pushLane(lane: number, timeUs: number, priority: number, kind: number, a: number, b: number): void {
    if (lane < 0) return this.push(timeUs, priority, kind, a, b);
    const key = timeUs * 16 + priority;
    const l = this.lanes[lane];
    // Equal keys append too: the new entry's sequence number is the greatest so far.
    if (l.len > 0 && key < l.tailKey) return this.push(timeUs, priority, kind, a, b);
    const seq = this.nextSeq++;
    l.append(key, seq, kind, a, b);
    if (l.len === 1) {
      // A new head; it is the least of all heads if it sorts before the best (its sequence number is
      // the greatest, so an equal key does not).
      this.laneHeadKey[lane] = key;
      this.laneHeadSeq[lane] = seq;
      if (key < this.bestKey) {
        this.best = lane;
        this.bestKey = key;
        this.bestSeq = seq;
      }
    }
  }

  /** After the best lane's head was taken: its new head, and the least head again. */
  private nextBest(): void {
    const lane = this.best;
    const l = this.lanes[lane];
    if (l.len > 0) {
      this.laneHeadKey[lane] = l.key[l.head];
      this.laneHeadSeq[lane] = l.seq[l.head];
    } else this.laneHeadKey[lane] = Infinity;
    const keys = this.laneHeadKey;
    const seqs = this.laneHeadSeq;
    let best = -1;
    let key = Infinity;
    let seq = 0;
    for (let i = 0; i < this.lanes.length; i++) {
      const k = keys[i];
      if (k < key || (k === key && k !== Infinity && seqs[i] < seq)) {
        best = i;
        key = k;
        seq = seqs[i];
      }
    }
    this.best = best;
    this.bestKey = key;
    this.bestSeq = seq;
  }

  push(timeUs: number, priority: number, kind: number, a: number, b: number): void {
    if (this.nFree === 0) this.grow();
    const slot = this.free[--this.nFree];
    this.kind[slot] = kind;
    this.opA[slot] = a;
    this.opB[slot] = b;
    const key = timeUs * 16 + priority;
    const seq = this.nextSeq++;
    if (this.hole) {
      // Replace the popped root: one sift-down instead of a removal and an insertion.
      this.free[this.nFree++] = this.hSlot[0];
      this.hole = false;
      this.siftDown(0, key, seq, slot);
    } else this.siftUp(this.n++, key, seq, slot);
  }

  /** Removes the first event and exposes it through `timeUs`, `eventKind`, `a` and `b`. */
  pop(): boolean {
    if (this.hole) this.removeRoot();
    // The least of the heap's root and the best lane's head.
    let key = Infinity;
    let seq = 0;
    if (this.n > 0) {
      key = this.hKey[0];
      seq = this.hSeq[0];
    }
    const bestKey = this.bestKey;
    if (bestKey < key || (bestKey === key && bestKey !== Infinity && this.bestSeq < seq)) {
      const l = this.lanes[this.best];
      const h = l.head;
      this.timeUs = Math.floor(bestKey / 16);
      this.eventKind = l.kind[h];
      this.a = l.a[h];
      this.b = l.b[h];
      l.head = (h + 1) & l.mask;
      l.len--;
      this.nextBest();
      return true;
    }
    if (this.n === 0) return false;
    const top = this.hSlot[0];
    this.timeUs = Math.floor(key / 16);
    this.eventKind = this.kind[top];
    this.a = this.opA[top];
    this.b = this.opB[top];
    this.hole = true;
    return true;
  }

  private removeRoot(): void {
    this.hole = false;
    this.free[this.nFree++] = this.hSlot[0];
    const last = --this.n;
    if (last > 0) this.siftDown(0, this.hKey[last], this.hSeq[last], this.hSlot[last]);
  }

  private siftUp(i: number, key: number, seq: number, slot: number): void {
    const hKey = this.hKey;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pk = hKey[p];
      if (pk < key || (pk === key && hSeq[p] < seq)) break;
      hKey[i] = pk;
      hSeq[i] = hSeq[p];
      hSlot[i] = hSlot[p];
      i = p;
    }
    hKey[i] = key;
    hSeq[i] = seq;
    hSlot[i] = slot;
  }

  private siftDown(i: number, key: number, seq: number, slot: number): void {
    const hKey = this.hKey;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const n = this.n;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The least of up to four children; sequence numbers are read only on equal keys (rare).
      let m = first;
      let mk = hKey[first];
      if (first + 3 < n) {
        // Four children (all but the last parent): unrolled.
        let ck = hKey[first + 1];
        if (ck < mk || (ck === mk && hSeq[first + 1] < hSeq[m])) {
          m = first + 1;
          mk = ck;
        }
        ck = hKey[first + 2];
        if (ck < mk || (ck === mk && hSeq[first + 2] < hSeq[m])) {
          m = first + 2;
          mk = ck;
        }
        ck = hKey[first + 3];
        if (ck < mk || (ck === mk && hSeq[first + 3] < hSeq[m])) {
          m = first + 3;
          mk = ck;
        }
      } else {
        for (let c = first + 1; c < n; c++) {
          const ck = hKey[c];
          if (ck < mk || (ck === mk && hSeq[c] < hSeq[m])) {
            m = c;
            mk = ck;
          }
        }
      }
      if (key < mk || (key === mk && seq < hSeq[m])) break;
      hKey[i] = mk;
      hSeq[i] = hSeq[m];
      hSlot[i] = hSlot[m];
      i = m;
    }
    hKey[i] = key;
    hSeq[i] = seq;
    hSlot[i] = slot;
  }

  private grow(): void {
    const old = this.hKey.length;
    const c = old * 2;
    const g64 = (x: Float64Array) => {
      const y = new Float64Array(c);
      y.set(x);
      return y;
    };
    const g32 = (x: Int32Array) => {
      const y = new Int32Array(c);
      y.set(x);
      return y;
    };
    this.hKey = g64(this.hKey);
    this.hSeq = g64(this.hSeq);
    this.hSlot = g32(this.hSlot);
    this.kind = g32(this.kind);
    this.opA = g32(this.opA);
    this.opB = g32(this.opB);
    this.free = g32(this.free);
    for (let i = c - 1; i >= old; i--) this.free[this.nFree++] = i;
  }
}
