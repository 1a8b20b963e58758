/**
 * The WebAssembly text of rewardcast's two hottest loops, generated from the constants of the
 * JavaScript versions so that both compute the same numbers:
 *
 * - `sample_binary(a, p, h, u, n)`: binary units, p = σ(a) and h = 1[u < p] for n float32 values
 *   (n even), two at a time in f64x2 lanes. Each lane runs exactly the operations of
 *   `agents/sigmoid.ts` in double precision: x = clamp(−a, ±40) (pmin and pmax are the JavaScript
 *   comparisons `40 < x ? 40 : x`, NaN and −0 included); k = round(x·log₂e) with JavaScript's
 *   rounding (halves up: floor, plus one where the remainder is ≥ ½); r = x − k·ln2_hi − k·ln2_lo;
 *   e^r by the same Horner scheme; 2^k built from its exponent bits (k + 2^52 + 1023 holds
 *   k + 1023 in its low mantissa bits, shifted into the exponent: exact, as the table); q =
 *   1 / (1 + e^r·2^k). p is q rounded to float32, as a Float32Array store rounds it.
 * - `binary_layer(x, W, b, u, a, p, h, rows, nIn, nOut)`: a whole layer of binary units, the
 *   affine map a = x·W + b (each product added in float64 and rounded to float32 after each input,
 *   as the JavaScript loop over a Float32Array does) and the sampler above, two units at a time.
 * - `single_layer(x, W, b, u, a, p, h, rows, nIn)`: a layer of one binary unit (a Bernoulli action
 *   head): the affine sum in float64 over the inputs in order, rounded to float32 once, as the
 *   JavaScript loop for narrow layers does, then the sampler; two rows per lane pair.
 * - `update_few(…)` and `update_single(…)`: `reinforceUpdate` for layers of at most 4 inputs (two
 *   units per step) and for one-unit layers (two inputs per step), each lane running the
 *   JavaScript loop's float64 operations in its order.
 * - `logistic(a, q, n)`: the same q as float64, for the tests that compare it with `sigmoid`.
 * - `fill_uniform32(state, out, n)`: pure-rand's xoroshiro128+ (state words s01, s00, s11, s10 as
 *   `Rng.state()` lists them) and the k / 2^24 conversion of `Rng.fillUniform32`, in 64-bit
 *   integer arithmetic; the state is updated in place.
 *
 * `npm run build:wasm` compiles this text (with the `wabt` package) into `./kernels-binary.ts`; a
 * test recompiles it and checks that the committed binary is the compiled text.
 *
 * @module
 */
import { SIGMOID_CONSTANTS } from './sigmoid-constants.js';

/** A double as a WAT literal that reads back as the same double. */
function lit(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`lit: ${v} is not finite`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The splat of a double into both lanes. */
const splat = (v: number): string => `(f64x2.splat (f64.const ${lit(v)}))`;

/** The module's text. */
export function kernelsWat(): string {
  const c = SIGMOID_CONSTANTS;
  const t = c.taylor;
  // Horner from the highest coefficient: t8, then t_i + r·(…), as `sigmoid` nests it. Locals carry
  // a suffix so that several independent copies can run side by side.
  const horner = (r: string): string => {
    let e = splat(t[8]);
    for (let i = 7; i >= 0; i--) e = `(f64x2.add ${splat(t[i]!)} (f64x2.mul (local.get ${r}) ${e}))`;
    return e;
  };
  const logistic = (a: string, n = ''): string => `
      (local.set $x${n} (f64x2.pmax (f64x2.pmin (f64x2.neg ${a}) ${splat(c.clamp)}) ${splat(-c.clamp)}))
      (local.set $y${n} (f64x2.mul (local.get $x${n}) ${splat(c.log2e)}))
      (local.set $k${n} (f64x2.floor (local.get $y${n})))
      (local.set $k${n} (f64x2.add (local.get $k${n}) (v128.and (f64x2.ge (f64x2.sub (local.get $y${n}) (local.get $k${n})) ${splat(0.5)}) ${splat(1)})))
      (local.set $r${n} (f64x2.sub (f64x2.sub (local.get $x${n}) (f64x2.mul (local.get $k${n}) ${splat(c.ln2Hi)})) (f64x2.mul (local.get $k${n}) ${splat(c.ln2Lo)})))
      (local.set $q${n} (f64x2.div ${splat(1)} (f64x2.add ${splat(1)} (f64x2.mul ${horner(`$r${n}`)}
        (i64x2.shl (f64x2.add (local.get $k${n}) ${splat(2 ** 52 + 1023)}) (i32.const 52))))))`;
  const sigmoidLocals = (n: string): string => ['x', 'y', 'k', 'r', 'q'].map((v) => `(local $${v}${n} v128)`).join(' ');
  // binary_layer runs BLOCK unit pairs side by side: each pair's affine sum and logistic are chains
  // of dependent operations, and independent chains let the processor overlap them.
  const BLOCK = 4;
  const blockIds = Array.from({ length: BLOCK }, (_, k) => String(k));
  // xoroshiro128+ (24, 16, 37) on the locals $s0, $s1: the next uniform k / 2^24 as a double.
  const draw = `(block (result f64)
          (local.set $sum (i64.add (local.get $s0) (local.get $s1)))
          (local.set $t (i64.xor (local.get $s1) (local.get $s0)))
          (local.set $s0 (i64.xor (i64.xor (i64.rotl (local.get $s0) (i64.const 24)) (local.get $t)) (i64.shl (local.get $t) (i64.const 16))))
          (local.set $s1 (i64.rotl (local.get $t) (i64.const 37)))
          (f64.promote_f32 (f32.mul (f32.convert_i32_u (i32.shr_u (i32.wrap_i64 (local.get $sum)) (i32.const 8))) (f32.const ${lit(2 ** -24)}))))`;
  // The state words s01, s00, s11, s10 (as Rng.state() lists them) to and from $s0, $s1.
  const loadState = `
    (local.set $s0 (i64.or (i64.shl (i64.load32_u offset=0 (local.get $state)) (i64.const 32)) (i64.load32_u offset=4 (local.get $state))))
    (local.set $s1 (i64.or (i64.shl (i64.load32_u offset=8 (local.get $state)) (i64.const 32)) (i64.load32_u offset=12 (local.get $state))))`;
  const storeState = `
    (i32.store offset=0 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s0) (i64.const 32))))
    (i32.store offset=4 (local.get $state) (i32.wrap_i64 (local.get $s0)))
    (i32.store offset=8 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s1) (i64.const 32))))
    (i32.store offset=12 (local.get $state) (i32.wrap_i64 (local.get $s1)))`;
  // a, then p = σ(a) and h = 1[u < p] of the pair at byte offset o + off; u read, or drawn in order.
  const pairOut = (n: string, off: number, drawU = false): string => `
        (v128.store64_lane 0 (i32.add (local.get $a) (i32.add (local.get $o) (i32.const ${off}))) (f32x4.demote_f64x2_zero (local.get $acc${n})))${logistic(`(local.get $acc${n})`, n)}
        (v128.store64_lane 0 (i32.add (local.get $p) (i32.add (local.get $o) (i32.const ${off}))) (f32x4.demote_f64x2_zero (local.get $q${n})))
        (v128.store64_lane 0 (i32.add (local.get $h) (i32.add (local.get $o) (i32.const ${off}))) (f32x4.demote_f64x2_zero
          (v128.and (f64x2.lt ${drawU ? `(f64x2.replace_lane 1 (f64x2.splat ${draw}) ${draw})` : `(f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $u) (i32.add (local.get $o) (i32.const ${off})))))`} (local.get $q${n})) ${splat(1)})))`;
  // p and h of the pair of values at byte offset o + off.
  const at = (base: string, off: number): string => `(i32.add (local.get ${base}) (i32.add (local.get $o) (i32.const ${off})))`;
  const sampleAt = (n: string, off: number): string => `${logistic(`(f64x2.promote_low_f32x4 (v128.load64_zero ${at('$a', off)}))`, n)}
      (v128.store64_lane 0 ${at('$p', off)} (f32x4.demote_f64x2_zero (local.get $q${n})))
      (v128.store64_lane 0 ${at('$h', off)} (f32x4.demote_f64x2_zero
        (v128.and (f64x2.lt (f64x2.promote_low_f32x4 (v128.load64_zero ${at('$u', off)})) (local.get $q${n})) ${splat(1)})))`;
  // The binary layer, reading its uniforms from memory or drawing them from the generator's state.
  const binaryLayer = (drawU: boolean): string => `
  ;; A layer of binary units for each row: a = x·W + b (each product added in float64 and rounded
  ;; to float32, as a Float32Array accumulator rounds it), then p = σ(a), h = 1[u < p]. nOut even.
  ;; ${drawU ? 'binary_layer_draw draws each u from the xoroshiro128+ state at $state as it goes, row by row and unit by unit, the order fill_uniform32 fills them in.' : 'binary_layer reads u from memory.'}
  (func (export "${drawU ? 'binary_layer_draw' : 'binary_layer'}") ${drawU ? '(param $state i32) ' : ''}(param $xs i32) (param $w i32) (param $b i32) (param $u i32) (param $a i32) (param $p i32) (param $h i32)
    (param $rows i32) (param $nIn i32) (param $nOut i32)
    ${sigmoidLocals('')} ${blockIds.map(sigmoidLocals).join(' ')}
    (local $row i32) (local $j i32) (local $i i32) (local $xrow i32) (local $o i32) (local $wrow i32) (local $blockEnd i32) (local $xi v128)
    (local $acc v128) ${blockIds.map((n) => `(local $acc${n} v128)`).join(' ')}${drawU ? `
    (local $s0 i64) (local $s1 i64) (local $t i64) (local $sum i64)${loadState}` : ''}
    (local.set $blockEnd (i32.sub (local.get $nOut) (i32.rem_u (local.get $nOut) (i32.const ${2 * BLOCK}))))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $xrow (i32.add (local.get $xs) (i32.shl (i32.mul (local.get $row) (local.get $nIn)) (i32.const 2))))
      (local.set $j (i32.const 0))
      ;; blocks of ${BLOCK} unit pairs
      (block $blocksDone (loop $blockNext
        (br_if $blocksDone (i32.ge_u (local.get $j) (local.get $blockEnd)))
        ${blockIds.map((n, k) => `(local.set $acc${n} (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (i32.shl (i32.add (local.get $j) (i32.const ${2 * k})) (i32.const 2))))))`).join('\n        ')}
        (local.set $i (i32.const 0))
        (block $inDone (loop $inNext
          (br_if $inDone (i32.ge_u (local.get $i) (local.get $nIn)))
          (local.set $xi (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $xrow) (i32.shl (local.get $i) (i32.const 2)))))))
          (local.set $wrow (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $nOut)) (local.get $j)) (i32.const 2))))${blockIds.map((n, k) => accStep(n, 8 * k)).join('')}
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $inNext)))
        (local.set $o (i32.shl (i32.add (i32.mul (local.get $row) (local.get $nOut)) (local.get $j)) (i32.const 2)))${blockIds.map((n, k) => pairOut(n, 8 * k, drawU)).join('')}
        (local.set $j (i32.add (local.get $j) (i32.const ${2 * BLOCK})))
        (br $blockNext)))
      ;; the remaining pairs, one at a time
      (block $unitsDone (loop $unitNext
        (br_if $unitsDone (i32.ge_u (local.get $j) (local.get $nOut)))
        (local.set $acc (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $i (i32.const 0))
        (block $inDone1 (loop $inNext1
          (br_if $inDone1 (i32.ge_u (local.get $i) (local.get $nIn)))
          (local.set $xi (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $xrow) (i32.shl (local.get $i) (i32.const 2)))))))
          (local.set $wrow (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $nOut)) (local.get $j)) (i32.const 2))))${accStep('', 0)}
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $inNext1)))
        (local.set $o (i32.shl (i32.add (i32.mul (local.get $row) (local.get $nOut)) (local.get $j)) (i32.const 2)))${pairOut('', 0, drawU)}
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $unitNext)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rowNext)))${drawU ? storeState : ''})
`;
  // acc += (x of rows row + k and row + k + 1, input i) · W_i, in float64 (the narrow affine sum).
  const rowPairStep = (n: string, k: number): string => `
        (local.set $acc${n} (f64x2.add (local.get $acc${n}) (f64x2.mul (local.get $wi)
          (f64x2.replace_lane 1 (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $xo) (i32.mul (local.get $rowBytes) (i32.const ${k}))))))
            (f64.promote_f32 (f32.load (i32.add (local.get $xo) (i32.mul (local.get $rowBytes) (i32.const ${k + 1})))))))))`;
  const accStep = (n: string, off: number): string => `
            (local.set $acc${n} (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (local.get $acc${n}) (f64x2.mul (local.get $xi)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $wrow) (i32.const ${off})))))))))`;
  const loadA = '(f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a)))';
  return `(module
  (memory (export "memory") 1)
  ;; p = σ(a), h = 1[u < p] for n (even) float32 values: blocks of ${BLOCK} pairs, then pairs.
  (func (export "sample_binary") (param $a i32) (param $p i32) (param $h i32) (param $u i32) (param $n i32)
    ${sigmoidLocals('')} ${blockIds.map(sigmoidLocals).join(' ')}
    (local $o i32) (local $end i32) (local $blockEnd i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $blockEnd (i32.shl (i32.sub (local.get $n) (i32.rem_u (local.get $n) (i32.const ${2 * BLOCK}))) (i32.const 2)))
    (block $blocksDone (loop $blockNext
      (br_if $blocksDone (i32.ge_u (local.get $o) (local.get $blockEnd)))${blockIds.map((n, k) => sampleAt(n, 8 * k)).join('')}
      (local.set $o (i32.add (local.get $o) (i32.const ${8 * BLOCK})))
      (br $blockNext)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))${sampleAt('', 0)}
      (local.set $o (i32.add (local.get $o) (i32.const 8)))
      (br $next))))
${binaryLayer(false)}${binaryLayer(true)}  ;; A layer of one binary unit (an action head) for rows r0 … (rows even): per row the sum
  ;; b + Σ x_i·W_i in float64 over the inputs in order, rounded to float32 as a; then p = σ(a) and
  ;; h = 1[u < p]. Two rows per lane pair, blocks of ${BLOCK} pairs.
  (func (export "single_layer") (param $xs i32) (param $w i32) (param $b i32) (param $u i32) (param $a i32) (param $p i32) (param $h i32)
    (param $rows i32) (param $nIn i32)
    ${sigmoidLocals('')} ${blockIds.map(sigmoidLocals).join(' ')}
    (local $row i32) (local $i i32) (local $o i32) (local $blockEnd i32) (local $wi v128) (local $rowBytes i32) (local $xo i32)
    (local $acc v128) ${blockIds.map((n) => `(local $acc${n} v128)`).join(' ')}
    (local.set $rowBytes (i32.shl (local.get $nIn) (i32.const 2)))
    (local.set $blockEnd (i32.sub (local.get $rows) (i32.rem_u (local.get $rows) (i32.const ${2 * BLOCK}))))
    (block $blocksDone (loop $blockNext
      (br_if $blocksDone (i32.ge_u (local.get $row) (local.get $blockEnd)))
      ${blockIds.map((n) => `(local.set $acc${n} (f64x2.splat (f64.promote_f32 (f32.load (local.get $b)))))`).join('\n      ')}
      (local.set $xo (i32.add (local.get $xs) (i32.mul (local.get $row) (local.get $rowBytes))))
      (local.set $i (i32.const 0))
      (block $inDone (loop $inNext
        (br_if $inDone (i32.ge_u (local.get $i) (local.get $nIn)))
        (local.set $wi (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))))${blockIds.map((n, k) => rowPairStep(n, 2 * k)).join('')}
        (local.set $xo (i32.add (local.get $xo) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $inNext)))
      ${blockIds.map((n) => `(local.set $acc${n} (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $acc${n}))))`).join('\n      ')}
      (local.set $o (i32.shl (local.get $row) (i32.const 2)))${blockIds.map((n, k) => pairOut(n, 8 * k)).join('')}
      (local.set $row (i32.add (local.get $row) (i32.const ${2 * BLOCK})))
      (br $blockNext)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $acc (f64x2.splat (f64.promote_f32 (f32.load (local.get $b)))))
      (local.set $xo (i32.add (local.get $xs) (i32.mul (local.get $row) (local.get $rowBytes))))
      (local.set $i (i32.const 0))
      (block $inDone1 (loop $inNext1
        (br_if $inDone1 (i32.ge_u (local.get $i) (local.get $nIn)))
        (local.set $wi (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))))${rowPairStep('', 0)}
        (local.set $xo (i32.add (local.get $xo) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $inNext1)))
      (local.set $acc (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $acc))))
      (local.set $o (i32.shl (local.get $row) (i32.const 2)))${pairOut('', 0)}
      (local.set $row (i32.add (local.get $row) (i32.const 2)))
      (br $next))))
  ;; The REINFORCE update of units j0 … j1 − 1 (an even count) of a layer of at most 4 inputs, two
  ;; units at a time: per unit, over the rows in order, g = (h − p)(R − L̄), Σg, Σ(h − p)²,
  ;; Σ(h − p)²R and Σx·g in float64; then each divided by M (ΔW and Δb rounded to float32).
  (func (export "update_few") (param $x i32) (param $h i32) (param $p i32) (param $sig i32) (param $base i32) (param $shared i32)
    (param $m i32) (param $nIn i32) (param $nOut i32) (param $j0 i32) (param $j1 i32)
    (param $dW i32) (param $db i32) (param $e2 i32) (param $e2R i32)
    (local $j i32) (local $row i32) (local $o i32) (local $xo i32) (local $bj v128) (local $R v128) (local $e v128) (local $g v128) (local $ee v128)
    (local $sdb v128) (local $se2 v128) (local $se2R v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $M v128)
    (local.set $M (f64x2.splat (f64.convert_i32_u (local.get $m))))
    (local.set $j (local.get $j0))
    (block $unitsDone (loop $unitNext
      (br_if $unitsDone (i32.ge_u (local.get $j) (local.get $j1)))
      (local.set $bj (if (result v128) (local.get $shared)
        (then (f64x2.splat (f64.promote_f32 (f32.load (local.get $base)))))
        (else (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2))))))))
      (local.set $sdb (v128.const i64x2 0 0)) (local.set $se2 (v128.const i64x2 0 0)) (local.set $se2R (v128.const i64x2 0 0))
      (local.set $w0 (v128.const i64x2 0 0)) (local.set $w1 (v128.const i64x2 0 0)) (local.set $w2 (v128.const i64x2 0 0)) (local.set $w3 (v128.const i64x2 0 0))
      (local.set $row (i32.const 0))
      (local.set $o (i32.shl (local.get $j) (i32.const 2)))
      (local.set $xo (local.get $x))
      (block $rowsDone (loop $rowNext
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $m)))
        (local.set $R (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $sig) (i32.shl (local.get $row) (i32.const 2)))))))
        (local.set $e (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $h) (local.get $o))))
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (local.get $o))))))
        (local.set $g (f64x2.mul (local.get $e) (f64x2.sub (local.get $R) (local.get $bj))))
        (local.set $sdb (f64x2.add (local.get $sdb) (local.get $g)))
        (local.set $ee (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $se2 (f64x2.add (local.get $se2) (local.get $ee)))
        (local.set $se2R (f64x2.add (local.get $se2R) (f64x2.mul (local.get $ee) (local.get $R))))
        (local.set $w0 (f64x2.add (local.get $w0) (f64x2.mul (f64x2.splat (f64.promote_f32 (f32.load (local.get $xo)))) (local.get $g))))
        (if (i32.gt_u (local.get $nIn) (i32.const 1)) (then
          (local.set $w1 (f64x2.add (local.get $w1) (f64x2.mul (f64x2.splat (f64.promote_f32 (f32.load offset=4 (local.get $xo)))) (local.get $g))))))
        (if (i32.gt_u (local.get $nIn) (i32.const 2)) (then
          (local.set $w2 (f64x2.add (local.get $w2) (f64x2.mul (f64x2.splat (f64.promote_f32 (f32.load offset=8 (local.get $xo)))) (local.get $g))))))
        (if (i32.gt_u (local.get $nIn) (i32.const 3)) (then
          (local.set $w3 (f64x2.add (local.get $w3) (f64x2.mul (f64x2.splat (f64.promote_f32 (f32.load offset=12 (local.get $xo)))) (local.get $g))))))
        (local.set $xo (i32.add (local.get $xo) (i32.shl (local.get $nIn) (i32.const 2))))
        (local.set $o (i32.add (local.get $o) (i32.shl (local.get $nOut) (i32.const 2))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowNext)))
      (local.set $o (i32.shl (local.get $j) (i32.const 2)))
      (v128.store64_lane 0 (i32.add (local.get $dW) (local.get $o)) (f32x4.demote_f64x2_zero (f64x2.div (local.get $w0) (local.get $M))))
      (if (i32.gt_u (local.get $nIn) (i32.const 1)) (then
        (v128.store64_lane 0 (i32.add (local.get $dW) (i32.add (local.get $o) (i32.shl (local.get $nOut) (i32.const 2)))) (f32x4.demote_f64x2_zero (f64x2.div (local.get $w1) (local.get $M))))))
      (if (i32.gt_u (local.get $nIn) (i32.const 2)) (then
        (v128.store64_lane 0 (i32.add (local.get $dW) (i32.add (local.get $o) (i32.shl (local.get $nOut) (i32.const 3)))) (f32x4.demote_f64x2_zero (f64x2.div (local.get $w2) (local.get $M))))))
      (if (i32.gt_u (local.get $nIn) (i32.const 3)) (then
        (v128.store64_lane 0 (i32.add (local.get $dW) (i32.add (local.get $o) (i32.mul (local.get $nOut) (i32.const 12)))) (f32x4.demote_f64x2_zero (f64x2.div (local.get $w3) (local.get $M))))))
      (v128.store64_lane 0 (i32.add (local.get $db) (local.get $o)) (f32x4.demote_f64x2_zero (f64x2.div (local.get $sdb) (local.get $M))))
      (v128.store (i32.add (local.get $e2) (i32.shl (local.get $j) (i32.const 3))) (f64x2.div (local.get $se2) (local.get $M)))
      (v128.store (i32.add (local.get $e2R) (i32.shl (local.get $j) (i32.const 3))) (f64x2.div (local.get $se2R) (local.get $M)))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br $unitNext))))
  ;; The REINFORCE update of a layer with one unit (an action head): per row, g = (h − p)(R − L̄)
  ;; and its moments in float64, and Σx·g for every input, two inputs at a time (nIn rounded up to
  ;; even; the extra lane reads past the row and is dropped). acc: nIn + 1 float64 scratch.
  (func (export "update_single") (param $x i32) (param $h i32) (param $p i32) (param $sig i32) (param $base i32)
    (param $m i32) (param $nIn i32) (param $acc i32) (param $dW i32) (param $out i32)
    (local $row i32) (local $i i32) (local $xo i32) (local $b f64) (local $R f64) (local $e f64) (local $g f64) (local $ee f64)
    (local $sdb f64) (local $se2 f64) (local $se2R f64) (local $gg v128) (local $a i32) (local $M f64)
    (local.set $M (f64.convert_i32_u (local.get $m)))
    (local.set $b (f64.promote_f32 (f32.load (local.get $base))))
    (local.set $i (i32.const 0))
    (block $z (loop $zn
      (br_if $z (i32.ge_u (local.get $i) (local.get $nIn)))
      (v128.store (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 3))) (v128.const i64x2 0 0))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $zn)))
    (local.set $xo (local.get $x))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $m)))
      (local.set $R (f64.promote_f32 (f32.load (i32.add (local.get $sig) (i32.shl (local.get $row) (i32.const 2))))))
      (local.set $e (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $h) (i32.shl (local.get $row) (i32.const 2)))))
        (f64.promote_f32 (f32.load (i32.add (local.get $p) (i32.shl (local.get $row) (i32.const 2)))))))
      (local.set $g (f64.mul (local.get $e) (f64.sub (local.get $R) (local.get $b))))
      (local.set $sdb (f64.add (local.get $sdb) (local.get $g)))
      (local.set $ee (f64.mul (local.get $e) (local.get $e)))
      (local.set $se2 (f64.add (local.get $se2) (local.get $ee)))
      (local.set $se2R (f64.add (local.get $se2R) (f64.mul (local.get $ee) (local.get $R))))
      (local.set $gg (f64x2.splat (local.get $g)))
      (local.set $i (i32.const 0))
      (local.set $a (local.get $acc))
      (block $inDone (loop $inNext
        (br_if $inDone (i32.ge_u (local.get $i) (local.get $nIn)))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a))
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $xo) (i32.shl (local.get $i) (i32.const 2))))) (local.get $gg))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $inNext)))
      (local.set $xo (i32.add (local.get $xo) (i32.shl (local.get $nIn) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rowNext)))
    (local.set $i (i32.const 0))
    (block $wDone (loop $wNext
      (br_if $wDone (i32.ge_u (local.get $i) (local.get $nIn)))
      (f32.store (i32.add (local.get $dW) (i32.shl (local.get $i) (i32.const 2)))
        (f32.demote_f64 (f64.div (f64.load (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 3)))) (local.get $M))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $wNext)))
    ;; out: Δb (float64 before rounding), mean (h − p)², mean (h − p)²R
    (f64.store offset=0 (local.get $out) (f64.div (local.get $sdb) (local.get $M)))
    (f64.store offset=8 (local.get $out) (f64.div (local.get $se2) (local.get $M)))
    (f64.store offset=16 (local.get $out) (f64.div (local.get $se2R) (local.get $M))))
  ;; q = σ(a) as float64, for n (even) float32 values.
  (func (export "logistic") (param $a i32) (param $out i32) (param $n i32)
    (local $x v128) (local $y v128) (local $k v128) (local $r v128) (local $q v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))${logistic(loadA)}
      (v128.store (local.get $out) (local.get $q))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))
  ;; xoroshiro128+ (24, 16, 37): n float32 uniforms (low 32 bits of s0 + s1) >>> 8, times 2^-24.
  (func (export "fill_uniform32") (param $state i32) (param $out i32) (param $n i32)
    (local $s0 i64) (local $s1 i64) (local $t i64) (local $end i32)
    ;; state words: s01 (high of s0), s00 (low of s0), s11, s10
    (local.set $s0 (i64.or (i64.shl (i64.load32_u offset=0 (local.get $state)) (i64.const 32)) (i64.load32_u offset=4 (local.get $state))))
    (local.set $s1 (i64.or (i64.shl (i64.load32_u offset=8 (local.get $state)) (i64.const 32)) (i64.load32_u offset=12 (local.get $state))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (f32.store (local.get $out) (f32.mul
        (f32.convert_i32_u (i32.shr_u (i32.wrap_i64 (i64.add (local.get $s0) (local.get $s1))) (i32.const 8)))
        (f32.const ${lit(2 ** -24)})))
      (local.set $t (i64.xor (local.get $s1) (local.get $s0)))
      (local.set $s0 (i64.xor (i64.xor (i64.rotl (local.get $s0) (i64.const 24)) (local.get $t)) (i64.shl (local.get $t) (i64.const 16))))
      (local.set $s1 (i64.rotl (local.get $t) (i64.const 37)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $next)))
    (i32.store offset=0 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s0) (i64.const 32))))
    (i32.store offset=4 (local.get $state) (i32.wrap_i64 (local.get $s0)))
    (i32.store offset=8 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s1) (i64.const 32))))
    (i32.store offset=12 (local.get $state) (i32.wrap_i64 (local.get $s1))))
)
`;
}
