/**
 * The backend at the library's edge: tensors work straight after import (cpu, registered by
 * rewardcast), `ensureBackend` picks one when none was chosen, tfjs's Node banner stays quiet, and a
 * bad `REWARDCAST_BACKEND` names the variable. Each case runs in a fresh process, since a backend
 * choice is per process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INDEX = new URL('../../src/index.js', import.meta.url).href;

/** Runs an ES module body in a fresh node, with `env` over this one's minus REWARDCAST_BACKEND. */
function fresh(body: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const { REWARDCAST_BACKEND: _unset, ...base } = process.env;
  return spawnSync(process.execPath, ['--input-type=module', '-e', body], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), env: { ...base, ...env } });
}

test('tensors work straight after import, with no initBackend call and no tfjs banner', () => {
  const r = fresh(`import * as tf from '@tensorflow/tfjs-core'; await import('${INDEX}'); const t = tf.sum(tf.tensor([1, 2, 3])); console.log(tf.getBackend(), t.dataSync()[0]);`);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'cpu 6');
  assert.not.match(r.stderr, /looks like you are running TensorFlow\.js in Node\.js/);
  assert.is(r.stderr, '');
});

test('ensureBackend initialises once when nothing was chosen, and keeps an earlier choice', () => {
  const r = fresh(`const m = await import('${INDEX}'); const a = await m.ensureBackend(() => {}); const b = await m.ensureBackend(); console.log(a.name, b === a);`);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^(tensorflow|wasm|cpu) true$/);
  const forced = fresh(`const m = await import('${INDEX}'); await m.initBackend('cpu', () => {}); console.log((await m.ensureBackend()).name);`);
  assert.is(forced.stdout.trim(), 'cpu', forced.stderr);
});

test('the cpu backend does not print the tfjs banner when it computes', () => {
  const r = fresh(`import * as tf from '@tensorflow/tfjs-core'; const m = await import('${INDEX}'); await m.initBackend('cpu', () => {}); tf.tidy(() => tf.matMul(tf.ones([4, 4]), tf.ones([4, 4])).dataSync());`);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
});

test('a bad REWARDCAST_BACKEND names the environment variable', () => {
  const r = fresh(`const m = await import('${INDEX}'); try { await m.ensureBackend(); } catch (e) { console.log(e.message); }`, { REWARDCAST_BACKEND: 'gpu' });
  assert.match(r.stdout, /REWARDCAST_BACKEND must be one of auto, tensorflow, wasm, cpu, got "gpu"/);
});

test.run();
