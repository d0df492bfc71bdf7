/**
 * What a queued sweep keeps in Redis besides BullMQ's own keys: the sweep's description
 * (worker module, setup arguments, version; written once by the submitter, read by
 * workers) and its results. A result is stored at most once per point: a script adds the
 * point's key to the sweep's `done` set and appends the result to the sweep's stream only
 * if the key was new, atomically, so a job run twice (a killed worker's job taken over)
 * still leaves one result. The submitter reads the stream from the start on every run, so
 * a submitter that died and is run again collects what finished meanwhile.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The one BullMQ queue every costsim sweep goes through (workers listen on it). */
export const QUEUE_NAME = 'costsim-sweep';

/** What workers need to run a sweep's points, stored once per sweep. */
export interface SweepDescription {
  /** costsim version of the submitter (see version.ts). */
  version: string;
  /** Worker module path relative to the project root (the same on every machine). */
  workerModule: string;
  setupArgs: unknown;
}

/** What a job carries: its sweep, the point's key and parameters, and the submitter's version. */
export interface QueueJobData {
  sweepId: string;
  key: string;
  params: unknown;
  version: string;
}

/** A stored result as read back: the point's key, its result and which worker process made it. */
export interface StoredResult {
  key: string;
  result: unknown;
  /** `hostname:pid` of the child process that computed it, and the job's attempt number. */
  worker: string;
  attempt: number;
  /** Seconds the point took in its worker process (measured there). */
  wallSeconds: number;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A sweep's identity: its version, worker module and setup arguments (points are keyed within it). */
export function sweepIdOf(description: SweepDescription): string {
  return sha(JSON.stringify([description.version, description.workerModule, description.setupArgs])).slice(0, 20);
}

/** BullMQ job id of a point (job ids may not contain ":"; the key may). Re-adding the same id is a no-op. */
export function jobIdOf(sweepId: string, key: string): string {
  return `${sweepId}-${sha(key).slice(0, 24)}`;
}

/** A sweep's keys expire this long after its last write (a week), so finished sweeps do not fill Redis. */
export const SWEEP_TTL_SECONDS = 7 * 24 * 3600;

const keyOf = (sweepId: string, part: 'meta' | 'done' | 'results'): string => `costsim:sweep:${sweepId}:${part}`;

/** Write the sweep's description (the same bytes on every rerun). */
export async function writeDescription(redis: Redis, sweepId: string, description: SweepDescription): Promise<void> {
  await redis.set(keyOf(sweepId, 'meta'), JSON.stringify(description), 'EX', SWEEP_TTL_SECONDS);
}

/** Read a sweep's description, or undefined if the submitter never wrote one. */
export async function readDescription(redis: Redis, sweepId: string): Promise<SweepDescription | undefined> {
  const text = await redis.get(keyOf(sweepId, 'meta'));
  return text === null ? undefined : (JSON.parse(text) as SweepDescription);
}

const STORE_ONCE = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('XADD', KEYS[2], '*', 'key', ARGV[1], 'result', ARGV[2], 'worker', ARGV[3], 'attempt', ARGV[4], 'wall', ARGV[6])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  return 1
end
return 0`;

/** The script as a command of its own, so after the first call Redis runs it by its SHA (EVALSHA) and the text is not resent per result. */
type StoringRedis = Redis & { costsimStoreOnce?: (...args: string[]) => Promise<number> };

/** Store a point's result unless one is stored already; true if this call stored it. */
export async function storeResultOnce(redis: Redis, sweepId: string, stored: StoredResult): Promise<boolean> {
  const client = redis as StoringRedis;
  if (!client.costsimStoreOnce) client.defineCommand('costsimStoreOnce', { numberOfKeys: 2, lua: STORE_ONCE });
  const added = await (client.costsimStoreOnce as (...args: string[]) => Promise<number>)(
    keyOf(sweepId, 'done'),
    keyOf(sweepId, 'results'),
    stored.key,
    JSON.stringify(stored.result),
    stored.worker,
    String(stored.attempt),
    String(SWEEP_TTL_SECONDS),
    String(stored.wallSeconds),
  );
  return added === 1;
}

/** True if the point already has a stored result (a worker skips running it again). */
export async function hasResult(redis: Redis, sweepId: string, key: string): Promise<boolean> {
  return (await redis.sismember(keyOf(sweepId, 'done'), key)) === 1;
}

function parseEntries(entries: Array<[string, string[]]>): Array<{ id: string; stored: StoredResult }> {
  return entries.map(([id, fields]) => {
    const get = (name: string): string => fields[fields.indexOf(name) + 1] ?? '';
    return {
      id,
      stored: {
        key: get('key'),
        result: JSON.parse(get('result')) as unknown,
        worker: get('worker'),
        attempt: Number(get('attempt')),
        wallSeconds: Number(get('wall')),
      },
    };
  });
}

/**
 * Results after stream id `afterId` ('0' = from the first), at most 500, waiting up to `blockMs`
 * (0: not at all) for one to arrive if none is there (use a connection of its own: it blocks).
 */
export async function readResults(redis: Redis, sweepId: string, afterId: string, blockMs: number): Promise<Array<{ id: string; stored: StoredResult }>> {
  const stream = keyOf(sweepId, 'results');
  const reply = (await (blockMs > 0
    ? redis.xread('COUNT', 500, 'BLOCK', blockMs, 'STREAMS', stream, afterId)
    : redis.xread('COUNT', 500, 'STREAMS', stream, afterId))) as Array<[string, Array<[string, string[]]>]> | null;
  return reply ? parseEntries(reply[0]?.[1] ?? []) : [];
}
