import { z } from 'zod';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const TYPE = /^[a-z0-9_]+$/;
/** A dotted path into a JSON body (`data.items`, `attributes.updated_at`); empty = the body itself. */
const fieldPath = z.string().regex(/^([A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*)?$/, 'expected a dotted path such as data.items');

/**
 * How a list endpoint pages:
 * - `page`: 1-based (or `firstPage`) page number in `pageParam`; the last page is short or empty;
 * - `offset`: `offsetParam` / `limitParam`; the last page is short, or `offset ≥ totalPath`;
 * - `cursor`: the body holds the next cursor at `nextCursorPath`, sent back in `cursorParam`;
 *   missing / null / empty ends the list;
 * - `link-header`: RFC 8288 `Link: <…>; rel="next"` (GitHub, Shopify style); the next URL must
 *   stay on the base URL's origin;
 * - `none`: one request returns everything.
 */
export const paginationSchema = z.discriminatedUnion('style', [
  z
    .object({
      style: z.literal('page'),
      pageParam: z.string().min(1).default('page'),
      sizeParam: z.string().min(1).optional(),
      size: z.number().int().positive().max(10_000).optional(),
      firstPage: z.number().int().min(0).default(1),
    })
    .strict(),
  z
    .object({
      style: z.literal('offset'),
      offsetParam: z.string().min(1).default('offset'),
      limitParam: z.string().min(1).default('limit'),
      limit: z.number().int().positive().max(10_000).default(100),
      totalPath: fieldPath.optional(),
    })
    .strict(),
  z
    .object({
      style: z.literal('cursor'),
      cursorParam: z.string().min(1).default('cursor'),
      nextCursorPath: fieldPath,
      sizeParam: z.string().min(1).optional(),
      size: z.number().int().positive().max(10_000).optional(),
    })
    .strict(),
  z
    .object({
      style: z.literal('link-header'),
      sizeParam: z.string().min(1).optional(),
      size: z.number().int().positive().max(10_000).optional(),
    })
    .strict(),
  z.object({ style: z.literal('none') }).strict(),
]);

/** A relationship read from a field of each record: the field holds the target's source id. */
const relationshipSchema = z
  .object({
    /** Field with the target's id (`company_id`); absent or null → no edge. */
    field: fieldPath.min(1),
    /** UPPER_SNAKE relationship type read from this record's side (`WORKS_AT`). */
    type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected UPPER_SNAKE_CASE'),
    /** Entity type of the target, in the same source (`company`). */
    entityType: z.string().regex(TYPE, 'expected lower_snake_case'),
    cardinality: z.enum(['ONE_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_ONE', 'MANY_TO_MANY']).default('MANY_TO_ONE'),
  })
  .strict();

/** One list endpoint read as one entity type. */
export const resourceSchema = z
  .object({
    /** Resource name, used in checkpoints and `list()` (`customers`). */
    name: z.string().regex(NAME, 'expected lower-case letters, digits, - or _'),
    /** Entity type of its records (`customer`). */
    entityType: z.string().regex(TYPE, 'expected lower_snake_case'),
    /** List endpoint, relative to `baseUrl` (`/v2/customers`). */
    path: z.string().min(1),
    /** Endpoint of one record; `{id}` is replaced (default `<path>/{id}`). */
    itemPath: z.string().includes('{id}').optional(),
    /** Where the records are in a list body (`data`); empty when the body is the array. */
    itemsPath: fieldPath.default(''),
    idField: fieldPath.min(1).default('id'),
    /** Source modification time (ISO-8601 string or Unix seconds / ms); absent → every run re-publishes. */
    updatedAtField: fieldPath.min(1).optional(),
    displayNameField: fieldPath.min(1).optional(),
    /** Field that, when truthy (`deleted_at`, `archived`), turns the record into a `deleted` change. */
    deletedField: fieldPath.min(1).optional(),
    /** Query parameter a source filters by modification time with (`updated_since`); sent with the watermark in incremental runs. */
    updatedSinceParam: z.string().min(1).optional(),
    /** Fixed query parameters of every list request (`{ "status": "all" }`). */
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    pagination: paginationSchema.default({ style: 'none' }),
    relationships: z.array(relationshipSchema).default([]),
  })
  .strict();

/** Credentials sent with every request. Secret fields: `token`, `key`, `clientSecret`. */
const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
  z.object({ type: z.literal('api-key'), header: z.string().min(1), key: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('oauth2-client-credentials'),
      tokenUrl: z.url({ protocol: /^https?$/ }),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      scope: z.string().optional(),
    })
    .strict(),
]);

/**
 * Configuration of a `rest-json` adapter instance: any JSON API described declaratively.
 * Entities get URNs `dictamesh:<source>:<entityType>:<id>`.
 */
export const restJsonConfigSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** Source name in URNs and events (`crm`); lower-case. */
    source: z.string().regex(NAME, 'expected lower-case letters, digits, - or _'),
    /** Business domain of the entities (`sales`). */
    domain: z.string().min(1).default('rest'),
    auth: authSchema.default({ type: 'none' }),
    /** Extra headers of every request (not secret; use `auth` for credentials). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Endpoint the health check GETs (default: the first resource's list path). */
    healthPath: z.string().min(1).optional(),
    resources: z
      .array(resourceSchema)
      .min(1)
      .refine((list) => new Set(list.map((r) => r.name)).size === list.length, 'resource names must be unique'),
    /** Per request attempt, ms. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Client-side limit, e.g. `{ requests: 10, perMs: 1000 }`. */
    rateLimit: z.object({ requests: z.number().int().positive(), perMs: z.number().int().positive() }).strict().optional(),
  })
  .strict();

export type RestJsonConfig = z.infer<typeof restJsonConfigSchema>;
export type RestResource = z.infer<typeof resourceSchema>;
export type Pagination = z.infer<typeof paginationSchema>;
