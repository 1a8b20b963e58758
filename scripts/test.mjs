#!/usr/bin/env node
// Runs every compiled uvu test file (dist/test/**/*.test.js) in one uvu process, streams its
// output, and ends with the one summary line CI reads: "N passed, N failed".
// Usage: node scripts/test.mjs [pattern]   (a regex on file paths; default: every test file)
import { spawn } from 'node:child_process';

const uvuBin = new URL('../node_modules/uvu/bin.js', import.meta.url).pathname;
const pattern = `${process.argv[2] ?? ''}.*\\.test\\.js$`;
const child = spawn(process.execPath, [uvuBin, 'dist/test', pattern, '--color', 'false'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let out = '';
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
child.on('close', (code) => {
  const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
  const num = (label) => {
    const m = new RegExp(`${label}:\\s+(\\d+)`).exec(plain);
    return m ? Number(m[1]) : undefined;
  };
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped') ?? 0;
  let failed;
  if (total === undefined || passed === undefined) {
    // uvu stopped before its summary (a test file failed to load): count that as a failure.
    failed = 1;
    console.log(`\n${passed ?? 0} passed, ${failed} failed`);
  } else {
    failed = total - passed - skipped;
    if (code !== 0 && failed === 0) failed = 1;
    if (total === 0) {
      console.error('no test ran: the pattern matched no test file');
      failed = 1;
    }
    console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
