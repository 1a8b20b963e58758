/**
 * Run folders written by hand for the server tests: `config.json`, `episodes.csv` (appended as a
 * run would) and, when finished, `summary.json`.
 * @module
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { EPISODES_HEADER } from '../../src/train/run-folder.js';

/** One synthetic episode. */
export interface FakeEpisode {
  readonly step: number;
  readonly return: number;
  readonly wall: number;
}

/** `count` episodes of random lengths (1..max) and returns, from a seeded generator. */
export function fakeEpisodes(seed: number, count: number, maxLength = 40): FakeEpisode[] {
  const rng = Rng.fromSeed(seed);
  const out: FakeEpisode[] = [];
  let step = 0;
  for (let i = 0; i < count; i++) {
    step += 1 + rng.integers(maxLength);
    out.push({ step, return: rng.integers(500), wall: step / 1000 });
  }
  return out;
}

/** Creates a run folder with its config and the CSV header. */
export function makeRunFolder(dir: string, config: { env: string; estimator: string; seed: number; steps: number }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ command: 'train', numEnvs: 1, agent: { estimator: config.estimator, hidden: [8], learningRate: 0.02 }, ...config }));
  writeFileSync(join(dir, 'episodes.csv'), `${EPISODES_HEADER}\n`);
}

/** Appends episodes to a run folder's CSV, as `RunWriter.episode` does. */
export function appendEpisodes(dir: string, episodes: readonly FakeEpisode[], first = 0): void {
  appendFileSync(join(dir, 'episodes.csv'), episodes.map((e, i) => `${e.step},${first + i},${e.return},${e.step},${e.wall.toFixed(3)}\n`).join(''));
}

/** Writes `summary.json`. */
export function finishRun(dir: string, status: 'finished' | 'interrupted', envSteps: number): void {
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ status, runDir: dir, envSteps, stepsPerSecond: 1000 }));
}
