import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Env, Wrapper } from '../../src/core/env.js';
import {
  editDistance,
  isRegistered,
  make,
  register,
  registeredSpecs,
  spec,
  unregister,
  type EnvKwargs,
} from '../../src/core/registry.js';
import { OrderEnforcing, PassiveEnvChecker, TimeLimit } from '../../src/core/wrappers.js';
import { CorridorEnv } from '../../examples/custom-env.js';
import { ScriptedEnv } from '../fixtures/core-envs.js';
import { thrown, throwsWith } from '../helpers.js';

/** Ids registered by this file; every test removes its own in `finally`. */
const P = 'RcCoreRegistryTest';

/** The wrapper class names from the outside in, ending with the bare env's class. */
function chain(env: Env<unknown, unknown>): string[] {
  const names: string[] = [];
  let e: Env<unknown, unknown> = env;
  while (e instanceof Wrapper) {
    names.push(e.constructor.name);
    e = e.env as Env<unknown, unknown>;
  }
  names.push(e.constructor.name);
  return names;
}

/** Registers `ids` with a ScriptedEnv factory for the duration of `fn`. */
function withIds(ids: string[], fn: () => void, extra: { maxEpisodeSteps?: number } = {}): void {
  try {
    for (const id of ids) register({ id, create: (kw) => new ScriptedEnv(kw), ...extra });
    fn();
  } finally {
    for (const id of ids) unregister(id);
  }
}

test('register then make builds the env; isRegistered, spec and unregister agree', () => {
  const id = `${P}Basic-v0`;
  assert.not.ok(isRegistered(id));
  withIds([id], () => {
    assert.ok(isRegistered(id));
    assert.is(spec(id).id, id);
    assert.ok(registeredSpecs().some((s) => s.id === id));
    const env = make<number, number>(id);
    assert.ok(env.unwrapped instanceof ScriptedEnv);
    assert.is(env.reset().observation, 0);
    assert.is(env.step(1).observation, 1);
  });
  assert.not.ok(isRegistered(id));
  assert.is(unregister(id), false, 'unregistering twice reports nothing removed');
  throwsWith(() => make(id), `Unknown env id '${id}'`);
});

test('make wraps the env in PassiveEnvChecker, then TimeLimit, then OrderEnforcing (outermost)', () => {
  const id = `${P}Chain-v0`;
  withIds(
    [id],
    () => {
      const env = make(id);
      assert.equal(chain(env), ['OrderEnforcing', 'TimeLimit', 'PassiveEnvChecker', 'ScriptedEnv']);
      assert.ok(env instanceof OrderEnforcing);
      const limit = (env as OrderEnforcing<unknown, unknown>).env;
      assert.ok(limit instanceof TimeLimit);
      assert.ok((limit as TimeLimit<unknown, unknown>).env instanceof PassiveEnvChecker);
      assert.is(env.toString(), `<OrderEnforcing<TimeLimit<PassiveEnvChecker<ScriptedEnv<${id}>>>>>`);
      assert.is((limit as TimeLimit<unknown, unknown>).maxEpisodeSteps, 7);
      assert.equal(env.spec, { id, maxEpisodeSteps: 7 });
      assert.equal(env.unwrapped.spec, { id, maxEpisodeSteps: 7 });
    },
    { maxEpisodeSteps: 7 },
  );
});

test('make without a step limit adds no TimeLimit; disableEnvChecker leaves out the checker', () => {
  const id = `${P}NoLimit-v0`;
  withIds([id], () => {
    assert.equal(chain(make(id)), ['OrderEnforcing', 'PassiveEnvChecker', 'ScriptedEnv']);
    assert.equal(chain(make(id, { disableEnvChecker: true })), ['OrderEnforcing', 'ScriptedEnv']);
    assert.equal(chain(make(id, { disableEnvChecker: true, maxEpisodeSteps: 3 })), ['OrderEnforcing', 'TimeLimit', 'ScriptedEnv']);
    assert.equal(make(id).spec, { id });
  });
});

test('the wrappers make adds are live: order is enforced, actions are checked, episodes truncated', () => {
  const id = `${P}Live-v0`;
  withIds(
    [id],
    () => {
      const env = make<number, number>(id);
      throwsWith(() => env.step(0), `${id}: step() called before reset()`);
      env.reset();
      throwsWith(() => env.step(5), `${id}.step: action 5 is not in the action space Discrete(3)`);
      assert.is(env.step(0).truncated, false);
      assert.is(env.step(0).truncated, true, 'truncated at the registered maxEpisodeSteps of 2');
      throwsWith(() => env.step(0), 'after the episode ended');
    },
    { maxEpisodeSteps: 2 },
  );
});

test('make: maxEpisodeSteps overrides the registered limit, and a bad one is refused', () => {
  const id = `${P}Override-v0`;
  withIds(
    [id],
    () => {
      const env = make<number, number>(id, { maxEpisodeSteps: 3 });
      assert.is(((env as OrderEnforcing<number, number>).env as TimeLimit<number, number>).maxEpisodeSteps, 3);
      assert.is(env.spec?.maxEpisodeSteps, 3);
      env.reset();
      assert.is(env.step(0).truncated, false);
      assert.is(env.step(0).truncated, false);
      assert.is(env.step(0).truncated, true, 'step 3');
      // The registration itself is unchanged.
      assert.is(spec(id).maxEpisodeSteps, 50);
      assert.is(((make(id) as OrderEnforcing<unknown, unknown>).env as TimeLimit<unknown, unknown>).maxEpisodeSteps, 50);
      throwsWith(() => make(id, { maxEpisodeSteps: 0 }), 'maxEpisodeSteps must be a positive integer, got 0');
    },
    { maxEpisodeSteps: 50 },
  );
});

test('make passes options through to create, over the registered defaults, without its own options', () => {
  const id = `${P}Kwargs-v0`;
  const seen: EnvKwargs[] = [];
  register({
    id,
    create: (kw) => {
      seen.push(kw);
      return new CorridorEnv(kw);
    },
    kwargs: { length: 6, flavour: 'plain' },
    rewardThreshold: 0.9,
    maxEpisodeSteps: 20,
  });
  try {
    const a = make<number, number>(id);
    assert.is(a.observationSpace.toString(), 'Discrete(6)', 'the registered default');
    const b = make<number, number>(id, { length: 11, maxEpisodeSteps: 4, disableEnvChecker: true });
    assert.is(b.observationSpace.toString(), 'Discrete(11)', 'the call overrides the default');
    assert.equal(seen, [
      { length: 6, flavour: 'plain' },
      { length: 11, flavour: 'plain' },
    ]);
    assert.equal(a.spec, { id, maxEpisodeSteps: 20, rewardThreshold: 0.9 });
    assert.equal(b.spec, { id, maxEpisodeSteps: 4, rewardThreshold: 0.9 });
    throwsWith(() => make(id, { length: 1 }), 'Corridor: length must be an integer >= 2, got 1');
  } finally {
    unregister(id);
  }
});

test('an unknown id suggests the nearest registered ids', () => {
  assert.ok(isRegistered('Corridor-v0'), 'examples/custom-env registers Corridor-v0');
  const err = thrown(() => make('Corridr-v0'));
  assert.ok(err instanceof RangeError);
  assert.match(err.message, /^Unknown env id 'Corridr-v0'; did you mean 'Corridor-v0'/);
  throwsWith(() => spec('corridor-v0'), "did you mean 'Corridor-v0'");
  throwsWith(() => make('NoSuchThingAtAll'), "Unknown env id 'NoSuchThingAtAll'", 'did you mean');
});

test('an unknown version of a registered name lists the registered versions', () => {
  const ids = [`${P}Versions-v0`, `${P}Versions-v2`];
  withIds(ids, () => {
    throwsWith(
      () => make(`${P}Versions-v1`),
      `Unknown env id '${P}Versions-v1': version v1 of '${P}Versions' is not registered; registered versions: ${ids.join(', ')}`,
    );
  });
});

test('register refuses malformed ids, naming them', () => {
  for (const id of ['', 'Foo', 'Foo-v', 'Foo-vx', 'Foo-v1.0', 'Foo v0', '-v0', 'a/b/Foo-v0']) {
    throwsWith(() => register({ id, create: () => new ScriptedEnv() }), `register: id must look like 'Name-vN', got ${JSON.stringify(id)}`);
    assert.not.ok(isRegistered(id));
  }
  throwsWith(() => register({ create: () => new ScriptedEnv() } as unknown as Parameters<typeof register>[0]), 'got undefined');
  // Namespaced and dotted ids are fine.
  withIds([`rc-test/${P}Ns-v0`, `${P}Dotted.x-v10`], () => {
    assert.ok(make(`rc-test/${P}Ns-v0`).unwrapped instanceof ScriptedEnv);
  });
});

test('register refuses a duplicate id, a missing create and a bad step limit', () => {
  const id = `${P}Dup-v0`;
  withIds([id], () => {
    const before = spec(id);
    throwsWith(() => register({ id, create: () => new CorridorEnv() }), `register: id '${id}' is already registered`);
    assert.is(spec(id), before, 'the first registration stands');
  });
  throwsWith(() => register({ id: `${P}NoCreate-v0` } as unknown as Parameters<typeof register>[0]), `register: create must be a function, for id '${P}NoCreate-v0'`);
  throwsWith(() => register({ id: `${P}Bad-v0`, create: () => new ScriptedEnv(), maxEpisodeSteps: -1 }), 'maxEpisodeSteps must be a positive integer, got -1');
  assert.not.ok(isRegistered(`${P}NoCreate-v0`));
  assert.not.ok(isRegistered(`${P}Bad-v0`));
});

test('registered specs are frozen copies, listed in registration order', () => {
  const ids = [`${P}OrderB-v0`, `${P}OrderA-v0`];
  withIds(ids, () => {
    const s = spec(ids[0]!);
    assert.ok(Object.isFrozen(s));
    const listed = registeredSpecs().map((x) => x.id).filter((x) => ids.includes(x));
    assert.equal(listed, ids);
  });
});

test('make on a registered env from examples/custom-env gives a working, truncated Corridor', () => {
  const env = make<number, number>('Corridor-v0', { length: 30 });
  assert.ok(env.unwrapped instanceof CorridorEnv);
  env.reset({ seed: 0 });
  let last = env.step(0);
  for (let t = 1; t < 50; t++) {
    assert.is(last.truncated, false, `step ${t}`);
    last = env.step(0);
  }
  assert.is(last.truncated, true, 'step 50');
  assert.is(last.terminated, false);
});

test('editDistance is the Levenshtein distance', () => {
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('abc', ''), 3);
  assert.is(editDistance('flaw', 'lawn'), 2);
  assert.is(editDistance('same', 'same'), 0);
  assert.is(editDistance('corridr-v0', 'corridor-v0'), 1);
});

test.run();
