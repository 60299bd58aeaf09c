/**
 * Event heap with a total order: (timeUs, priority, sequence).
 *
 * Entries live in parallel typed arrays so that scheduling an event allocates nothing. An event is
 * three integers — a kind and two operands — whose meaning belongs to whoever schedules it; the
 * engine never looks inside. `timeUs` is an integer number of microseconds; priority is a small
 * integer (lower runs first at equal times); the sequence number is assigned here, so two events at
 * the same time and priority run in the order they were scheduled.
 */
export class EventHeap {
  private time: Float64Array;
  private seq: Float64Array;
  private prio: Int32Array;
  private kind: Int32Array;
  private opA: Int32Array;
  private opB: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the event most recently removed by `pop()`. */
  timeUs = 0;
  eventKind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 64) {
    const c = Math.max(4, initialCapacity);
    this.time = new Float64Array(c);
    this.seq = new Float64Array(c);
    this.prio = new Int32Array(c);
    this.kind = new Int32Array(c);
    this.opA = new Int32Array(c);
    this.opB = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next event, or Infinity when the heap is empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0] : Infinity;
  }

  push(timeUs: number, priority: number, kind: number, a: number, b: number): void {
    if (this.n === this.time.length) this.grow();
    const s = this.nextSeq++;
    let i = this.n++;
    const time = this.time;
    const seq = this.seq;
    const prio = this.prio;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = time[p];
      if (tp < timeUs || (tp === timeUs && (prio[p] < priority || (prio[p] === priority && seq[p] < s)))) break;
      this.move(p, i);
      i = p;
    }
    time[i] = timeUs;
    seq[i] = s;
    prio[i] = priority;
    this.kind[i] = kind;
    this.opA[i] = a;
    this.opB[i] = b;
  }

  /** Removes the first event and exposes it through `timeUs`, `eventKind`, `a` and `b`. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.timeUs = this.time[0];
    this.eventKind = this.kind[0];
    this.a = this.opA[0];
    this.b = this.opB[0];
    const last = --this.n;
    if (last === 0) return true;
    const t = this.time[last];
    const pr = this.prio[last];
    const sq = this.seq[last];
    const kd = this.kind[last];
    const oa = this.opA[last];
    const ob = this.opB[last];
    const time = this.time;
    const seq = this.seq;
    const prio = this.prio;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let m = l;
      if (
        r < last &&
        (time[r] < time[l] ||
          (time[r] === time[l] && (prio[r] < prio[l] || (prio[r] === prio[l] && seq[r] < seq[l]))))
      )
        m = r;
      const tm = time[m];
      if (tm > t || (tm === t && (prio[m] > pr || (prio[m] === pr && seq[m] > sq)))) break;
      this.move(m, i);
      i = m;
    }
    time[i] = t;
    seq[i] = sq;
    prio[i] = pr;
    this.kind[i] = kd;
    this.opA[i] = oa;
    this.opB[i] = ob;
    return true;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.seq[to] = this.seq[from];
    this.prio[to] = this.prio[from];
    this.kind[to] = this.kind[from];
    this.opA[to] = this.opA[from];
    this.opB[to] = this.opB[from];
  }

  private grow(): void {
    const c = this.time.length * 2;
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
    this.time = g64(this.time);
    this.seq = g64(this.seq);
    this.prio = g32(this.prio);
    this.kind = g32(this.kind);
    this.opA = g32(this.opA);
    this.opB = g32(this.opB);
  }
}
