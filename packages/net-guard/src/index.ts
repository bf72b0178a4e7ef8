/**
 * @packageDocumentation
 * SCAFFOLD (issue 15, helper "channels"): the outbound-connection guard against server-side
 * request forgery (moved here from adapters/sdk/src/net so subgraphs can use it too).
 */
export {};
