/**
 * The mean of the last `window` numbers pushed, in O(1) per push (a ring buffer with a running sum).
 * @module
 */
export class WindowMean {
  private readonly ring: Float64Array;
  private sum = 0;
  /** How many numbers have been pushed in all. */
  count = 0;

  /** @param window how many recent numbers the mean covers, a positive integer */
  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window <= 0) throw new RangeError(`WindowMean: window must be a positive integer, got ${window}`);
    this.ring = new Float64Array(window);
  }

  /** Adds `x` and returns the mean of the last min(count, window) numbers. */
  push(x: number): number {
    const slot = this.count % this.window;
    if (this.count >= this.window) this.sum -= this.ring[slot]!;
    this.ring[slot] = x;
    this.sum += x;
    this.count += 1;
    return this.sum / Math.min(this.count, this.window);
  }

  /** Whether `window` numbers have arrived. */
  get full(): boolean {
    return this.count >= this.window;
  }
}
