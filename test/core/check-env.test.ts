import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertEnv, checkEnv } from '../../src/core/check-env.js';
import { Env, type ResetResult, type StepResult } from '../../src/core/env.js';
import { make } from '../../src/core/registry.js';
import { Discrete } from '../../src/core/spaces.js';
import { CorridorEnv } from '../../examples/custom-env.js';
import { BrokenEnv, NoisyEnv, ScriptedEnv, type Breakage } from '../fixtures/core-envs.js';
import { thrown } from '../helpers.js';

/** Asserts the report is not ok and some problem matches every pattern. */
function reports(report: { ok: boolean; problems: readonly string[] }, ...patterns: (string | RegExp)[]): void {
  assert.is(report.ok, false, 'report.ok');
  assert.ok(report.problems.length > 0, 'at least one problem');
  const hit = report.problems.some((p) => patterns.every((q) => (typeof q === 'string' ? p.includes(q) : q.test(p))));
  assert.ok(hit, `no problem matches ${patterns.map(String).join(' & ')} in:\n${report.problems.join('\n')}`);
}

const broken = (b: Breakage) => (): Env<unknown, unknown> => new BrokenEnv(b) as Env<unknown, unknown>;

// ---- well-behaved envs -------------------------------------------------------------------------

test('checkEnv passes CorridorEnv: an instance, a factory, and the made env', () => {
  for (const [what, source] of [
    ['instance', new CorridorEnv() as Env<unknown, unknown>],
    ['factory', () => new CorridorEnv() as Env<unknown, unknown>],
    ['make', () => make('Corridor-v0')],
  ] as const) {
    const report = checkEnv(source);
    assert.ok(report.ok, `${what}: ${report.problems.join('; ')}`);
    assert.equal(report.problems, []);
  }
  assertEnv(() => make('Corridor-v0'), { seed: 3, steps: 50 });
});

test('checkEnv passes the seeded NoisyEnv and the scripted env', () => {
  assert.ok(checkEnv(() => new NoisyEnv({ length: 7 }) as Env<unknown, unknown>).ok);
  assert.ok(checkEnv(() => new ScriptedEnv({ terminateAt: 13, rewards: [0, -1, 0.5] }) as Env<unknown, unknown>).ok);
});

// ---- broken envs are reported, not thrown ------------------------------------------------------

test('an observation outside the space is reported with the value, space and step', () => {
  const report = checkEnv(broken('obs-outside-space'));
  reports(report, 'BrokenEnv: ', 'observation 42 is not in Discrete(10) at step 3');
});

test('a NaN or infinite reward is reported with the value and step', () => {
  reports(checkEnv(broken('nan-reward')), 'reward must be finite, got NaN at step 3');
  reports(checkEnv(broken('infinite-reward')), 'reward must be finite, got Infinity at step 3');
});

test('a non-boolean terminated is reported', () => {
  reports(checkEnv(broken('non-boolean-terminated')), 'terminated must be a boolean, got 0 at step 3');
});

test('a non-number reward and a missing info are reported', () => {
  reports(checkEnv(new Sloppy() as Env<unknown, unknown>), 'reward must be a number, got "1" at step 1');
  reports(checkEnv(new Sloppy() as Env<unknown, unknown>), 'info must be an object, got undefined at step 1');
});

test('a reset observation outside the space is reported', () => {
  reports(checkEnv(new BadResetObs() as Env<unknown, unknown>), 'reset observation 5 is not in Discrete(2)');
});

test('nondeterminism under the same seed (an unseeded counter) is reported', () => {
  const report = checkEnv(new BrokenEnv('unseeded-counter') as Env<unknown, unknown>);
  reports(report, 'reset with the same seed gave a different trajectory at event 0');
});

test('two copies that diverge although seeded alike are reported (given a factory)', () => {
  const report = checkEnv(broken('per-instance'));
  reports(report, /two copies seeded alike diverged at event 0: 'reset \d' vs 'reset \d'/);
  assert.not.ok(report.problems.some((p) => p.includes('reset with the same seed')), 'each copy alone is deterministic');
  // Given one instance there is nothing to compare it with.
  assert.ok(checkEnv(new BrokenEnv('per-instance') as Env<unknown, unknown>).ok);
});

test('an env that throws, or whose factory throws, is reported', () => {
  reports(checkEnv(new Throws() as Env<unknown, unknown>), 'rollout 1: threw boom at step 2');
  reports(
    checkEnv(() => {
      throw new Error('no such file');
    }),
    'creating the env threw: no such file',
  );
});

test('a factory that fails on a later copy is reported, and the copy already made is closed', () => {
  const made: ScriptedEnv[] = [];
  const report = checkEnv(() => {
    if (made.length === 2) throw new Error('out of copies');
    const e = new ScriptedEnv();
    made.push(e);
    return e as Env<unknown, unknown>;
  });
  reports(report, 'creating a second copy threw: out of copies');
  assert.equal(made.map((e) => e.closes), [1, 1]);
});

test('a factory returning nothing is reported, not thrown', () => {
  reports(checkEnv((() => undefined) as unknown as () => Env<unknown, unknown>), 'env: is not an Env (got undefined)');
  reports(checkEnv((() => null) as unknown as () => Env<unknown, unknown>), 'is not an Env (got null)');
});

test('bad spaces and a non-Env are reported', () => {
  reports(checkEnv(new NoSpaces() as Env<unknown, unknown>), 'actionSpace is not a Space (got undefined)');
  reports(checkEnv((() => ({ step: 1 })) as unknown as () => Env<unknown, unknown>), 'is not an Env');
});

test('render must return a string or undefined', () => {
  reports(checkEnv(new BadRender() as Env<unknown, unknown>), 'render must return a string or undefined, got 3');
});

test('checkEnv does not throw for any broken env, and is ok only with no problems', () => {
  for (const b of ['obs-outside-space', 'nan-reward', 'infinite-reward', 'non-boolean-terminated', 'unseeded-counter', 'per-instance'] as const) {
    const report = checkEnv(broken(b));
    assert.is(report.ok, report.problems.length === 0, b);
    assert.not.ok(report.ok, b);
  }
});

test('checkEnv closes every copy a factory made, and never closes an instance it was given', () => {
  const made: BrokenEnv[] = [];
  const report = checkEnv(() => {
    const e = new BrokenEnv('per-instance');
    made.push(e);
    return e as Env<unknown, unknown>;
  });
  assert.not.ok(report.ok);
  assert.ok(made.length >= 2);
  assert.equal(made.map((e) => e.closes), made.map(() => 1), 'each copy closed once');
  const given = new ScriptedEnv();
  assert.ok(checkEnv(given as Env<unknown, unknown>).ok);
  assert.is(given.closes, 0);
});

test('the options set the seed and the number of steps', () => {
  // Reward NaN at step 3: a 2-step rollout never sees it.
  assert.ok(checkEnv(broken('nan-reward'), { steps: 2 }).ok);
  assert.not.ok(checkEnv(broken('nan-reward'), { steps: 3 }).ok);
});

test('assertEnv throws one error listing every problem; passes quietly otherwise', () => {
  const err = thrown(() => assertEnv(new Sloppy() as Env<unknown, unknown>));
  assert.match(err.message, /^checkEnv found 2 problem\(s\):\n- /);
  assert.ok(err.message.includes('reward must be a number'));
  assert.ok(err.message.includes('info must be an object'));
  const report = checkEnv(new Sloppy() as Env<unknown, unknown>);
  assert.is(err.message, `checkEnv found ${report.problems.length} problem(s):\n- ${report.problems.join('\n- ')}`);
  assertEnv(new CorridorEnv() as Env<unknown, unknown>);
});

// ---- small broken envs for this file -----------------------------------------------------------

/** Reward is the string "1" and info is missing. */
class Sloppy extends Env<number, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Discrete(2);
  override reset(): ResetResult<number> {
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    return { observation: 0, reward: '1', terminated: false, truncated: false } as unknown as StepResult<number>;
  }
}

/** Resets to 5 in Discrete(2). */
class BadResetObs extends Sloppy {
  override reset(): ResetResult<number> {
    return { observation: 5, info: {} };
  }
  override step(): StepResult<number> {
    return { observation: 0, reward: 0, terminated: false, truncated: false, info: {} };
  }
}

/** Throws on its second step. */
class Throws extends BadResetObs {
  private t = 0;
  override reset(): ResetResult<number> {
    this.t = 0;
    return { observation: 0, info: {} };
  }
  override step(): StepResult<number> {
    if (++this.t === 2) throw new Error('boom at step 2');
    return super.step();
  }
}

/** Renders a number. */
class BadRender extends BadResetObs {
  override reset(): ResetResult<number> {
    return { observation: 0, info: {} };
  }
  override render(): string {
    return 3 as unknown as string;
  }
}

/** Forgets to set its action space. */
class NoSpaces extends Env<number, number> {
  readonly actionSpace = undefined as unknown as Discrete;
  readonly observationSpace = new Discrete(2);
  override reset(): ResetResult<number> {
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    return { observation: 0, reward: 0, terminated: false, truncated: false, info: {} };
  }
}

test.run();
