import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { activeTraceIds } from './telemetry';

export type { Logger };

/**
 * Creates the process logger: pino JSON lines on stdout, one field `service` naming the
 * component, and `trace_id` / `span_id` of the active span on lines logged inside one (so logs
 * and traces join). Secrets are redacted by path.
 *
 * @param service - component name (`gateway`, `catalog`, `adapter-chatwoot`, …)
 * @param level - pino level; `silent` in tests
 * @param destination - where lines go; default stdout
 */
export function createLogger(service: string, level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service },
    mixin: activeTraceIds,
    redact: { paths: ['req.headers.authorization', 'req.headers.api_access_token', '*.password', '*.secret'] },
  };
  return destination ? pino(options, destination) : pino(options);
}
