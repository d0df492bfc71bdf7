import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from '../../../src/sweep/queue/url.ts';
import { UsageError } from '../../../src/errors.ts';

describe('parseQueueUrl', () => {
  it("reads host, port and database, defaulting to Redis's port 6379 and database 0", () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/3')).toEqual({ url: 'redis://10.0.0.5:6380/3', host: '10.0.0.5', port: 6380, db: 3 });
    expect(parseQueueUrl('redis://queue.lan')).toEqual({ url: 'redis://queue.lan:6379/0', host: 'queue.lan', port: 6379, db: 0 });
  });

  it('keeps credentials for the connection but masks the password in what it shows', () => {
    const target = parseQueueUrl('redis://costsim:s%40cret@127.0.0.1:6379/1');
    expect(target).toMatchObject({ username: 'costsim', password: 's@cret', url: 'redis://costsim:***@127.0.0.1:6379/1' });
  });

  it('rejects what is not a redis:// URL, naming the flag', () => {
    expect(() => parseQueueUrl('localhost:6379')).toThrow(UsageError);
    expect(() => parseQueueUrl('http://127.0.0.1:6379', 'COSTSIM_QUEUE')).toThrow(/^COSTSIM_QUEUE: "http:\/\/127\.0\.0\.1:6379" must start with redis:\/\//);
    expect(() => parseQueueUrl('redis://127.0.0.1:6379/x')).toThrow(/--queue: database "x"/);
  });
});
