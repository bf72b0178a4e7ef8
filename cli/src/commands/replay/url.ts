import { usage } from '../../shell/failure';

/** The default base of the webhook endpoint (`WEBHOOK_PORT` 4002 of `dictamesh start`). */
export const DEFAULT_WEBHOOKS_URL = 'http://127.0.0.1:4002/webhooks';

/** The flags that name where `replay` delivers. */
export interface TargetOptions {
  /** The whole webhook URL. */
  url?: string;
  /** A Chatwoot account: `<webhooks>/<kind>/accounts/<n>` (development only: unverified deliveries). */
  account?: string;
  /** A registered adapter: `<webhooks>/<kind>/adapters/<id>` (the route to configure in the source). */
  adapter?: string;
  /** Adapter kind of the route. */
  kind: string;
  /** Base of the webhook endpoint. */
  webhooks: string;
  /** Token of a registration without a webhook secret, appended as the last path segment. */
  webhookToken?: string;
}

/**
 * The webhook URL `replay` posts to: `--url` as given, else `<webhooks>/<kind>/accounts/<n>` or
 * `<webhooks>/<kind>/adapters/<id>`, with `/<token>` appended for `--webhook-token`. There is no
 * default target: replaying into the wrong account is not undone.
 * @throws CliFailure `USAGE` unless exactly one of `--url`, `--account`, `--adapter` is given;
 *   for an account that is not a positive integer, an adapter id or base URL that is not valid
 */
export function webhookUrl(options: TargetOptions): string {
  const given = [options.url, options.account, options.adapter].filter((v) => v !== undefined).length;
  if (given !== 1) throw usage('say where to deliver: one of --account <n>, --adapter <id> or --url <webhook url>');
  let base: URL;
  try {
    base = new URL(options.url ?? options.webhooks);
  } catch {
    throw usage(`not a URL: ${options.url ?? options.webhooks}`);
  }
  const path = base.pathname.replace(/\/$/, '');
  if (options.account !== undefined) {
    if (!/^[1-9]\d{0,15}$/.test(options.account)) throw usage(`--account must be a positive integer, got "${options.account}"`);
    base.pathname = `${path}/${options.kind}/accounts/${options.account}`;
  } else if (options.adapter !== undefined) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.adapter)) throw usage(`--adapter must be an adapter id ([a-z0-9][a-z0-9-]{0,62})`);
    base.pathname = `${path}/${options.kind}/adapters/${options.adapter}`;
  }
  if (options.webhookToken) base.pathname = `${base.pathname.replace(/\/$/, '')}/${encodeURIComponent(options.webhookToken)}`;
  return base.toString();
}
