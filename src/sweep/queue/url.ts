/** The sweep queue's address: a `redis://host:port[/db]` URL, parsed once (no Redis client loaded here). */
import { UsageError } from '../../errors.ts';

/** A parsed queue URL. `url` is what messages show (password masked). */
export interface QueueTarget {
  url: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

/** Parse `redis://[user:password@]host[:port][/db]`; a bad URL is a UsageError naming `flag`. */
export function parseQueueUrl(text: string, flag = '--queue'): QueueTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(flag, `"${text}" is not a URL`, 'redis://host:port[/db]');
  }
  if (url.protocol !== 'redis:') throw new UsageError(flag, `"${text}" must start with redis://`, 'redis://host:port[/db]');
  if (!url.hostname) throw new UsageError(flag, `"${text}" names no host`, 'redis://host:port[/db]');
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UsageError(flag, `database "${dbText}" in "${text}" must be a non-negative integer`, 'redis://host:port[/db]');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const shown = `redis://${url.username ? `${decodeURIComponent(url.username)}${url.password ? ':***' : ''}@` : url.password ? ':***@' : ''}${url.hostname}:${port}/${db}`;
  return {
    url: shown,
    host,
    port,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** The environment variable that names the queue when `--queue` is not given. */
export const QUEUE_ENV = 'COSTSIM_QUEUE';

/**
 * The queue URL a command uses: `--queue` if given, else COSTSIM_QUEUE, else undefined (the
 * local worker pool). A malformed URL is a UsageError naming whichever of the two it came from.
 */
export function resolveQueueUrl(flag: string | undefined, env: Record<string, string | undefined> = {}): string | undefined {
  const url = flag ?? env[QUEUE_ENV];
  if (url === undefined || url === '') return undefined;
  parseQueueUrl(url, flag !== undefined ? '--queue' : QUEUE_ENV);
  return url;
}
