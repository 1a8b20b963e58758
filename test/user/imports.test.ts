import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImportError, loadImports, resolveImport } from '../../src/user/imports.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardcast-imports-'));

test('a relative path is loaded once, however often it is named', async () => {
  writeFileSync(join(dir, 'count.mjs'), 'globalThis.__rcCount = (globalThis.__rcCount ?? 0) + 1;\n');
  await loadImports(['./count.mjs', './count.mjs'], dir);
  await loadImports([join(dir, 'count.mjs')], dir);
  assert.is((globalThis as Record<string, unknown>)['__rcCount'], 1);
});

test('a module that fails names itself and the error', async () => {
  writeFileSync(join(dir, 'bad.mjs'), 'throw new Error("boom");\n');
  try {
    await loadImports(['./bad.mjs'], dir);
    assert.unreachable('expected an error');
  } catch (e) {
    assert.instance(e, ImportError);
    assert.is((e as Error).message, '--import ./bad.mjs: boom');
  }
});

test('a missing file and a missing package are errors naming them', async () => {
  for (const s of ['./nope.mjs', 'no-such-package-rewardcast']) {
    try {
      await loadImports([s], dir);
      assert.unreachable('expected an error');
    } catch (e) {
      assert.instance(e, ImportError);
      assert.ok((e as Error).message.startsWith(`--import ${s}: `), (e as Error).message);
    }
  }
});

test('resolveImport: paths against cwd, packages by name', () => {
  assert.is(resolveImport('./m.mjs', '/tmp/x'), 'file:///tmp/x/m.mjs');
  assert.ok(resolveImport('rxjs', process.cwd()).startsWith('file://'));
});

test.run();
