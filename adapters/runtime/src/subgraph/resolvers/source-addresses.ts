import { isIP } from 'node:net';

/** `scheme://…` up to whitespace or a quote. */
const URLS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** Runs of characters an address (IPv4, IPv6, `[v6]:port`, `v4:port`) is made of. */
const ADDRESS_LIKE = /[0-9A-Fa-f.:[\]%]*[.:][0-9A-Fa-f.:[\]%]*/g;
/** Configuration keys whose string values name a host. */
const HOST_KEYS = /^(host|hostname|server|address)$/i;
/** Most configuration values looked at. */
const MAX_VALUES = 1_000;

/**
 * `text` (an adapter's `lastError` or health message) without the addresses of its source: every
 * URL becomes `<url>`, every IP address (v4 or v6, with or without a port) and every host named
 * in the adapter's configuration (the host of each URL-valued field, the value of `host`-like
 * fields) becomes `<host>`. For callers who may not read the configuration they come from
 * (issue 11, point 7: `lastError` showed the base URL, e.g. of an internal service).
 * @param config the adapter's configuration without its secrets (`Adapter.config`)
 */
export function withoutSourceAddresses(text: string, config: unknown): string {
  let out = text.replace(URLS, '<url>');
  for (const host of hostsIn(config).sort((a, b) => b.length - a.length)) {
    const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![A-Za-z0-9.-])${escaped}(?::\\d{1,5})?(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`, 'gi'), '<host>');
  }
  return out.replace(ADDRESS_LIKE, (run) => (isAddress(run) ? `<host>${/[.:]*$/.exec(run)![0]}` : run));
}

/** Whether a run like `127.0.0.1:9`, `[::1]:5432`, `fe80::1%eth0` or `10.0.0.5.` is an IP address, port or final dot aside. */
function isAddress(run: string): boolean {
  const trimmed = run.replace(/[.:]+$/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed);
  if (bracketed) return isIP(bracketed[1]!) !== 0;
  if (isIP(trimmed) !== 0) return true;
  const withPort = /^([^:]+):\d{1,5}$/.exec(trimmed); // v4:port (a v6 address has several colons)
  return withPort !== null && isIP(withPort[1]!) === 4;
}

/** Host names in a configuration: of URL-valued strings, and the values of `host`-like keys. */
function hostsIn(config: unknown): string[] {
  const hosts = new Set<string>();
  const stack: Array<[unknown, string]> = [[config, '']];
  for (let seen = 0; stack.length > 0 && seen < MAX_VALUES; seen += 1) {
    const [value, key] = stack.pop()!;
    if (typeof value === 'string') {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        const hostname = URL.canParse(value) ? new URL(value).hostname.replace(/^\[|\]$/g, '') : '';
        if (hostname.length > 1) hosts.add(hostname);
      } else if (HOST_KEYS.test(key) && value.length > 1) hosts.add(value);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push([v, k]);
    }
  }
  return [...hosts];
}
