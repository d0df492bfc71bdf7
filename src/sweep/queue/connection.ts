/**
 * How costsim connects to the sweep queue's Redis: the ioredis options BullMQ and costsim
 * connect with, and a bounded reachability check so an
 * unreachable Redis fails the command naming the URL instead of reconnecting forever.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { QueueUnavailableError } from '../../errors.ts';
import type { QueueTarget } from './url.ts';

/** Reconnect attempts before a lost connection is given up (about 10 s at the delays below). */
const RECONNECT_ATTEMPTS = 20;

/**
 * ioredis options for long-lived connections (BullMQ workers need `maxRetriesPerRequest:
 * null`); reconnection is bounded so a Redis that went away ends the connection, and the
 * command fails, instead of retrying forever.
 */
export function redisOptions(target: QueueTarget): RedisOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    retryStrategy: (times: number) => (times > RECONNECT_ATTEMPTS ? null : Math.min(100 * times, 500)),
  };
}

/** The error for a Redis that cannot be reached (or went away): what, where, and what a rerun does. */
export function unreachable(target: QueueTarget, cause: unknown): QueueUnavailableError {
  const why = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
  return new QueueUnavailableError(
    `cannot reach the job queue at ${target.url} (${why}): start Redis there or point --queue / COSTSIM_QUEUE at one that runs; a rerun resumes where this one stopped`,
  );
}

/**
 * Open a connection after checking, once and within `timeoutMs`, that Redis answers PING.
 * The returned client reconnects a bounded number of times; `onLost` runs if it gives up.
 */
export async function connectChecked(target: QueueTarget, onLost?: (error: QueueUnavailableError) => void, timeoutMs = 3000): Promise<Redis> {
  const probe = new Redis({
    ...redisOptions(target),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let probeError: unknown;
  probe.on('error', (error) => {
    probeError ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    probe.disconnect();
    throw unreachable(target, probeError ?? error);
  }
  probe.disconnect();
  const client = new Redis(redisOptions(target));
  let lastError: unknown = 'connection closed';
  client.on('error', (error) => {
    lastError = error;
  });
  client.on('end', () => onLost?.(unreachable(target, lastError)));
  return client;
}
