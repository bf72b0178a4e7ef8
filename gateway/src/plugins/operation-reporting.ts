import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationUsage } from '@dictamesh/events';
import { orgOf } from '@dictamesh/runtime';
import type { GatewayContext } from '../context';

/** Receives every operation the gateway answered for a client (operations it runs for itself are left out). */
export type OperationObserver = (usage: OperationUsage) => void;

const MAX_CODES = 20;

/**
 * Reports each client operation once its response is ready (Apollo Server plugin): organisation,
 * caller, client name, operation name / type / id, estimated cost, duration and result — `ok`
 * (data, no errors), `partial` (data and errors), `error` (no data), `refused` (rejected before
 * execution: parse, validation, demand control, safelist). Metering (the usage stream) and the
 * per-operation metrics are its observers. Requests refused before Apollo Server runs
 * (credentials 401, rate limits 429) are not operations and are not reported.
 */
export function operationReportingPlugin(...observers: OperationObserver[]): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      if (contextValue.internal) return {};
      const started = performance.now();
      const occurredAt = new Date().toISOString();
      return {
        async willSendResponse({ response, operation, operationName, queryHash }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = body?.errors ?? [];
          const result: OperationUsage['result'] =
            body?.data === undefined ? 'refused' : body.data === null ? 'error' : errors.length > 0 ? 'partial' : 'ok';
          const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')))].slice(0, MAX_CODES);
          const usage: OperationUsage = {
            org: orgOf(contextValue.principal),
            subject: contextValue.principal.subject,
            clientName: request.http?.headers.get('apollographql-client-name')?.slice(0, 256) ?? null,
            operationName: (operationName ?? request.operationName ?? null)?.slice(0, 256) ?? null,
            operationType: operation?.operation ?? 'unknown',
            operationId: queryHash ?? null,
            cost: contextValue.cost ?? 0,
            durationMs: Math.round((performance.now() - started) * 1_000) / 1_000,
            result,
            errorCount: errors.length,
            ...(codes.length ? { errorCodes: codes } : {}),
            occurredAt,
          };
          for (const observe of observers) observe(usage);
        },
      };
    },
  };
}
