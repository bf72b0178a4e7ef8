import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '@dictamesh/runtime';

/** Routes kafkajs' own log lines into the service's pino logger (silent without one). */
export function kafkaLogCreator(log: Logger | undefined): logCreator {
  return () =>
    ({ level, log: entry }) => {
      if (!log) return;
      const { message, ...extra } = entry;
      const fields = { component: 'kafkajs', ...extra };
      if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.info(fields, message);
      else log.debug(fields, message);
    };
}
