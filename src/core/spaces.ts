/**
 * Spaces: the sets that actions and observations live in, after Gymnasium's `gymnasium.spaces`.
 *
 * Each space has its own seedable {@link Rng} for {@link Space.sample}, separate from the env's.
 * Every space also has a flat numeric layout (`flatSize` numbers), which vector envs use to batch
 * values into typed arrays and agents use to size their inputs and outputs.
 *
 * @module
 */
import { Rng, assertSeed } from './rng.js';

/** The value types of the built-in spaces. */
export type SpaceValue = number | Float32Array | Float64Array | Uint8Array;

/** What every space offers. `T` is the type of its elements. */
export interface Space<T> {
  /** Short name used in messages, e.g. `Discrete(4)`. */
  toString(): string;
  /** Number of numbers in one flattened element. */
  readonly flatSize: number;
  /** Shape of one element (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** A uniformly drawn element, from the space's own RNG. */
  sample(): T;
  /** Whether `x` is an element of this space, with the right type. */
  contains(x: unknown): x is T;
  /** Reseeds the space's RNG. */
  seed(seed: number): void;
  /** Writes `x` into `out` at `offset`, as `flatSize` numbers. */
  flatten(x: T, out: { [i: number]: number }, offset: number): void;
  /** Reads one element from `flat` at `offset` (the inverse of {@link Space.flatten}). */
  unflatten(flat: ArrayLike<number>, offset: number): T;
}

abstract class BaseSpace<T> implements Space<T> {
  protected rng: Rng = Rng.fromEntropy();
  abstract readonly flatSize: number;
  abstract readonly shape: readonly number[];
  abstract sample(): T;
  abstract contains(x: unknown): x is T;
  abstract flatten(x: T, out: { [i: number]: number }, offset: number): void;
  abstract unflatten(flat: ArrayLike<number>, offset: number): T;
  seed(seed: number): void {
    assertSeed(seed);
    this.rng = Rng.fromSeed(seed);
  }
}

/**
 * The integers `{start, …, start + n − 1}`.
 *
 * @example
 * ```ts
 * const s = new Discrete(4);
 * s.contains(3); // true
 * ```
 */
export class Discrete extends BaseSpace<number> {
  /** Number of elements. */
  readonly n: number;
  /** Smallest element. */
  readonly start: number;
  readonly flatSize = 1;
  readonly shape: readonly number[] = [];

  /**
   * @param n number of elements, a positive integer
   * @param start smallest element, an integer (default 0)
   */
  constructor(n: number, start = 0) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new RangeError(`Discrete: start must be an integer, got ${start}`);
    this.n = n;
    this.start = start;
  }
  sample(): number {
    return this.start + this.rng.integers(this.n);
  }
  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }
  flatten(x: number, out: { [i: number]: number }, offset: number): void {
    out[offset] = x;
  }
  unflatten(flat: ArrayLike<number>, offset: number): number {
    return flat[offset]!;
  }
  override toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** Element types a {@link Box} can hold. */
export type BoxDtype = 'float32' | 'float64';
/** The typed array of a {@link BoxDtype}. */
export type BoxArray<D extends BoxDtype> = D extends 'float32' ? Float32Array : Float64Array;

/**
 * A box in R^n: every element lies in `[low[i], high[i]]`. Bounds may be infinite.
 *
 * Sampling follows Gymnasium: uniform on bounded dimensions, a standard normal on unbounded ones and
 * a shifted exponential on half-bounded ones.
 */
export class Box<D extends BoxDtype = 'float32'> extends BaseSpace<BoxArray<D>> {
  /** Lower bounds, one per element. */
  readonly low: Float64Array;
  /** Upper bounds, one per element. */
  readonly high: Float64Array;
  readonly shape: readonly number[];
  readonly flatSize: number;
  /** Element type. */
  readonly dtype: D;

  /**
   * @param low lower bound: one number for every element, or one per element
   * @param high upper bound: one number for every element, or one per element
   * @param shape the element shape (default: the length of `low` or `high` when they are arrays)
   * @param dtype `'float32'` (default) or `'float64'`
   */
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    dtype: D = 'float32' as D,
  ) {
    super();
    const inferred =
      shape ?? (typeof low !== 'number' ? [low.length] : typeof high !== 'number' ? [high.length] : undefined);
    if (!inferred) throw new RangeError('Box: shape is required when low and high are both scalars');
    if (!inferred.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`Box: shape must hold positive integers, got [${inferred.join(', ')}]`);
    }
    if (dtype !== 'float32' && dtype !== 'float64') throw new RangeError(`Box: dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    const size = inferred.reduce((a, b) => a * b, 1);
    const expand = (v: number | ArrayLike<number>, name: string): Float64Array => {
      if (typeof v === 'number') return new Float64Array(size).fill(v);
      if (v.length !== size) throw new RangeError(`Box: ${name} has ${v.length} values but shape [${inferred.join(', ')}] needs ${size}`);
      return Float64Array.from(v);
    };
    this.low = expand(low, 'low');
    this.high = expand(high, 'high');
    for (let i = 0; i < size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi || lo === Infinity || hi === -Infinity) {
        throw new RangeError(`Box: bounds must satisfy low <= high, got low[${i}]=${lo}, high[${i}]=${hi}`);
      }
    }
    this.shape = [...inferred];
    this.flatSize = size;
    this.dtype = dtype;
  }

  private alloc(): BoxArray<D> {
    return (this.dtype === 'float32' ? new Float32Array(this.flatSize) : new Float64Array(this.flatSize)) as BoxArray<D>;
  }

  sample(): BoxArray<D> {
    const out = this.alloc();
    for (let i = 0; i < this.flatSize; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      const loBounded = Number.isFinite(lo);
      const hiBounded = Number.isFinite(hi);
      let v: number;
      if (loBounded && hiBounded) v = this.rng.uniform(lo, hi);
      else if (!loBounded && !hiBounded) v = this.rng.normal();
      else {
        const e = -Math.log(1 - this.rng.random());
        v = loBounded ? lo + e : hi - e;
      }
      out[i] = v;
      // A float32 rounding may step just past a bound: clamp back inside.
      if (out[i]! > hi) out[i] = Math.fround(hi) > hi ? nextDown32(hi) : hi;
      if (out[i]! < lo) out[i] = Math.fround(lo) < lo ? nextUp32(lo) : lo;
    }
    return out;
  }

  contains(x: unknown): x is BoxArray<D> {
    const ok = this.dtype === 'float32' ? x instanceof Float32Array : x instanceof Float64Array;
    if (!ok) return false;
    const a = x as Float32Array | Float64Array;
    if (a.length !== this.flatSize) return false;
    // A float32 box holds float32 numbers, so its bounds are compared as float32 (as Gymnasium casts
    // low and high to the dtype): otherwise Float32Array.from([-1.2]), a value clipped to the bound,
    // falls outside Box(-1.2, …), and Box(0.1, 0.1) cannot contain its own samples.
    const f32 = this.dtype === 'float32';
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      const lo = f32 ? Math.fround(this.low[i]!) : this.low[i]!;
      const hi = f32 ? Math.fround(this.high[i]!) : this.high[i]!;
      if (!(v >= lo && v <= hi)) return false;
    }
    return true;
  }

  flatten(x: BoxArray<D>, out: { [i: number]: number }, offset: number): void {
    for (let i = 0; i < this.flatSize; i++) out[offset + i] = x[i]!;
  }

  unflatten(flat: ArrayLike<number>, offset: number): BoxArray<D> {
    const out = this.alloc();
    for (let i = 0; i < this.flatSize; i++) out[i] = flat[offset + i]!;
    return out;
  }

  override toString(): string {
    // Bounds print at float32 precision for float32 boxes (4.8, not 4.800000190734863).
    const num = (v: number): string => (this.dtype === 'float32' && Number.isFinite(v) ? String(Number(v.toPrecision(7))) : String(v));
    const fmt = (a: Float64Array): string => {
      const first = a[0]!;
      return a.every((v) => v === first) ? num(first) : `[${Array.from(a, num).join(', ')}]`;
    };
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, [${this.shape.join(', ')}], ${this.dtype})`;
  }
}

function nextDown32(x: number): number {
  const f = new Float32Array([x]);
  const i = new Int32Array(f.buffer);
  i[0] = f[0]! > 0 ? i[0]! - 1 : f[0]! < 0 ? i[0]! + 1 : -0x7fffffff;
  return f[0]!;
}
function nextUp32(x: number): number {
  return -nextDown32(-x);
}

/** Vectors of `n` bits, held in a `Uint8Array` of 0s and 1s. */
export class MultiBinary extends BaseSpace<Uint8Array> {
  /** Number of bits. */
  readonly n: number;
  readonly flatSize: number;
  readonly shape: readonly number[];

  /** @param n number of bits, a positive integer */
  constructor(n: number) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`MultiBinary: n must be a positive integer, got ${n}`);
    this.n = n;
    this.flatSize = n;
    this.shape = [n];
  }
  sample(): Uint8Array {
    const out = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.rng.integers(2);
    return out;
  }
  contains(x: unknown): x is Uint8Array {
    if (!(x instanceof Uint8Array) || x.length !== this.n) return false;
    for (let i = 0; i < x.length; i++) if (x[i]! > 1) return false;
    return true;
  }
  flatten(x: Uint8Array, out: { [i: number]: number }, offset: number): void {
    for (let i = 0; i < this.n; i++) out[offset + i] = x[i]!;
  }
  unflatten(flat: ArrayLike<number>, offset: number): Uint8Array {
    const out = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = flat[offset + i]! ? 1 : 0;
    return out;
  }
  override toString(): string {
    return `MultiBinary(${this.n})`;
  }
}

/** Renders a value for an error message: short, and never `[object Object]`. */
export function describeValue(x: unknown): string {
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const arr = Array.from(x as unknown as ArrayLike<number>);
    const head = arr.slice(0, 8).join(', ');
    return `${x.constructor.name} [${head}${arr.length > 8 ? ', …' : ''}]`;
  }
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.slice(0, 8).map(describeValue).join(', ')}${x.length > 8 ? ', …' : ''}]`;
  return String(x);
}
