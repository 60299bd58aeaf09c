/**
 * One FIFO queue of frames per inference type, holding each frame's arrival time (µs) in a
 * growable ring buffer: nothing is allocated per frame. Drop policies live in the service; this
 * is only the buffer.
 */
export class FrameQueue {
  private buf: Float64Array;
  private mask: number;
  private head = 0;
  length = 0;

  constructor(initialCapacity = 64) {
    let c = 16;
    while (c < initialCapacity) c *= 2;
    this.buf = new Float64Array(c);
    this.mask = c - 1;
  }

  push(arrivalUs: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & this.mask] = arrivalUs;
    this.length++;
  }

  /** Removes and returns the oldest arrival time; the caller checks `length` first. */
  shift(): number {
    const v = this.buf[this.head];
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return v;
  }

  /** Removes the `n` oldest frames. */
  dropOldest(n: number): void {
    const k = Math.min(n, this.length);
    this.head = (this.head + k) & this.mask;
    this.length -= k;
  }

  /**
   * The fluid engine's queue (fluid.ts): a count of frames without arrival times. Only that engine
   * calls it, and it never pushes or shifts.
   */
  setCount(n: number): void {
    this.head = 0;
    this.length = n;
  }

  private grow(): void {
    const c = this.buf.length * 2;
    const next = new Float64Array(c);
    for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = c - 1;
    this.head = 0;
  }
}
