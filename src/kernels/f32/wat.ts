/**
 * The WebAssembly text of the float32 kernel path: the same loops as `../kernels-wat.ts` (a layer
 * of binary units, a one-unit action head, the REINFORCE update of narrow and one-unit layers, the
 * uniform stream), but in f32x4 lanes (four units or four inputs per operation) with a logistic of
 * its own, instead of float64 lanes that replay the JavaScript loop's operations.
 *
 * - Logistic σ32: x = clamp(−a, ±40) (`f32x4.pmin`/`pmax`, NaN passes through); k =
 *   round(x·log₂e) (ties to even, by adding 1.5·2^23 + 127, whose sum also carries the bits of
 *   2^k); r = (x − k·ln2_hi) − k·ln2_lo, with ln 2 split so that k·ln2_hi is exact
 *   (ln2_hi has 11 significant bits, |k| ≤ 58); e^r by its Taylor polynomial of degree 7 (1/i!
 *   rounded to float32), evaluated by Estrin's scheme so that its dependency chain is four
 *   multiply–adds deep instead of seven; 2^k from its exponent bits; q = 1 / (1 + e^r·2^k), all in
 *   float32. The truncation error of the polynomial is below 5.2e-9 relative on |r| ≤ ln 2 / 2,
 *   under float32's rounding; the measured error against the float64 logistic is bounded in
 *   `test/kernels/f32/index.test.ts` ({@link F32_LOGISTIC_MAX_ABS_ERROR}).
 * - Affine maps: products and sums in float32, each input's product added in input order (the
 *   binary layer), or per row four partial sums over the input quads, combined as (l0 + l2) +
 *   (l1 + l3), then the tail inputs in order, then the bias (the head).
 * - Uniforms: the xoroshiro128+ stream of `Rng.fillUniform32` (k / 2^24 from the low 32 bits of
 *   s0 + s1, shifted right by 8), drawn row by row and unit by unit, so the f32 path draws the same
 *   uniforms as the f64 path; a sample is h = 1[u < p] with p the float32 probability.
 * - Updates: g = (h − p)(R − L̄) per row and unit in float32; every sum (Σg, Σ(h − p)², Σ(h −
 *   p)²R, Σx·g) accumulates in float32 over blocks of {@link F32_UPDATE_BLOCK} rows and the block
 *   sums in float64; each is divided by M in float64 and ΔW, Δb rounded to float32. The relative
 *   error of a sum is thus at most about (B + 4)·2^−24 of the sum of absolute terms.
 *
 * Every lane computes the same operations, whichever lane or tail loop a unit falls in, and a row
 * never depends on another row, so a split of the rows (forward) or units (update) between
 * threads gives the same numbers as one thread. The memory is imported and shared, so several
 * threads can run instances of the module over the same records.
 *
 * `npm run build:wasm` compiles this text (with `wabt`, SIMD and threads enabled) into
 * `./binary.ts`; a test recompiles it and checks that the committed binary is the compiled text.
 *
 * @module
 */

/** |a| beyond which σ32 is evaluated at ±40 (σ(−40) ≈ 4.2e−18; σ(40) rounds to 1 in float32). */
export const F32_CLAMP = 40;
/** Rows per block of float32 accumulation in the updates (block sums are added in float64). */
export const F32_UPDATE_BLOCK = 64;
/** Pages (64 KiB) the shared memory may grow to: 1 GiB. */
export const F32_MAX_PAGES = 16384;
/**
 * The bound on |σ32(a) − σ(a)| over every float32 a, where σ is the exact logistic (float64).
 * The sources are float32 roundings: about four in e^x (polynomial, scaling) and two in
 * 1 / (1 + e^x), each at most 2^−25 relative, so about 6·2^−25 ≈ 1.8e−7 relative, and q ≤ 1; the
 * test measures 8.9e−8 at worst on a grid of 4·10⁶ points and checks every point against this.
 */
export const F32_LOGISTIC_MAX_ABS_ERROR = 1.2e-7;
/** The bound on |σ32(a) − σ(a)| / σ(a) for |a| ≤ 40 (beyond, σ32 is σ(±40)); measured: 2.4e−7. */
export const F32_LOGISTIC_MAX_REL_ERROR = 3e-7;

/** The constants of σ32 as float32 values. */
export const F32_LOGISTIC = (() => {
  const ln2Hi = Math.round(Math.LN2 * 2048) / 2048;
  return {
    clamp: F32_CLAMP,
    log2e: Math.fround(Math.LOG2E),
    ln2Hi: Math.fround(ln2Hi),
    ln2Lo: Math.fround(Math.LN2 - ln2Hi),
    taylor: [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040].map((c) => Math.fround(c)),
  } as const;
})();

/**
 * 1.5·2^23 + 127: y + this, rounded to float32, is round(y) + this for |y| < 2^22, and its bits
 * are 0x4B400000 + round(y) + 127, which shifted left by 23 are the bits of 2^round(y).
 */
const MAGIC = 1.5 * 2 ** 23 + 127;

/**
 * The constant table: every float32 constant the kernels use, in this order, each as four equal
 * lanes at byte {@link F32_CONSTANTS_AT} + 16·index. Kernels load them into locals on entry (a
 * load is cheaper than V8 rebuilding a splat inside every loop); the owner of the memory writes
 * the table before the first call.
 */
export const F32_CONSTANTS: readonly number[] = [
  F32_CLAMP,
  -F32_CLAMP,
  F32_LOGISTIC.log2e,
  F32_LOGISTIC.ln2Hi,
  F32_LOGISTIC.ln2Lo,
  MAGIC,
  1,
  ...F32_LOGISTIC.taylor,
  2 ** -24,
];
/** Byte address of the constant table (bytes 0–15 hold a generator state). */
export const F32_CONSTANTS_AT = 16;
/** The first byte after the constant table. */
export const F32_RESERVED_BYTES = F32_CONSTANTS_AT + 16 * F32_CONSTANTS.length;

const CONST_NAMES = ['clamp', 'nclamp', 'log2e', 'ln2hi', 'ln2lo', 'magic', 'one', 't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 'inv24'] as const;
type ConstName = (typeof CONST_NAMES)[number];

/** A float32 as a WAT literal that reads back as the same float32. */
function lit(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`lit: ${v} is not finite`);
  if (Math.fround(v) !== v) throw new RangeError(`lit: ${v} is not a float32`);
  return Object.is(v, -0) ? '-0' : String(v);
}

const c = (name: ConstName): string => `(local.get $c_${name})`;
const get = (name: string): string => `(local.get ${name})`;
/** Locals for the constants, and their loads from the table (at a function's start). */
const constLocals = CONST_NAMES.map((n) => `(local $c_${n} v128)`).join(' ');
const loadConsts = CONST_NAMES.map((n, i) => `
    (local.set $c_${n} (v128.load offset=${F32_CONSTANTS_AT + 16 * i} (i32.const 0)))`).join('');

/** q${n} = σ32(a) for the four lanes of the v128 expression `a`; locals $x, $tm, $k, $r, $rr with suffix n. */
function logistic(a: string, n: string): string {
  const r = get(`$r${n}`);
  const s = get(`$rr${n}`);
  const lin = (c0: ConstName, c1: ConstName): string => `(f32x4.add ${c(c0)} (f32x4.mul ${r} ${c(c1)}))`;
  // Estrin: (t0 + t1 r) + s(t2 + t3 r) + s²((t4 + t5 r) + s(t6 + t7 r)), s = r².
  const p03 = `(f32x4.add ${lin('t0', 't1')} (f32x4.mul ${s} ${lin('t2', 't3')}))`;
  const p47 = `(f32x4.add ${lin('t4', 't5')} (f32x4.mul ${s} ${lin('t6', 't7')}))`;
  const er = `(f32x4.add ${p03} (f32x4.mul (f32x4.mul ${s} ${s}) ${p47}))`;
  return `
      (local.set $x${n} (f32x4.pmax (f32x4.pmin (f32x4.neg ${a}) ${c('clamp')}) ${c('nclamp')}))
      (local.set $tm${n} (f32x4.add (f32x4.mul (local.get $x${n}) ${c('log2e')}) ${c('magic')}))
      (local.set $k${n} (f32x4.sub (local.get $tm${n}) ${c('magic')}))
      (local.set $r${n} (f32x4.sub (f32x4.sub (local.get $x${n}) (f32x4.mul (local.get $k${n}) ${c('ln2hi')})) (f32x4.mul (local.get $k${n}) ${c('ln2lo')})))
      (local.set $rr${n} (f32x4.mul ${r} ${r}))
      (local.set $q${n} (f32x4.div ${c('one')} (f32x4.add ${c('one')} (f32x4.mul ${er} (i32x4.shl (local.get $tm${n}) (i32.const 23))))))`;
}

const logisticLocals = (n: string): string => ['x', 'tm', 'k', 'r', 'rr', 'q'].map((v) => `(local $${v}${n} v128)`).join(' ');

/** The next xoroshiro128+ uniform k / 2^24 as an f32, from the locals $s0, $s1 (advanced). */
const draw = `(block (result f32)
          (local.set $sum (i64.add (local.get $s0) (local.get $s1)))
          (local.set $t (i64.xor (local.get $s1) (local.get $s0)))
          (local.set $s0 (i64.xor (i64.xor (i64.rotl (local.get $s0) (i64.const 24)) (local.get $t)) (i64.shl (local.get $t) (i64.const 16))))
          (local.set $s1 (i64.rotl (local.get $t) (i64.const 37)))
          (f32.mul (f32.convert_i32_u (i32.shr_u (i32.wrap_i64 (local.get $sum)) (i32.const 8))) (f32.const ${lit(2 ** -24)})))`;
/** The next draw's 24-bit integer k (the uniform is k / 2^24), as an i32. */
const drawBits = `(block (result i32)
          (local.set $sum (i64.add (local.get $s0) (local.get $s1)))
          (local.set $t (i64.xor (local.get $s1) (local.get $s0)))
          (local.set $s0 (i64.xor (i64.xor (i64.rotl (local.get $s0) (i64.const 24)) (local.get $t)) (i64.shl (local.get $t) (i64.const 16))))
          (local.set $s1 (i64.rotl (local.get $t) (i64.const 37)))
          (i32.shr_u (i32.wrap_i64 (local.get $sum)) (i32.const 8)))`;
/**
 * Four draws in lane order (operands evaluate left to right): the integers gathered into one
 * vector, then converted and scaled once (exact, so the same numbers as four scalar draws).
 */
const draw4 = `(f32x4.mul (f32x4.convert_i32x4_s (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat ${drawBits}) ${drawBits}) ${drawBits}) ${drawBits})) ${c('inv24')})`;
const rngLocals = '(local $s0 i64) (local $s1 i64) (local $t i64) (local $sum i64)';
// The state words s01, s00, s11, s10 (as Rng.state() lists them) to and from $s0, $s1.
const loadState = `
    (local.set $s0 (i64.or (i64.shl (i64.load32_u offset=0 (local.get $state)) (i64.const 32)) (i64.load32_u offset=4 (local.get $state))))
    (local.set $s1 (i64.or (i64.shl (i64.load32_u offset=8 (local.get $state)) (i64.const 32)) (i64.load32_u offset=12 (local.get $state))))`;
const storeState = `
    (i32.store offset=0 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s0) (i64.const 32))))
    (i32.store offset=4 (local.get $state) (i32.wrap_i64 (local.get $s0)))
    (i32.store offset=8 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s1) (i64.const 32))))
    (i32.store offset=12 (local.get $state) (i32.wrap_i64 (local.get $s1)))`;

/** h = 1[u < q] as float32 lanes. */
const sample = (u: string, q: string): string => `(v128.and (f32x4.lt ${u} ${q}) ${c('one')})`;

/** Units per block of the binary layer: four quads side by side, whose chains the processor overlaps. */
const BLOCK_QUADS = 4;

/** The binary layer, reading its uniforms from memory or drawing them from the state at $state. */
function binaryLayer(drawU: boolean): string {
  const ids = Array.from({ length: BLOCK_QUADS }, (_, k) => String(k));
  const at = (base: string, off: number): string => `(i32.add (local.get ${base}) (i32.add (local.get $o) (i32.const ${off})))`;
  const u4 = (off: number): string => (drawU ? draw4 : `(v128.load ${at('$u', off)})`);
  // Stores a, p, h of the quad whose pre-activations are in $acc{n}, at byte offset o + off.
  const quadOut = (n: string, off: number): string => `
        (v128.store ${at('$a', off)} (local.get $acc${n}))${logistic(`(local.get $acc${n})`, n)}
        (v128.store ${at('$p', off)} (local.get $q${n}))
        (v128.store ${at('$h', off)} ${sample(u4(off), `(local.get $q${n})`)})`;
  // The inner loop over inputs for quads `ids` starting at unit $j.
  const inputs = (names: string[], label: string): string => `
        (local.set $i (i32.const 0))
        (local.set $wrow (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
        (block $${label}Done (loop $${label}Next
          (br_if $${label}Done (i32.ge_u (local.get $i) (local.get $nIn)))
          (local.set $xi (v128.load32_splat (i32.add (local.get $xrow) (i32.shl (local.get $i) (i32.const 2)))))${names
            .map((n, k) => `
          (local.set $acc${n} (f32x4.add (local.get $acc${n}) (f32x4.mul (local.get $xi) (v128.load offset=${16 * k} (local.get $wrow)))))`)
            .join('')}
          (local.set $wrow (i32.add (local.get $wrow) (local.get $wStride)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $${label}Next)))`;
  const initAcc = (names: string[]): string =>
    names.map((n, k) => `
        (local.set $acc${n} (v128.load offset=${16 * k} (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))`).join('');
  const setO = `
        (local.set $o (i32.shl (i32.add (local.get $rowBase) (local.get $j)) (i32.const 2)))`;
  return `
  ;; A layer of binary units for each row: a = b + Σ_i x_i·W_i (float32, inputs in order), p = σ32(a),
  ;; h = 1[u < p]; blocks of ${BLOCK_QUADS} unit quads, then quads, then single units (the same operations on one lane).
  ;; ${drawU ? 'binary_layer_draw draws u from the xoroshiro128+ state at $state, row by row and unit by unit.' : 'binary_layer reads u from memory.'}
  (func (export "${drawU ? 'binary_layer_draw' : 'binary_layer'}") ${drawU ? '(param $state i32) ' : ''}(param $xs i32) (param $w i32) (param $b i32) (param $u i32) (param $a i32) (param $p i32) (param $h i32)
    (param $rows i32) (param $nIn i32) (param $nOut i32)
    ${logisticLocals('')} ${ids.map(logisticLocals).join(' ')} ${constLocals}
    (local $row i32) (local $j i32) (local $i i32) (local $xrow i32) (local $o i32) (local $wrow i32) (local $wStride i32) (local $rowBase i32)
    (local $blockEnd i32) (local $quadEnd i32) (local $xi v128) (local $acc v128) (local $sa f32) ${ids.map((n) => `(local $acc${n} v128)`).join(' ')}${drawU ? `
    ${rngLocals}${loadState}` : ''}
${loadConsts}
    (local.set $wStride (i32.shl (local.get $nOut) (i32.const 2)))
    (local.set $blockEnd (i32.sub (local.get $nOut) (i32.rem_u (local.get $nOut) (i32.const ${4 * BLOCK_QUADS}))))
    (local.set $quadEnd (i32.sub (local.get $nOut) (i32.rem_u (local.get $nOut) (i32.const 4))))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $xrow (i32.add (local.get $xs) (i32.shl (i32.mul (local.get $row) (local.get $nIn)) (i32.const 2))))
      (local.set $rowBase (i32.mul (local.get $row) (local.get $nOut)))
      (local.set $j (i32.const 0))
      (block $blocksDone (loop $blockNext
        (br_if $blocksDone (i32.ge_u (local.get $j) (local.get $blockEnd)))${initAcc(ids)}${inputs(ids, 'blk')}${setO}${ids.map((n, k) => quadOut(n, 16 * k)).join('')}
        (local.set $j (i32.add (local.get $j) (i32.const ${4 * BLOCK_QUADS})))
        (br $blockNext)))
      (block $quadsDone (loop $quadNext
        (br_if $quadsDone (i32.ge_u (local.get $j) (local.get $quadEnd)))${initAcc([''])}${inputs([''], 'quad')}${setO}${quadOut('', 0)}
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quadNext)))
      (block $unitsDone (loop $unitNext
        (br_if $unitsDone (i32.ge_u (local.get $j) (local.get $nOut)))
        (local.set $sa (f32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $i (i32.const 0))
        (local.set $wrow (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
        (block $unitInDone (loop $unitInNext
          (br_if $unitInDone (i32.ge_u (local.get $i) (local.get $nIn)))
          (local.set $sa (f32.add (local.get $sa) (f32.mul (f32.load (i32.add (local.get $xrow) (i32.shl (local.get $i) (i32.const 2)))) (f32.load (local.get $wrow)))))
          (local.set $wrow (i32.add (local.get $wrow) (local.get $wStride)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $unitInNext)))${setO}
        (f32.store ${at('$a', 0)} (local.get $sa))${logistic('(f32x4.splat (local.get $sa))', '')}
        (f32.store ${at('$p', 0)} (f32x4.extract_lane 0 (local.get $q)))
        (f32.store ${at('$h', 0)} (f32x4.extract_lane 0 ${sample(`(f32x4.splat ${drawU ? draw : `(f32.load ${at('$u', 0)})`})`, '(local.get $q)')}))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $unitNext)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rowNext)))${drawU ? storeState : ''})
`;
}

/** The one-unit layer (an action head), reading u from memory or drawing it. */
function singleLayer(drawU: boolean): string {
  const R = 4; // rows per group
  const rs = Array.from({ length: R }, (_, k) => k);
  // The dot product of row $row + k with W: quads into $acc{k}, then (l0 + l2) + (l1 + l3), the tail inputs in order, then b.
  const dot = (ks: number[]): string => `
      ${ks.map((k) => `(local.set $acc${k} (v128.const i64x2 0 0))`).join(' ')}
      (local.set $i (i32.const 0))
      (block $in${ks.length}Done (loop $in${ks.length}Next
        (br_if $in${ks.length}Done (i32.ge_u (local.get $i) (local.get $quadIn)))
        (local.set $wv (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))${ks
          .map((k) => `
        (local.set $acc${k} (f32x4.add (local.get $acc${k}) (f32x4.mul (v128.load (i32.add (i32.add (local.get $xrow) (i32.mul (local.get $rowBytes) (i32.const ${k}))) (i32.shl (local.get $i) (i32.const 2)))) (local.get $wv))))`)
          .join('')}
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $in${ks.length}Next)))${ks
        .map((k) => `
      (local.set $sum${k} (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc${k})) (f32x4.extract_lane 2 (local.get $acc${k})))
        (f32.add (f32x4.extract_lane 1 (local.get $acc${k})) (f32x4.extract_lane 3 (local.get $acc${k})))))`)
        .join('')}
      (block $tail${ks.length}Done (loop $tail${ks.length}Next
        (br_if $tail${ks.length}Done (i32.ge_u (local.get $i) (local.get $nIn)))
        (local.set $wi (f32.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))${ks
          .map((k) => `
        (local.set $sum${k} (f32.add (local.get $sum${k}) (f32.mul (f32.load (i32.add (i32.add (local.get $xrow) (i32.mul (local.get $rowBytes) (i32.const ${k}))) (i32.shl (local.get $i) (i32.const 2)))) (local.get $wi))))`)
          .join('')}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail${ks.length}Next)))${ks.map((k) => `
      (local.set $sum${k} (f32.add (local.get $bias) (local.get $sum${k})))`).join('')}`;
  const at = (base: string): string => `(i32.add (local.get ${base}) (i32.shl (local.get $row) (i32.const 2)))`;
  const vec = `(f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (local.get $sum0)) (local.get $sum1)) (local.get $sum2)) (local.get $sum3))`;
  return `
  ;; A layer of one binary unit (a Bernoulli head) for each row: a = b + x·W (float32: four partial sums over the
  ;; input quads, (l0 + l2) + (l1 + l3), then the tail inputs in order, then b), p = σ32(a), h = 1[u < p]; four rows
  ;; at a time, then single rows. ${drawU ? 'single_layer_draw draws u from the state at $state, in row order.' : 'single_layer reads u from memory.'}
  (func (export "${drawU ? 'single_layer_draw' : 'single_layer'}") ${drawU ? '(param $state i32) ' : ''}(param $xs i32) (param $w i32) (param $b i32) (param $u i32) (param $a i32) (param $p i32) (param $h i32)
    (param $rows i32) (param $nIn i32)
    ${logisticLocals('')} ${constLocals}
    (local $row i32) (local $i i32) (local $xrow i32) (local $rowBytes i32) (local $quadIn i32) (local $groupEnd i32)
    (local $wv v128) (local $wi f32) (local $bias f32) (local $v v128) ${rs.map((k) => `(local $acc${k} v128) (local $sum${k} f32)`).join(' ')}${drawU ? `
    ${rngLocals}${loadState}` : ''}
${loadConsts}
    (local.set $bias (f32.load (local.get $b)))
    (local.set $rowBytes (i32.shl (local.get $nIn) (i32.const 2)))
    (local.set $quadIn (i32.sub (local.get $nIn) (i32.rem_u (local.get $nIn) (i32.const 4))))
    (local.set $groupEnd (i32.sub (local.get $rows) (i32.rem_u (local.get $rows) (i32.const ${R}))))
    (block $groupsDone (loop $groupNext
      (br_if $groupsDone (i32.ge_u (local.get $row) (local.get $groupEnd)))
      (local.set $xrow (i32.add (local.get $xs) (i32.mul (local.get $row) (local.get $rowBytes))))${dot(rs)}
      (local.set $v ${vec})
      (v128.store ${at('$a')} (local.get $v))${logistic('(local.get $v)', '')}
      (v128.store ${at('$p')} (local.get $q))
      (v128.store ${at('$h')} ${sample(drawU ? draw4 : `(v128.load ${at('$u')})`, '(local.get $q)')})
      (local.set $row (i32.add (local.get $row) (i32.const ${R})))
      (br $groupNext)))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $xrow (i32.add (local.get $xs) (i32.mul (local.get $row) (local.get $rowBytes))))${dot([0])}
      (f32.store ${at('$a')} (local.get $sum0))${logistic('(f32x4.splat (local.get $sum0))', '')}
      (f32.store ${at('$p')} (f32x4.extract_lane 0 (local.get $q)))
      (f32.store ${at('$h')} (f32x4.extract_lane 0 ${sample(`(f32x4.splat ${drawU ? draw : `(f32.load ${at('$u')})`})`, '(local.get $q)')}))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rowNext)))${drawU ? storeState : ''})
`;
}

/** Adds the float32 accumulator at `f32Addr` into the two float64x2 at `f64Addr` and zeroes it. */
const flush = (f32Addr: string, f64Addr: string): string => `
          (local.set $v (v128.load ${f32Addr}))
          (v128.store ${f64Addr} (f64x2.add (v128.load ${f64Addr}) (f64x2.promote_low_f32x4 (local.get $v))))
          (v128.store offset=16 ${f64Addr} (f64x2.add (v128.load offset=16 ${f64Addr}) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
          (v128.store ${f32Addr} (v128.const i64x2 0 0))`;

/** Zeroes `bytes` (a multiple of 16) at `addr`. */
const zero = (addr: string, bytes: string, label: string): string => `
    (local.set $z (i32.const 0))
    (block $${label}Done (loop $${label}Next
      (br_if $${label}Done (i32.ge_u (local.get $z) ${bytes}))
      (v128.store (i32.add ${addr} (local.get $z)) (v128.const i64x2 0 0))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (br $${label}Next)))`;

/**
 * The update of units j0 … j1 − 1 of a layer with `nIn` (1–4) inputs, row by row: per unit quad,
 * seven float32 accumulators (Σg, Σe², Σe²R, Σx_i·g) in scratch memory, flushed into float64 every
 * block of rows. The last quad masks its lanes past j1 (e = 0 there) and those are never stored.
 * Scratch: per quad 7 × 16 bytes of float32, then per quad 7 × 32 bytes of float64, then per quad
 * the baseline and the lane mask (2 × 16 bytes).
 */
function updateFew(nIn: number): string {
  const ACC = 7; // Σg, Σe², Σe²R, Σx_0·g … Σx_3·g
  const accAt = (k: number): string => `(i32.add (local.get $acc) (i32.const ${16 * k}))`;
  const f64At = (k: number): string => `(i32.add (local.get $acc64) (i32.const ${32 * k}))`;
  const add = (k: number, term: string): string => `
          (v128.store ${accAt(k)} (f32x4.add (v128.load ${accAt(k)}) ${term}))`;
  const xs = Array.from({ length: nIn }, (_, i) => i);
  return `
  ;; The REINFORCE update of units j0 … j1 − 1 of a layer with ${nIn} input(s): per row and unit e = h − p,
  ;; g = e(R − L̄); Σg, Σe², Σe²R and Σx_i·g in float32 blocks of ${F32_UPDATE_BLOCK} rows, summed in float64; then each / M.
  ;; dW, db: float32 (nIn × nOut, nOut); e2, e2R: float64 (nOut). scratch: 16-byte aligned, ${ACC * 16 + ACC * 32 + 32} bytes per quad.
  (func (export "update_few_${nIn}") (param $x i32) (param $h i32) (param $p i32) (param $sig i32) (param $base i32) (param $shared i32)
    (param $m i32) (param $nOut i32) (param $j0 i32) (param $j1 i32)
    (param $dW i32) (param $db i32) (param $e2 i32) (param $e2R i32) (param $scratch i32)
    (local $nq i32) (local $q i32) (local $row i32) (local $blockEnd i32) (local $z i32) (local $acc i32) (local $acc64 i32) (local $aux i32)
    (local $f32Base i32) (local $f64Base i32) (local $auxBase i32) (local $hRow i32) (local $j i32) (local $lanes i32) (local $M f64)
    (local $R v128) (local $e v128) (local $g v128) (local $ee v128) (local $v v128) ${xs.map((i) => `(local $x${i} v128)`).join(' ')}
    (local.set $M (f64.convert_i32_u (local.get $m)))
    (local.set $nq (i32.shr_u (i32.add (i32.sub (local.get $j1) (local.get $j0)) (i32.const 3)) (i32.const 2)))
    (local.set $f32Base (local.get $scratch))
    (local.set $f64Base (i32.add (local.get $scratch) (i32.mul (local.get $nq) (i32.const ${ACC * 16}))))
    (local.set $auxBase (i32.add (local.get $f64Base) (i32.mul (local.get $nq) (i32.const ${ACC * 32}))))${zero('(local.get $scratch)', `(i32.mul (local.get $nq) (i32.const ${ACC * 48}))`, 'zero')}
    ;; per quad: the baseline (shared: one value for every unit) and the mask of lanes below j1
    (local.set $q (i32.const 0))
    (block $auxDone (loop $auxNext
      (br_if $auxDone (i32.ge_u (local.get $q) (local.get $nq)))
      (local.set $aux (i32.add (local.get $auxBase) (i32.shl (local.get $q) (i32.const 5))))
      (local.set $j (i32.add (local.get $j0) (i32.shl (local.get $q) (i32.const 2))))
      (v128.store (local.get $aux) (if (result v128) (local.get $shared)
        (then (v128.load32_splat (local.get $base)))
        (else (v128.load (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2)))))))
      (local.set $lanes (i32.sub (local.get $j1) (local.get $j)))
      (v128.store offset=16 (local.get $aux) (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $lanes))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $auxNext)))
    (block $rowsDone (loop $blockNext
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $m)))
      (local.set $blockEnd (i32.add (local.get $row) (i32.const ${F32_UPDATE_BLOCK})))
      (if (i32.gt_u (local.get $blockEnd) (local.get $m)) (then (local.set $blockEnd (local.get $m))))
      (block $blockDone (loop $rowNext
        (br_if $blockDone (i32.ge_u (local.get $row) (local.get $blockEnd)))
        (local.set $R (v128.load32_splat (i32.add (local.get $sig) (i32.shl (local.get $row) (i32.const 2)))))${xs
          .map((i) => `
        (local.set $x${i} (v128.load32_splat (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $row) (i32.const ${nIn})) (i32.const ${i})) (i32.const 2)))))`)
          .join('')}
        (local.set $hRow (i32.shl (i32.add (i32.mul (local.get $row) (local.get $nOut)) (local.get $j0)) (i32.const 2)))
        (local.set $acc (local.get $f32Base))
        (local.set $aux (local.get $auxBase))
        (local.set $q (i32.const 0))
        (block $quadsDone (loop $quadNext
          (br_if $quadsDone (i32.ge_u (local.get $q) (local.get $nq)))
          (local.set $e (v128.and (v128.load offset=16 (local.get $aux))
            (f32x4.sub (v128.load (i32.add (local.get $h) (local.get $hRow))) (v128.load (i32.add (local.get $p) (local.get $hRow))))))
          (local.set $g (f32x4.mul (local.get $e) (f32x4.sub (local.get $R) (v128.load (local.get $aux)))))
          (local.set $ee (f32x4.mul (local.get $e) (local.get $e)))${add(0, '(local.get $g)')}${add(1, '(local.get $ee)')}${add(2, '(f32x4.mul (local.get $ee) (local.get $R))')}${xs
            .map((i) => add(3 + i, `(f32x4.mul (local.get $x${i}) (local.get $g))`))
            .join('')}
          (local.set $hRow (i32.add (local.get $hRow) (i32.const 16)))
          (local.set $acc (i32.add (local.get $acc) (i32.const ${ACC * 16})))
          (local.set $aux (i32.add (local.get $aux) (i32.const 32)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $quadNext)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowNext)))
      ;; the block's float32 sums into float64
      (local.set $acc (local.get $f32Base))
      (local.set $acc64 (local.get $f64Base))
      (local.set $q (i32.const 0))
      (block $flushDone (loop $flushNext
        (br_if $flushDone (i32.ge_u (local.get $q) (local.get $nq)))${[0, 1, 2, ...xs.map((i) => 3 + i)].map((k) => flush(accAt(k), f64At(k))).join('')}
        (local.set $acc (i32.add (local.get $acc) (i32.const ${ACC * 16})))
        (local.set $acc64 (i32.add (local.get $acc64) (i32.const ${ACC * 32})))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $flushNext)))
      (br $blockNext)))
    ;; out, unit by unit: unit j is lane (j − j0) mod 4 of quad (j − j0) / 4
    (local.set $j (local.get $j0))
    (block $outDone (loop $outNext
      (br_if $outDone (i32.ge_u (local.get $j) (local.get $j1)))
      (local.set $acc64 (i32.add (local.get $f64Base) (i32.add
        (i32.mul (i32.shr_u (i32.sub (local.get $j) (local.get $j0)) (i32.const 2)) (i32.const ${ACC * 32}))
        (i32.shl (i32.and (i32.sub (local.get $j) (local.get $j0)) (i32.const 3)) (i32.const 3)))))
      (f32.store (i32.add (local.get $db) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (f64.div (f64.load offset=0 (local.get $acc64)) (local.get $M))))
      (f64.store (i32.add (local.get $e2) (i32.shl (local.get $j) (i32.const 3))) (f64.div (f64.load offset=32 (local.get $acc64)) (local.get $M)))
      (f64.store (i32.add (local.get $e2R) (i32.shl (local.get $j) (i32.const 3))) (f64.div (f64.load offset=64 (local.get $acc64)) (local.get $M)))${xs
        .map((i) => `
      (f32.store (i32.add (local.get $dW) (i32.shl (i32.add (i32.mul (local.get $nOut) (i32.const ${i})) (local.get $j)) (i32.const 2)))
        (f32.demote_f64 (f64.div (f64.load offset=${32 * (3 + i)} (local.get $acc64)) (local.get $M))))`)
        .join('')}
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $outNext))))
`;
}

/** The update of a one-unit layer (an action head). */
const updateSingle = `
  ;; The REINFORCE update of a one-unit layer: per row e = h − p, g = e(R − L̄) in float32; Σg, Σe², Σe²R in
  ;; float64; Σx_i·g over the input quads in float32 blocks of ${F32_UPDATE_BLOCK} rows, summed in float64 (lanes past
  ;; nIn read the next numbers in memory and are never stored). dW: nIn float32; out: Δb, mean e², mean e²R as
  ;; float64. scratch: 16-byte aligned, 48 bytes per input quad.
  (func (export "update_single") (param $x i32) (param $h i32) (param $p i32) (param $sig i32) (param $base i32)
    (param $m i32) (param $nIn i32) (param $scratch i32) (param $dW i32) (param $out i32)
    (local $nq i32) (local $row i32) (local $blockEnd i32) (local $z i32) (local $acc i32) (local $acc64 i32) (local $xo i32) (local $i i32)
    (local $f64Base i32) (local $end i32) (local $rowBytes i32) (local $M f64) (local $b f32) (local $R f32) (local $e f32) (local $gs f32) (local $ees f32)
    (local $sdb f64) (local $se2 f64) (local $se2R f64) (local $g v128) (local $v v128)
    (local.set $M (f64.convert_i32_u (local.get $m)))
    (local.set $b (f32.load (local.get $base)))
    (local.set $nq (i32.shr_u (i32.add (local.get $nIn) (i32.const 3)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $nIn) (i32.const 2)))
    (local.set $f64Base (i32.add (local.get $scratch) (i32.shl (local.get $nq) (i32.const 4))))
    (local.set $end (i32.add (local.get $scratch) (i32.shl (local.get $nq) (i32.const 4))))${zero('(local.get $scratch)', '(i32.mul (local.get $nq) (i32.const 48))', 'zero')}
    (local.set $xo (local.get $x))
    (block $rowsDone (loop $blockNext
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $m)))
      (local.set $blockEnd (i32.add (local.get $row) (i32.const ${F32_UPDATE_BLOCK})))
      (if (i32.gt_u (local.get $blockEnd) (local.get $m)) (then (local.set $blockEnd (local.get $m))))
      (block $blockDone (loop $rowNext
        (br_if $blockDone (i32.ge_u (local.get $row) (local.get $blockEnd)))
        (local.set $R (f32.load (i32.add (local.get $sig) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $e (f32.sub (f32.load (i32.add (local.get $h) (i32.shl (local.get $row) (i32.const 2)))) (f32.load (i32.add (local.get $p) (i32.shl (local.get $row) (i32.const 2))))))
        (local.set $gs (f32.mul (local.get $e) (f32.sub (local.get $R) (local.get $b))))
        (local.set $ees (f32.mul (local.get $e) (local.get $e)))
        (local.set $sdb (f64.add (local.get $sdb) (f64.promote_f32 (local.get $gs))))
        (local.set $se2 (f64.add (local.get $se2) (f64.promote_f32 (local.get $ees))))
        (local.set $se2R (f64.add (local.get $se2R) (f64.promote_f32 (f32.mul (local.get $ees) (local.get $R)))))
        (local.set $g (f32x4.splat (local.get $gs)))
        (local.set $acc (local.get $scratch))
        (local.set $i (local.get $xo))
        (block $inDone (loop $inNext
          (br_if $inDone (i32.ge_u (local.get $acc) (local.get $end)))
          (v128.store (local.get $acc) (f32x4.add (v128.load (local.get $acc)) (f32x4.mul (v128.load (local.get $i)) (local.get $g))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $inNext)))
        (local.set $xo (i32.add (local.get $xo) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowNext)))
      (local.set $acc (local.get $scratch))
      (local.set $acc64 (local.get $f64Base))
      (block $flushDone (loop $flushNext
        (br_if $flushDone (i32.ge_u (local.get $acc) (local.get $end)))${flush('(local.get $acc)', '(local.get $acc64)')}
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $acc64 (i32.add (local.get $acc64) (i32.const 32)))
        (br $flushNext)))
      (br $blockNext)))
    (local.set $i (i32.const 0))
    (block $wDone (loop $wNext
      (br_if $wDone (i32.ge_u (local.get $i) (local.get $nIn)))
      (f32.store (i32.add (local.get $dW) (i32.shl (local.get $i) (i32.const 2)))
        (f32.demote_f64 (f64.div (f64.load (i32.add (local.get $f64Base) (i32.shl (local.get $i) (i32.const 3)))) (local.get $M))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $wNext)))
    (f64.store offset=0 (local.get $out) (f64.div (local.get $sdb) (local.get $M)))
    (f64.store offset=8 (local.get $out) (f64.div (local.get $se2) (local.get $M)))
    (f64.store offset=16 (local.get $out) (f64.div (local.get $se2R) (local.get $M))))
`;

/** The module's text. */
export function f32KernelsWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${F32_MAX_PAGES} shared))
  ;; q = σ32(a) for n float32 values: quads, then single values on one lane.
  (func (export "logistic") (param $a i32) (param $out i32) (param $n i32)
    ${logisticLocals('')} ${constLocals} (local $end i32) (local $quadEnd i32)${loadConsts}
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $quadEnd (i32.sub (local.get $end) (i32.shl (i32.rem_u (local.get $n) (i32.const 4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $a) (local.get $quadEnd)))${logistic('(v128.load (local.get $a))', '')}
      (v128.store (local.get $out) (local.get $q))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next)))
    (block $tailDone (loop $tailNext
      (br_if $tailDone (i32.ge_u (local.get $a) (local.get $end)))${logistic('(v128.load32_splat (local.get $a))', '')}
      (f32.store (local.get $out) (f32x4.extract_lane 0 (local.get $q)))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $tailNext))))
  ;; xoroshiro128+ (24, 16, 37): n float32 uniforms (low 32 bits of s0 + s1) >>> 8, times 2^-24.
  (func (export "fill_uniform32") (param $state i32) (param $out i32) (param $n i32)
    ${rngLocals} (local $end i32)${loadState}
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (f32.store (local.get $out) ${draw})
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $next)))${storeState})
${binaryLayer(false)}${binaryLayer(true)}${singleLayer(false)}${singleLayer(true)}${[1, 2, 3, 4].map(updateFew).join('')}${updateSingle})
`;
}
