/**
 * Event heap with a total order: (timeUs, priority, sequence).
 *
 * An event is three integers — a kind and two operands — whose meaning belongs to whoever schedules
 * it; the engine never looks inside. `timeUs` is an integer number of microseconds; priority is a
 * small integer in [0, 16) (lower runs first at equal times); the sequence number is assigned here,
 * so events at the same time and priority run in the order they were scheduled. Because the order
 * is total, the sequence of pops does not depend on the heap's layout.
 *
 * Speed (DESIGN.md, Performance): entries live in slot arrays and the heap itself holds only slot
 * numbers, so sifting moves one integer per level; time and priority are packed into one float key
 * (time x 16 + priority, exact below 2^49 µs, about 17 years). A pop is deferred: the popped root
 * stays in place until the next operation, and when that is a push (a handler scheduling its
 * successor, the common case) the new entry replaces the root with a single sift-down.
 */
export const MAX_TIME_US = 2 ** 49;

export class EventHeap {
  private heap: Int32Array;
  private key: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private opA: Int32Array;
  private opB: Int32Array;
  private free: Int32Array;
  private nFree = 0;
  private n = 0;
  private nextSeq = 0;
  /** The root was popped but not yet removed. */
  private hole = false;

  /** Fields of the event most recently removed by `pop()`. */
  timeUs = 0;
  eventKind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 64) {
    const c = Math.max(4, initialCapacity);
    this.heap = new Int32Array(c);
    this.key = new Float64Array(c);
    this.seq = new Float64Array(c);
    this.kind = new Int32Array(c);
    this.opA = new Int32Array(c);
    this.opB = new Int32Array(c);
    this.free = new Int32Array(c);
    for (let i = c - 1; i >= 0; i--) this.free[this.nFree++] = i;
  }

  get size(): number {
    return this.hole ? this.n - 1 : this.n;
  }

  /** Time of the next event, or Infinity when the heap is empty. */
  peekTime(): number {
    if (this.hole) this.removeRoot();
    return this.n > 0 ? Math.floor(this.key[this.heap[0]] / 16) : Infinity;
  }

  push(timeUs: number, priority: number, kind: number, a: number, b: number): void {
    if (this.nFree === 0) this.grow();
    const slot = this.free[--this.nFree];
    this.key[slot] = timeUs * 16 + priority;
    this.seq[slot] = this.nextSeq++;
    this.kind[slot] = kind;
    this.opA[slot] = a;
    this.opB[slot] = b;
    if (this.hole) {
      // Replace the popped root: one sift-down instead of a removal and an insertion.
      this.free[this.nFree++] = this.heap[0];
      this.hole = false;
      this.siftDown(0, slot);
    } else this.siftUp(this.n++, slot);
  }

  /** Removes the first event and exposes it through `timeUs`, `eventKind`, `a` and `b`. */
  pop(): boolean {
    if (this.hole) this.removeRoot();
    if (this.n === 0) return false;
    const top = this.heap[0];
    this.timeUs = Math.floor(this.key[top] / 16);
    this.eventKind = this.kind[top];
    this.a = this.opA[top];
    this.b = this.opB[top];
    this.hole = true;
    return true;
  }

  private removeRoot(): void {
    this.hole = false;
    this.free[this.nFree++] = this.heap[0];
    const last = --this.n;
    if (last > 0) this.siftDown(0, this.heap[last]);
  }

  private less(x: number, y: number): boolean {
    const kx = this.key[x];
    const ky = this.key[y];
    return kx < ky || (kx === ky && this.seq[x] < this.seq[y]);
  }

  private siftUp(i: number, slot: number): void {
    const heap = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(slot, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = slot;
  }

  private siftDown(i: number, slot: number): void {
    const heap = this.heap;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(heap[r], heap[l]) ? r : l;
      if (!this.less(heap[m], slot)) break;
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = slot;
  }

  private grow(): void {
    const old = this.heap.length;
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
    this.heap = g32(this.heap);
    this.key = g64(this.key);
    this.seq = g64(this.seq);
    this.kind = g32(this.kind);
    this.opA = g32(this.opA);
    this.opB = g32(this.opB);
    this.free = g32(this.free);
    for (let i = c - 1; i >= old; i--) this.free[this.nFree++] = i;
  }
}
