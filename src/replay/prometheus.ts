/**
 * A read-only client of a Prometheus HTTP API: range queries in chunks, with a timeout per request,
 * retries with exponential backoff on what may pass (connection errors, timeouts, 429, 5xx, a body
 * cut short or not JSON), and a clear error for what will not (401/403, bad PromQL, an unknown path).
 *
 *   for each chunk of at most maxPoints steps: GET /api/v1/query_range?query&start&end&step
 *     -> redirects followed only to the same origin -> status/JSON checked -> samples into the builder
 *
 * Only GET, never a body. A bearer token (from a file or the environment) goes in the Authorization
 * header and nowhere else: no message, log or report prints it, nor the URL's user:password.
 */
import { DataError } from '../errors.js';
import { importResponse } from './import.js';
import type { SeriesBuilder } from './series.js';

export interface PrometheusClientOptions {
  /** Seconds per request before it is abandoned (default 30). */
  timeoutS?: number;
  /** Further attempts after a failure that may pass (default 3). */
  retries?: number;
  /** The first backoff, seconds; doubles each retry (default 0.5). */
  backoffS?: number;
  /** Steps per range query (default 10000; Prometheus refuses more than 11000 points per series). */
  maxPoints?: number;
  token?: string | null;
  /** Called before each retry (for a progress note on stderr). */
  onRetry?: (message: string) => void;
}

/** The URL as messages may show it: no user:password, no query string. */
export function safeUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * A Prometheus URL as a report may show it, the way the client uses it: no user:password, no query
 * string or fragment, the path ending in `/`; text that is no http(s) URL is not shown at all.
 */
export function shownUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(not a URL)';
  }
  // Another scheme keeps what looked like a password in its path (`user:pass@` is scheme `user:`).
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return '(not a URL)';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return safeUrl(u);
}

class Retryable extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PrometheusClient {
  private readonly base: URL;
  private basic: string | null = null;
  private readonly o: Required<Omit<PrometheusClientOptions, 'token' | 'onRetry'>> & PrometheusClientOptions;

  constructor(url: string, options: PrometheusClientOptions = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new DataError(`--metrics ${JSON.stringify(url)}: not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new DataError(`--metrics: ${u.protocol} is not http: or https:`);
    u.search = '';
    u.hash = '';
    // user:password in the URL becomes Basic auth and leaves the URL (so no message can show it).
    if (u.username || u.password)
      this.basic = Buffer.from(
        `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`,
      ).toString('base64');
    u.username = '';
    u.password = '';
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    this.base = u;
    this.o = { timeoutS: 30, retries: 3, backoffS: 0.5, maxPoints: 10_000, ...options };
  }

  get where(): string {
    return safeUrl(this.base);
  }

  /** Range query over [startS, endS] at stepS, in chunks; every series' samples go into `into`. */
  async queryRange(
    query: string,
    startS: number,
    endS: number,
    stepS: number,
    into: SeriesBuilder,
  ): Promise<number> {
    let chunks = 0;
    const span = this.o.maxPoints * stepS;
    for (let s = startS; s <= endS; s += span + stepS) {
      const e = Math.min(endS, s + span);
      const body = await this.get('api/v1/query_range', {
        query,
        start: String(s),
        end: String(e),
        step: String(stepS),
      });
      importResponse(`${this.where} query_range ${query} [${s}, ${e}]`, body, into);
      chunks++;
    }
    return chunks;
  }

  /** GET with retries; resolves to the parsed JSON body of a 2xx answer. */
  async get(path: string, params: Record<string, string>): Promise<unknown> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let attempt = 0;
    for (;;) {
      try {
        return await this.once(url);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (attempt >= this.o.retries)
          throw new DataError(`${this.where}: ${e.message} (gave up after ${attempt + 1} attempts)`);
        const wait = this.o.backoffS * 2 ** attempt;
        attempt++;
        this.o.onRetry?.(`${this.where}: ${e.message}; retry ${attempt} of ${this.o.retries} in ${wait} s`);
        await sleep(wait * 1000);
      }
    }
  }

  private async once(start: URL): Promise<unknown> {
    let url = start;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (this.o.token) headers.Authorization = `Bearer ${this.o.token}`;
      else if (this.basic) headers.Authorization = `Basic ${this.basic}`;
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, {
          method: 'GET',
          headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.o.timeoutS * 1000),
        });
        text = res.status >= 300 && res.status < 400 ? '' : await res.text();
      } catch (e) {
        throw new Retryable(networkMessage(e, this.o.timeoutS));
      }
      if (res.status >= 300 && res.status < 400) {
        const loc = res.headers.get('location');
        if (!loc) throw new DataError(`${this.where}: a redirect (${res.status}) without a Location`);
        const next = new URL(loc, url);
        if (next.origin !== this.base.origin)
          throw new DataError(
            `${this.where}: refused a redirect (${res.status}) to another host, ${next.protocol}//${next.host}: give that address directly if it is the right one`,
          );
        if (hops >= 5) throw new DataError(`${this.where}: more than 5 redirects`);
        url = next;
        continue;
      }
      if (res.status === 401 || res.status === 403)
        throw new DataError(
          `${this.where}: ${res.status} ${res.status === 401 ? 'Unauthorized' : 'Forbidden'}: the server wants credentials${this.o.token || this.basic ? '; the credentials given were refused' : ': give a bearer token with --token-file or INFERSCALE_PROMETHEUS_TOKEN'}`,
        );
      if (res.status === 429 || res.status >= 500) {
        // Prometheus answers 503 while it starts, 500s on internal errors: worth another try.
        const detail = apiError(text);
        throw new Retryable(`HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
      }
      if (res.status === 400 || res.status === 422) {
        const detail = apiError(text);
        throw new DataError(
          `${this.where}: the query was refused (HTTP ${res.status}${detail ? `: ${detail}` : ''})`,
        );
      }
      if (res.status === 404)
        throw new DataError(`${this.where}: ${url.pathname} not found (404): is this a Prometheus server?`);
      if (res.status < 200 || res.status >= 300) throw new DataError(`${this.where}: HTTP ${res.status}`);
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Retryable(`the answer is not valid JSON (${(e as Error).message})`);
      }
    }
  }
}

function apiError(text: string): string | null {
  try {
    const b = JSON.parse(text) as { errorType?: string; error?: string };
    if (b.error) return `${b.errorType ?? 'error'}: ${b.error}`;
  } catch {
    /* not JSON */
  }
  return null;
}

function networkMessage(e: unknown, timeoutS: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return `no answer within ${timeoutS} s (timeout)`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is Prometheus running there?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || err.message === 'terminated')
    return 'the connection was dropped before the answer was complete';
  return `request failed (${code ?? err.cause?.message ?? err.message})`;
}
