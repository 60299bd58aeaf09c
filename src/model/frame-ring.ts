import { roundUs } from '../engine/time.js';

/**
 * The period of `fps` when 1e6 / fps is a whole number of µs (25 FPS: 40,000), else 0: then frame k's
 * offset round(k 1e6 / fps) is exactly k x period, without a division per frame.
 */
export function wholePeriodUs(fps: number): number {
  return Number.isInteger(fps) && 1e6 % fps === 0 ? 1e6 / fps : 0;
}

/**
 * Frame k of a stream whose frame 0 is at `startUs`, from k and never by adding periods, so nothing
 * drifts (DESIGN.md, Time): the one definition for frames that are events (world.ts) and frames in a
 * ring. `periodUs` is wholePeriodUs(fps).
 */
export function frameTimeUs(startUs: number, k: number, periodUs: number, fps: number): number {
  return startUs + (periodUs > 0 ? k * periodUs : roundUs((k * 1e6) / fps));
}

/**
 * The next frames of the streams of one FPS that feed a service whose frames are made on demand
 * (world.ts, "Frames on demand"): one entry per stream (its next frame's time, the stream's first
 * frame's time, the frame's number and the stream's id), in time order. `World.catchUp` takes the
 * first entry and `advance` puts the stream's next frame back. A frame's time is computed from its
 * number (frameTimeUs), as for frames that are events, so nothing drifts. A stream
 * re-enters one period after the frame that ran, behind every other stream of the ring, so an insertion
 * is an append; a period that is not a whole number of µs (30 FPS) can put it a µs before the last
 * entry, and then it walks back that far.
 */
export class FrameRing {
  private time: Float64Array;
  private start: Float64Array;
  private k: Float64Array;
  private stream: Int32Array;
  private mask: number;
  private head = 0;
  length = 0;
  /** wholePeriodUs(fps). */
  private readonly wholePeriodUs: number;

  constructor(
    readonly fps: number,
    capacity = 16,
  ) {
    this.wholePeriodUs = wholePeriodUs(fps);
    let c = 16;
    while (c < capacity) c *= 2;
    this.time = new Float64Array(c);
    this.start = new Float64Array(c);
    this.k = new Float64Array(c);
    this.stream = new Int32Array(c);
    this.mask = c - 1;
  }

  /** The first entry's time; Infinity when the ring is empty. */
  headTime(): number {
    return this.length > 0 ? this.time[this.head] : Infinity;
  }

  /** The first entry's stream. */
  headStream(): number {
    return this.stream[this.head];
  }

  /** A stream starts: its first frame (number 0) at `startUs`, if that is at or before `endUs`. */
  add(startUs: number, stream: number, endUs: number): void {
    if (startUs <= endUs) this.insert(startUs, startUs, 0, stream);
  }

  /** The first entry's frame ran: its stream's next frame, if at or before `endUs`, takes its place. */
  advance(endUs: number): void {
    const h = this.head;
    const start = this.start[h];
    const k = this.k[h] + 1;
    const t = frameTimeUs(start, k, this.wholePeriodUs, this.fps);
    if (this.length === 1 && t <= endUs) {
      // The only stream of its FPS (the seed's shape): its next frame takes its place.
      this.time[h] = t;
      this.k[h] = k;
      return;
    }
    const stream = this.stream[h];
    this.head = (h + 1) & this.mask;
    this.length--;
    if (t <= endUs) this.insert(t, start, k, stream);
  }

  /** A stream stops: its pending frame leaves the ring. False when it had none (past the end). */
  remove(stream: number): boolean {
    const mask = this.mask;
    for (let n = 0; n < this.length; n++) {
      if (this.stream[(this.head + n) & mask] !== stream) continue;
      // Close the gap: every later entry moves one place forward.
      for (let m = n + 1; m < this.length; m++) this.move((this.head + m) & mask, (this.head + m - 1) & mask);
      this.length--;
      return true;
    }
    return false;
  }

  /** Adds an entry after every entry with a time at or before `timeUs`. */
  private insert(timeUs: number, start: number, k: number, stream: number): void {
    if (this.length === this.time.length) this.grow();
    const mask = this.mask;
    const time = this.time;
    let i = (this.head + this.length) & mask;
    // Walk back over the entries that are later (none, for a whole period).
    for (let n = this.length; n > 0; n--) {
      const prev = (i - 1) & mask;
      if (time[prev] <= timeUs) break;
      this.move(prev, i);
      i = prev;
    }
    time[i] = timeUs;
    this.start[i] = start;
    this.k[i] = k;
    this.stream[i] = stream;
    this.length++;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.start[to] = this.start[from];
    this.k[to] = this.k[from];
    this.stream[to] = this.stream[from];
  }

  private grow(): void {
    const c = this.time.length * 2;
    const time = new Float64Array(c);
    const start = new Float64Array(c);
    const k = new Float64Array(c);
    const stream = new Int32Array(c);
    for (let i = 0; i < this.length; i++) {
      const j = (this.head + i) & this.mask;
      time[i] = this.time[j];
      start[i] = this.start[j];
      k[i] = this.k[j];
      stream[i] = this.stream[j];
    }
    this.time = time;
    this.start = start;
    this.k = k;
    this.stream = stream;
    this.mask = c - 1;
    this.head = 0;
  }
}
