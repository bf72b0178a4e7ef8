import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import { ERROR_CODES } from '@dictamesh/runtime';
import { AnswerResponse, SharedBody, type Answer } from './answer-response';

/** Counters the fetcher reports to (the gateway's metrics). */
export interface FetchObserver {
  /** One subgraph request finished (`ok`, `error` or `timeout`), seconds. */
  fetched(subgraph: string, result: 'ok' | 'error' | 'timeout', seconds: number): void;
  /** A request was answered by an identical one already in flight. */
  deduplicated(subgraph: string): void;
}

/** Options of {@link createSubgraphFetcher}. */
export interface SubgraphFetcherOptions {
  subgraph: string;
  /** Longest wait for a subgraph answer, ms (then `GATEWAY_TIMEOUT`). */
  timeoutMs: number;
  /** Keep-alive connection pool shared by the gateway's subgraph fetchers. */
  agent: Agent;
  /** Share the answer of identical concurrent query fetches (same URL, headers and body). Default true. */
  deduplicate?: boolean;
  observer?: FetchObserver;
}

/** The keep-alive pool of the gateway's subgraph requests (undici). */
export function createSubgraphAgent(connectionsPerSubgraph = 128): Agent {
  return new Agent({ connections: connectionsPerSubgraph, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000 });
}

/** A subgraph fetch and the callers sharing it. */
interface InFlight {
  answer: Promise<Answer>;
  callers: number;
  body?: SharedBody;
}

/**
 * The fetcher of one subgraph's `RemoteGraphQLDataSource` (instead of @apollo/gateway's
 * make-fetch-happen): undici requests over a shared keep-alive pool, a per-subgraph deadline
 * for the whole answer that fails the fetch with `GATEWAY_TIMEOUT`, and deduplication of identical in-flight query
 * fetches — the same entity fetched by many concurrent operations costs the subgraph one
 * request (mutations are never shared). Each caller gets its own response over the shared body text.
 */
export function createSubgraphFetcher(options: SubgraphFetcherOptions): Fetcher {
  const inFlight = new Map<string, InFlight>();
  const targets = new Map<string, { origin: string; path: string }>(); // a data source has one URL: parse it once
  const fetchOnce = async (url: string, init: FetcherRequestInit): Promise<Answer> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1_000;
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      targets.set(url, (target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }));
    }
    // undici's request API (no WHATWG streams): the fastest client Node has. The deadline is a
    // race, not an abort: aborting a request made the pool drop its kept-alive connections after
    // every later answer (measured); the late request is ended by undici's own timeouts instead.
    const request = options.agent
      .request({
        origin: target.origin,
        path: target.path,
        method: (init.method ?? 'POST') as Dispatcher.HttpMethod,
        headers: init.headers ?? {},
        ...(init.body === undefined ? {} : { body: init.body }),
        headersTimeout: options.timeoutMs + 1_000,
        bodyTimeout: options.timeoutMs + 1_000,
      })
      .then(async (response): Promise<Answer> => {
        const body = await response.body.text();
        const headers = new Map<string, string>();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
        }
        return { url, status: response.statusCode, headers, body };
      });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GraphQLError(`${ERROR_CODES.GATEWAY_TIMEOUT.message} (${options.subgraph}, ${options.timeoutMs} ms)`, {
              extensions: { code: 'GATEWAY_TIMEOUT', subgraph: options.subgraph, timeoutMs: options.timeoutMs },
            }),
          ),
        options.timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([request, deadline]);
      options.observer?.fetched(options.subgraph, answer.status < 400 ? 'ok' : 'error', seconds());
      return answer;
    } catch (error) {
      options.observer?.fetched(options.subgraph, error instanceof GraphQLError ? 'timeout' : 'error', seconds());
      request.catch(() => undefined); // the late request's own failure is of no interest any more
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
  return async (url, init = {}) => {
    const key =
      options.deduplicate !== false && isQuery(init.body)
        ? `${url}\u0000${JSON.stringify(init.headers ?? {})}\u0000${init.body}`
        : undefined;
    let shared = key ? inFlight.get(key) : undefined;
    if (shared) {
      shared.callers += 1;
      options.observer?.deduplicated(options.subgraph);
    } else {
      shared = { answer: fetchOnce(url, init), callers: 1 };
      if (key) {
        inFlight.set(key, shared);
        // registered before any caller's await: the entry is gone before the first caller goes
        // on, so `callers` is final when the body is shared out
        void shared.answer.finally(() => inFlight.delete(key)).catch(() => undefined);
      }
    }
    const answer = await shared.answer;
    shared.body ??= new SharedBody(answer.body, shared.callers);
    return new AnswerResponse(answer, shared.body);
  };
}

/** Whether a subgraph request body is a query (not a mutation): only those may be shared. */
function isQuery(body: FetcherRequestInit['body']): boolean {
  if (typeof body !== 'string') return false;
  // the data source serialises `{ query, variables, operationName }` in that order
  const start = /^\{"query":"\s*(query\b|\{|mutation\b|subscription\b)/.exec(body)?.[1];
  if (start) return start === 'query' || start === '{';
  try {
    const query = (JSON.parse(body) as { query?: unknown }).query;
    return typeof query === 'string' && /^\s*(query\b|\{)/.test(query);
  } catch {
    return false;
  }
}
