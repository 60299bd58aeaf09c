/**
 * The pending frames of a service's periodic streams, one entry per stream (its next frame's time,
 * the stream's id and the epoch it was scheduled in), in time order: what `World.catchUp` takes frames
 * from when a service's arrivals are generated on demand instead of as events (world.ts,
 * "Frames on demand"). Streams of one period re-enter at the back, one period after the frame that ran,
 * so an insertion is an append; a period that is not a whole number of µs (30 FPS) can put a stream
 * a µs before the back, and then it walks back that far.
 */
export class FrameRing {
  private time: Float64Array;
  private stream: Int32Array;
  private epoch: Int32Array;
  private mask: number;
  head = 0;
  length = 0;

  constructor(capacity = 16) {
    let c = 16;
    while (c < capacity) c *= 2;
    this.time = new Float64Array(c);
    this.stream = new Int32Array(c);
    this.epoch = new Int32Array(c);
    this.mask = c - 1;
  }

  /** The first entry's time; Infinity when the ring is empty. */
  headTime(): number {
    return this.length > 0 ? this.time[this.head] : Infinity;
  }

  headStream(): number {
    return this.stream[this.head];
  }

  headEpoch(): number {
    return this.epoch[this.head];
  }

  /** Removes the first entry (the caller read it with headTime, headStream and headEpoch). */
  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.length--;
  }

  /** Adds an entry after every entry with a time at or before `timeUs`. */
  insert(timeUs: number, stream: number, epoch: number): void {
    if (this.length === this.time.length) this.grow();
    const mask = this.mask;
    const time = this.time;
    let i = (this.head + this.length) & mask;
    // Walk back over the entries that are later (none, for streams of one whole period).
    for (let n = this.length; n > 0; n--) {
      const prev = (i - 1) & mask;
      if (time[prev] <= timeUs) break;
      time[i] = time[prev];
      this.stream[i] = this.stream[prev];
      this.epoch[i] = this.epoch[prev];
      i = prev;
    }
    time[i] = timeUs;
    this.stream[i] = stream;
    this.epoch[i] = epoch;
    this.length++;
  }

  private grow(): void {
    const c = this.time.length * 2;
    const time = new Float64Array(c);
    const stream = new Int32Array(c);
    const epoch = new Int32Array(c);
    for (let i = 0; i < this.length; i++) {
      const j = (this.head + i) & this.mask;
      time[i] = this.time[j];
      stream[i] = this.stream[j];
      epoch[i] = this.epoch[j];
    }
    this.time = time;
    this.stream = stream;
    this.epoch = epoch;
    this.mask = c - 1;
    this.head = 0;
  }
}
