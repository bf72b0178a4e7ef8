// The container health check (Dockerfile HEALTHCHECK, compose, Helm exec probes):
//   node cli/dist/healthcheck.js
// GETs /readyz of every service DICTAMESH_SERVICES runs in this container, on the ports
// `dictamesh start` reads, and exits 0 when all are ready, else 1, printing one line. It loads
// no service package (the check runs every few seconds): only the `server` variables, through
// @dictamesh/runtime/env (the package's index would load Fastify, pino and OpenTelemetry).
import { z } from 'zod';
import { parseEnv } from '@dictamesh/runtime/env';
import { serverEnvSchema } from './env-server';
import { checkReadiness, readinessLine, readinessTargets } from './health/readiness';

const healthcheckEnvSchema = z.object({
  /** How long one /readyz may take, ms (the gateway's asks every subgraph). */
  HEALTHCHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4_000),
});

try {
  const { server, healthcheck } = parseEnv({ server: serverEnvSchema, healthcheck: healthcheckEnvSchema });
  const results = await checkReadiness(readinessTargets(server), healthcheck.HEALTHCHECK_TIMEOUT_MS);
  const line = readinessLine(results);
  const ready = results.every((r) => r.ready);
  (ready ? process.stdout : process.stderr).write(`${line}\n`);
  process.exitCode = ready ? 0 : 1;
} catch (error) {
  const [first, ...more] = (error as Error).message.split('\n').map((line) => line.trim());
  process.stderr.write(`error HEALTHCHECK_FAILED: ${[first, more.join('; ')].filter(Boolean).join(' ')}\n`);
  process.exitCode = 1;
}
