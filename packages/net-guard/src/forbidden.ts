/**
 * The error of a refused connection when the policy names none of its own: the host as it was
 * configured (a name, an address literal or a socket path), never the address it resolved to.
 */
export class AddressForbiddenError extends Error {
  constructor(
    /** Host name or address literal as configured (`hooks.example.com`, `127.0.0.1`, a socket path). */
    readonly host: string,
  ) {
    super(`Connections to "${host.slice(0, 253)}" are refused: it is not a public address.`);
    this.name = 'AddressForbiddenError';
  }
}

/** Builds the error of a refused connection to `host` (what the caller's users should see, e.g. a DictaMeshError with its own code). */
export type ForbiddenErrorFactory = (host: string) => Error;

/** Default {@link ForbiddenErrorFactory}: an {@link AddressForbiddenError}. */
export const defaultForbidden: ForbiddenErrorFactory = (host) => new AddressForbiddenError(host);

const refusals = new WeakSet<Error>();

/** Marks an error as the guard's refusal (so wrappers such as `fetch` can hand it out unwrapped). */
export function markForbidden<E extends Error>(error: E): E {
  refusals.add(error);
  return error;
}

/** Whether `error` is a refusal of the guard (whatever error type its policy builds). */
export function isAddressForbidden(error: unknown): error is Error {
  return error instanceof Error && refusals.has(error);
}
