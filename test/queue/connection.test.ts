import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkReachable, connectionReason, parseQueueUrl, QueueConnectionError, redactUrl } from '../../src/queue/connection.js';
import { freePort } from './helpers.js';

test('parseQueueUrl: host, port, db, user and password, and TLS for rediss://', () => {
  assert.equal(parseQueueUrl('redis://127.0.0.1:6390').redis, { host: '127.0.0.1', port: 6390, db: 0 });
  assert.equal(parseQueueUrl('redis://cache').redis, { host: 'cache', port: 6379, db: 0 });
  const t = parseQueueUrl('rediss://alice:p%40ss@redis.example:6380/3', {});
  assert.equal(t.redis, { host: 'redis.example', port: 6380, db: 3, username: 'alice', password: 'p@ss', tls: { servername: 'redis.example' } });
  assert.is(t.display, 'rediss://alice:***@redis.example:6380/3');
  assert.equal(parseQueueUrl('rediss://10.0.0.5:6380', {}).redis.tls, {}, 'no SNI for an IP');
  try {
    parseQueueUrl('rediss://h:1', { REWARDCAST_QUEUE_CA: '/no/such/ca.pem' });
    assert.unreachable('read a missing CA file');
  } catch (e) {
    assert.match((e as Error).message, /REWARDCAST_QUEUE_CA: cannot read "\/no\/such\/ca.pem" \(ENOENT\)/);
  }
});

test('parseQueueUrl: bad URLs are errors naming the URL without its password', () => {
  for (const [url, re] of [
    ['http://x:1', /must start with redis:\/\/ or rediss:\/\//],
    ['redis://:secret@h:1/abc', /the path must be a database number, got "redis:\/\/:\*\*\*@h:1\/abc"/],
    ['not a url', /must be a URL/],
  ] as const) {
    try {
      parseQueueUrl(url);
      assert.unreachable(url);
    } catch (e) {
      assert.instance(e, QueueConnectionError);
      assert.match((e as Error).message, re);
      assert.not.match((e as Error).message, /secret/);
    }
  }
});

test('redactUrl hides the password, also in what is not a URL', () => {
  assert.is(redactUrl('redis://:pw@h:1'), 'redis://:***@h:1');
  assert.is(redactUrl('redis://u:pw@h:1/2'), 'redis://u:***@h:1/2');
  assert.is(redactUrl('redis://h:1'), 'redis://h:1');
  assert.is(redactUrl('redis://u:p w@'), 'redis://***@');
  assert.is(connectionReason(new Error('auth failed for pw123 here'), parseQueueUrl('redis://:pw123@h:1')), 'auth failed for *** here');
});

test('checkReachable: nothing listening is one error naming the URL without its password', async () => {
  const port = await freePort();
  try {
    await checkReachable(parseQueueUrl(`redis://:topsecret@127.0.0.1:${port}`), 2000);
    assert.unreachable('connected');
  } catch (e) {
    assert.instance(e, QueueConnectionError);
    assert.match((e as Error).message, new RegExp(`^--queue redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: cannot reach Redis \\(.*ECONNREFUSED.*\\)$`));
    assert.not.match((e as Error).message, /topsecret/);
  }
});

test.run();
