import { Option, type Command } from 'commander';
import { CliFailure, usage } from './failure';

/** The default gateway endpoint (`dictamesh start` on this machine). */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000/graphql';

/** How a `dictamesh` command reaches a running DictaMesh: the gateway and the caller's credentials. */
export interface GatewayConnection {
  /** GraphQL endpoint of the gateway. */
  gateway: string;
  /** An API key (`dmk_…`), sent as `X-API-Key`. */
  apiKey?: string | undefined;
  /** A JWT, sent as `Authorization: Bearer`. */
  token?: string | undefined;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * The caller's credentials as HTTP headers: `X-API-Key` for an API key, `Authorization: Bearer`
 * for a token, none when anonymous (also for the subscription stream, `/graphql/stream`).
 * @throws CliFailure `USAGE` when both an API key and a token are given
 */
export function credentialHeaders(connection: GatewayConnection): Record<string, string> {
  if (connection.apiKey && connection.token) throw usage('give --api-key or --token, not both');
  if (connection.apiKey) return { 'x-api-key': connection.apiKey };
  if (connection.token) return { authorization: `Bearer ${connection.token}` };
  return {};
}

/**
 * Sends one GraphQL operation to the gateway with the caller's credentials.
 * @returns the answer's `data`
 * @throws CliFailure with the first error's code (`extensions.code`, e.g.
 *   `CONFIG_VERSION_CONFLICT`, `UNAUTHORIZED`) and its other extensions as details (the
 *   gateway's `serviceName` left out);
 *   `GATEWAY_UNREACHABLE` when the gateway does not answer, `GATEWAY_ERROR` when it answers
 *   without GraphQL; `USAGE` when both an API key and a token are given
 */
export async function gatewayRequest<T>(connection: GatewayConnection, query: string, variables: Record<string, unknown>): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...credentialHeaders(connection) };
  let response: Response;
  try {
    response = await fetch(connection.gateway, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new CliFailure('GATEWAY_UNREACHABLE', `${connection.gateway}: ${cause}`);
  }
  const text = await response.text();
  let answer: GraphQLAnswer<T>;
  try {
    answer = JSON.parse(text) as GraphQLAnswer<T>;
  } catch {
    throw new CliFailure('GATEWAY_ERROR', `${connection.gateway} answered HTTP ${response.status} without GraphQL: ${text.slice(0, 200)}`);
  }
  const first = answer.errors?.[0];
  if (first) {
    const { code, stacktrace: _stack, serviceName: _service, ...details } = first.extensions ?? {};
    throw new CliFailure(typeof code === 'string' ? code : 'GRAPHQL_ERROR', first.message, details);
  }
  if (!answer.data) throw new CliFailure('GATEWAY_ERROR', `${connection.gateway} answered HTTP ${response.status} without data`);
  return answer.data;
}

/** The connection flags of a command that talks to the gateway. */
export interface ConnectionOptions {
  gateway: string;
  apiKey?: string;
  token?: string;
}

/** Adds `--gateway`, `--api-key`, `--token` (with their environment variables). */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--gateway <url>', 'GraphQL endpoint of the gateway').env('DICTAMESH_GATEWAY_URL').default(DEFAULT_GATEWAY_URL))
    .addOption(new Option('--api-key <key>', 'API key (dmk_…), sent as X-API-Key').env('DICTAMESH_API_KEY'))
    .addOption(new Option('--token <jwt>', 'JWT, sent as Authorization: Bearer').env('DICTAMESH_TOKEN'));
}

/** The connection of the connection flags. */
export function connectionOf(options: ConnectionOptions): GatewayConnection {
  return { gateway: options.gateway, apiKey: options.apiKey, token: options.token };
}
