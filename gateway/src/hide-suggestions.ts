import { validate, type GraphQLFormattedError } from 'graphql';

type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

// graphql-js appends its suggestions as a last sentence: ` Did you mean "urn"?`,
// ` Did you mean "a", "b", or "c"?`, ` Did you mean the enum value "INCOMING"?`
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Wraps an error formatter so that no message carries graphql-js's "Did you mean …?"
 * suggestions, which name fields, arguments, types and enum values of the schema to a caller
 * guessing at them. Apollo Server's `hideSchemaDetailsFromClientErrors` strips them from
 * validation errors only; this also covers variable coercion errors (an unknown enum value or
 * input field in `variables`) raised by demand control and execution. For when introspection is
 * off: with it on, the schema is public anyway.
 */
export function withoutSuggestions(format: ErrorFormatter): ErrorFormatter {
  return (formatted, error) => {
    const result = format(formatted, error);
    const message = stripSuggestions(result.message);
    return message === result.message ? result : { ...result, message };
  };
}

/**
 * graphql-js's `validate` with the suggestions taken out of its errors' messages, for the
 * subscription transports (graphql-ws, graphql-sse), which validate documents themselves.
 */
export const validateWithoutSuggestions: typeof validate = (...args) =>
  validate(...args).map((error) => {
    error.message = stripSuggestions(error.message);
    return error;
  });

function stripSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}
