import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, toArray, filter, map } from 'rxjs';
import { CorridorEnv } from '../../../examples/custom-env.js';
import { SyncVectorEnv, TimeLimit } from '../../../src/core/index.js';
import { BroadcastVectorEnv } from '../../../src/stream/broadcast.js';
import { isEpisode } from '../../../src/stream/events.js';
import { episodeReturns } from '../../../src/stream/operators/episode-returns.js';
import { Rng } from '../../../src/core/rng.js';

test('episodeReturns rebuilds exactly the episodes the broadcast published', async () => {
  const venv = new BroadcastVectorEnv(
    new SyncVectorEnv(Array.from({ length: 3 }, () => () => new TimeLimit(new CorridorEnv({ length: 6 }), 7)), { autoresetMode: 'same-step' }),
  );
  const key = map((e: { env: number; return: number; length: number; envSteps: number }) => `${e.env}:${e.return.toFixed(6)}:${e.length}:${e.envSteps}`);
  const published = lastValueFrom(venv.events$.pipe(filter(isEpisode), key, toArray()));
  const rebuilt = lastValueFrom(venv.events$.pipe(episodeReturns(), key, toArray()));
  const rng = Rng.fromSeed(3);
  venv.reset({ seed: 3 });
  for (let t = 0; t < 200; t++) venv.step([rng.integers(2), rng.integers(2), rng.integers(2)]);
  venv.close();
  const a = await published;
  const b = await rebuilt;
  assert.ok(a.length > 20, `enough episodes (${a.length})`);
  assert.equal(b, a);
});

test.run();
