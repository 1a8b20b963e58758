/**
 * Helpers for the plot tests: walking a vega-lite spec, reading a PNG header and its first pixel.
 * @module
 */
import { inflateSync } from 'node:zlib';

/** Every value stored under `key` anywhere inside `root` (objects and arrays, depth first). */
export function valuesOf(root: unknown, key: string): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === key) out.push(v);
        walk(v);
      }
    }
  };
  walk(root);
  return out;
}

/** Every object inside `root` for which `pred` holds. */
export function objectsWhere(root: unknown, pred: (o: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (pred(o)) out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(root);
  return out;
}

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width, height, bit depth and colour type from a PNG's IHDR chunk (which must come first). */
export function pngHeader(png: Uint8Array): { width: number; height: number; bitDepth: number; colorType: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const type = String.fromCharCode(...png.subarray(12, 16));
  if (type !== 'IHDR') throw new Error(`pngHeader: first chunk must be IHDR, got ${type}`);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24]!, colorType: png[25]! };
}

/**
 * RGBA of the top-left pixel of an 8-bit RGBA PNG. Whatever the first row's filter, its first pixel
 * is stored literally (every predictor is 0 there).
 */
export function firstPixel(png: Uint8Array): [number, number, number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const idat: Uint8Array[] = [];
  for (let at = 8; at < png.length; ) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return [raw[1]!, raw[2]!, raw[3]!, raw[4]!];
}

/** Runs `fn` and returns the error it rejects with; fails when it resolves. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
