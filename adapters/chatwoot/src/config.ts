import { z } from 'zod';

/** Configuration of a Chatwoot adapter instance (one account). Secrets: the tokens and the webhook secret. */
export const chatwootConfigSchema = z
  .object({
    /** Installation URL, e.g. `https://chat.example.com`. */
    baseUrl: z.url({ protocol: /^https?$/ }),
    accountId: z.number().int().positive(),
    /** A user's or agent bot's access token (Profile → Access token). */
    apiAccessToken: z.string().min(1),
    /** Secret of the account webhook (Chatwoot ≥ 4.11 signs deliveries with it; then signatures are required). */
    webhookSecret: z.string().min(16).optional(),
    /**
     * For Chatwoot versions that cannot sign: a random token (≥ 24 characters) that ends the
     * webhook URL configured in Chatwoot, `/webhooks/chatwoot/adapters/<adapter id>/<token>`.
     */
    webhookToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{24,128}$/, 'expected 24–128 URL-safe characters (A-Z a-z 0-9 _ -)')
      .optional(),
    resources: z
      .array(z.enum(['agents', 'teams', 'inboxes', 'contacts', 'conversations']))
      .min(1)
      .default(['agents', 'teams', 'inboxes', 'contacts', 'conversations']),
    /** Read every conversation's messages during a sync. */
    includeMessages: z.boolean().default(true),
    conversationStatus: z.enum(['open', 'resolved', 'pending', 'snoozed', 'all']).default('all'),
    /** Per request attempt, ms. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Client-side limit, e.g. `{ requests: 60, perMs: 60000 }`. */
    rateLimit: z.object({ requests: z.number().int().positive(), perMs: z.number().int().positive() }).strict().optional(),
  })
  .strict();

export type ChatwootConfig = z.infer<typeof chatwootConfigSchema>;
