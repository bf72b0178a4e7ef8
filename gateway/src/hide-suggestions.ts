import type { GraphQLFormattedError } from 'graphql';

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
    const message = result.message.replace(SUGGESTION, '');
    return message === result.message ? result : { ...result, message };
  };
}
