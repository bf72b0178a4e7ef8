/** Longest `response` / `error` kept on an attempt, characters. */
export const MAX_ATTEMPT_TEXT = 2_000;

/**
 * A provider's answer as stored on an attempt: every occurrence of each of `secrets` (an
 * endpoint's signing secrets, routing key, secret Slack URL) replaced by `[redacted]`, then cut
 * to {@link MAX_ATTEMPT_TEXT} characters. Undefined and '' give null.
 */
export function attemptText(text: string | undefined, secrets: readonly string[]): string | null {
  if (!text) return null;
  let clean = text;
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  return clean.length > MAX_ATTEMPT_TEXT ? clean.slice(0, MAX_ATTEMPT_TEXT) : clean;
}
