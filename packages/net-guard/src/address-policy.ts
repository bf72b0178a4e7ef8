import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { defaultForbidden, markForbidden, type ForbiddenErrorFactory } from './forbidden';

/** One resolved address of a host name (as `dns.lookup` with `all: true` gives them). */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses; the guard connects only to addresses it returned and checked. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Which hosts outgoing connections (adapter sources, notification webhooks) may
 * reach. By default only public unicast addresses: a tenant-configured URL must not reach the
 * services next to DictaMesh (server-side request forgery).
 */
export interface OutboundPolicy {
  /** Allow every address, loopback and private ones included (development). Default false. */
  allowPrivateNetworks?: boolean;
  /**
   * Operator allow-list (`ADAPTER_ALLOWED_HOSTS`): host names (exact, case-insensitive; every
   * address they resolve to is allowed) and addresses or CIDR ranges (`10.0.0.0/8`,
   * `fd00::/8`, `192.168.1.20`) allowed whatever name led to them.
   */
  allowedHosts?: readonly string[];
  /** How host names are resolved. Default: the system resolver (`dns.lookup`, every address). */
  resolve?: Resolver;
  /**
   * The error a refused connection fails with (e.g. the adapter SDK's `SOURCE_ADDRESS_FORBIDDEN`,
   * notifications' `NOTIFICATION_ENDPOINT_FORBIDDEN`). Default: an {@link AddressForbiddenError}.
   */
  forbidden?: ForbiddenErrorFactory;
}

/** Policy of production: public addresses only. */
export const PUBLIC_ONLY: OutboundPolicy = Object.freeze({});

/**
 * Whether an address is public unicast: not loopback, private (RFC 1918, unique local
 * fc00::/7), link-local (169.254.0.0/16 — cloud metadata —, fe80::/10), unspecified, CGNAT
 * (100.64.0.0/10), multicast, broadcast or reserved, nor an IPv6 form carrying an IPv4
 * address (IPv4-mapped ones are judged as the IPv4 address; NAT64, 6to4 and Teredo are
 * refused). The ranges are ipaddr.js's special-purpose registry (IANA).
 * @param address an IPv4 or IPv6 literal (no brackets); anything else is not public
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/**
 * Throws unless `address` is public ({@link isPublicAddress}) or the policy allows it.
 * @param host what the tenant configured (named in the error)
 * @throws the policy's `forbidden` error (default {@link AddressForbiddenError})
 */
export function assertPublicAddress(address: string, host: string = address, policy: OutboundPolicy | AddressGuard = PUBLIC_ONLY): void {
  const guard = policy instanceof AddressGuard ? policy : new AddressGuard(policy);
  if (!guard.permits(host, address)) throw guard.refuse(host);
}

/**
 * Checks of one {@link OutboundPolicy}: which (host, address) pairs may be connected to, and
 * the resolution that feeds them.
 */
export class AddressGuard {
  private readonly names = new Set<string>();
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  private readonly resolver: Resolver;
  private readonly forbidden: ForbiddenErrorFactory;
  readonly allowAll: boolean;

  /** @throws Error naming an allow-list entry that is neither a host name nor an address / CIDR */
  constructor(policy: OutboundPolicy = PUBLIC_ONLY) {
    this.allowAll = policy.allowPrivateNetworks === true;
    this.resolver = policy.resolve ?? systemResolver;
    this.forbidden = policy.forbidden ?? defaultForbidden;
    for (const entry of policy.allowedHosts ?? []) {
      const range = parseRange(entry);
      if (range) this.ranges.push(range);
      else if (isHostName(entry)) this.names.add(normalise(entry));
      else throw new Error(`"${entry}" is neither a host name nor an IP address or CIDR range`);
    }
  }

  /** Whether `host` (as configured) may be reached at `address` (an IP literal). */
  permits(host: string, address: string): boolean {
    if (this.allowAll || this.names.has(normalise(host))) return true;
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    if (parsed.range() === 'unicast') return true;
    return this.ranges.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits));
  }

  /** Whether a host name is on the allow-list by name (or everything is allowed). */
  permitsName(host: string): boolean {
    return this.allowAll || this.names.has(normalise(host));
  }

  /** The error of a refused connection to `host` (the policy's `forbidden`), marked for {@link isAddressForbidden}. */
  refuse(host: string): Error {
    return markForbidden(this.forbidden(host));
  }

  /**
   * The addresses of `hostname` this guard lets a connection use, in resolver order.
   * @throws the policy's `forbidden` error when it resolves to none that are allowed; resolver errors (ENOTFOUND) as thrown
   */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const addresses = await this.resolver(hostname);
    const allowed = addresses.filter((a) => this.permits(hostname, a.address));
    if (allowed.length === 0) throw this.refuse(hostname);
    return allowed;
  }

  /**
   * Checks a host before it is saved (a webhook URL's): an address literal as it is, a host name
   * by resolving it — every address it resolves to must be allowed (a name with one internal
   * answer is refused even if others are public).
   * @param host a host name or an address literal (IPv6 with or without brackets)
   * @throws the policy's `forbidden` error; resolver errors (ENOTFOUND) as thrown
   */
  async check(host: string): Promise<void> {
    const literal = host.replace(/^\[(.*)\]$/, '$1');
    if (ipaddr.isValid(literal)) {
      if (!this.permits(host, literal)) throw this.refuse(host);
      return;
    }
    if (this.permitsName(literal)) return;
    const addresses = await this.resolver(literal);
    if (addresses.length === 0 || addresses.some((a) => !this.permits(literal, a.address))) throw this.refuse(host);
  }
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** `10.0.0.0/8`, `fd00::/8` or a single address (as /32 or /128); undefined for anything else. */
function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const text = entry.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValidCIDR(text)) {
    const [network, bits] = ipaddr.parseCIDR(text);
    return [network, bits];
  }
  if (ipaddr.isValid(text)) {
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  return undefined;
}

/** RFC 1123 host name: labels of letters, digits and hyphens, at most 253 characters. */
function isHostName(entry: string): boolean {
  const name = normalise(entry);
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}

function normalise(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}
