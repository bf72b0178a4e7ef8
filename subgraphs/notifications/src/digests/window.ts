/** One digest window: `[start, end)`. */
export interface DigestWindow {
  start: Date;
  end: Date;
}

/**
 * The digest window `now` falls in: windows of `windowSeconds` aligned on the Unix epoch, so every
 * trigger of the same window (whichever process accepts it) names the same window start.
 * `start = floor(epoch seconds / windowSeconds) * windowSeconds`, `end = start + windowSeconds`.
 * @param windowSeconds a positive integer (60 … 604 800 for digest settings)
 * @throws RangeError for a window that is not a positive integer
 */
export function digestWindow(now: Date, windowSeconds: number): DigestWindow {
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0)
    throw new RangeError(`digest window must be a positive integer of seconds: ${windowSeconds}`);
  const seconds = Math.floor(now.getTime() / 1000);
  const start = Math.floor(seconds / windowSeconds) * windowSeconds;
  return { start: new Date(start * 1000), end: new Date((start + windowSeconds) * 1000) };
}
