import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Creates the process logger: pino JSON lines on stdout, one field `service` naming the
 * component. Secrets are redacted by path.
 *
 * @param service - component name (`gateway`, `catalog`, `adapter-chatwoot`, …)
 * @param level - pino level; `silent` in tests
 */
export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: ['req.headers.authorization', 'req.headers.api_access_token', '*.password', '*.secret'] },
  });
}
