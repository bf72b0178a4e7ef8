import { AddressGuard, type Resolver } from '@dictamesh/net-guard';
import { DictaMeshError, err } from '@dictamesh/runtime';
import { endpointPolicy } from '../channels/http/endpoint-fetch';

/** Longest endpoint URL, characters. */
export const MAX_URL_CHARS = 2_048;

/**
 * Checks an endpoint URL before it is saved: an absolute `https` URL (also `http` when private
 * networks are allowed, development) without credentials, whose host is an address literal or
 * a name resolving only to addresses the net-guard allows (public ones; any in development).
 * Delivery checks every connection again (DNS may change).
 * @returns the parsed URL
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_FORBIDDEN` `{ problems }` (the host, never what it resolved to)
 */
export async function checkEndpointUrl(text: string, options: { allowPrivateNetworks: boolean; resolve?: Resolver }): Promise<URL> {
  const refuse = (problem: string) => err('NOTIFICATION_ENDPOINT_FORBIDDEN', undefined, { problems: [problem] });
  if (text.length > MAX_URL_CHARS) throw refuse(`the URL is longer than ${MAX_URL_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('not an absolute URL');
  }
  const schemes = options.allowPrivateNetworks ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw refuse(`the scheme must be ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`);
  if (url.username || url.password) throw refuse('credentials in the URL are not allowed');
  try {
    await new AddressGuard(endpointPolicy(options)).check(url.hostname);
  } catch (error) {
    if (error instanceof DictaMeshError && error.code === 'NOTIFICATION_ENDPOINT_FORBIDDEN')
      throw refuse(`"${url.hostname}" is not a public address`);
    throw refuse(`"${url.hostname}" does not resolve`);
  }
  return url;
}
