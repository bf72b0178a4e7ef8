import Handlebars from 'handlebars';
import { DateTime } from 'luxon';

/** What a template's helpers read from Handlebars' `@data` while rendering. */
export interface RenderData {
  /** BCP 47 locale of the template (dates and numbers are formatted in it). */
  locale: string;
  /** IANA time zone dates are shown in (default `UTC`). */
  timezone: string;
}

/** Block helpers templates may use: Handlebars' own, which change the context (`with`, `each`) or not (`if`, `unless`). */
export const BLOCK_HELPERS = ['if', 'unless', 'each', 'with'] as const;

/** Helpers registered on the template environment (`{{formatDate occurredAt "yyyy-MM-dd"}}`, `{{join changedFields ", "}}`, `(eq operation "created")`). */
export const VALUE_HELPERS = ['formatDate', 'formatNumber', 'join', 'eq'] as const;

/** Every helper a template may name; anything else is refused when the template is saved. */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set<string>([...BLOCK_HELPERS, ...VALUE_HELPERS]);

type HelperOptions = Handlebars.HelperOptions & { data?: { root?: unknown } & Partial<RenderData> };

const DATE_PRESETS: Record<string, Intl.DateTimeFormatOptions> = {
  date: DateTime.DATE_MED,
  datetime: DateTime.DATETIME_MED,
  full: DateTime.DATETIME_FULL,
};

/**
 * `{{formatDate value [format]}}`: an ISO-8601 string (or Date) in the render's locale and time
 * zone; `format` is `datetime` (default), `date`, `full`, `iso` or a Luxon token format
 * (`yyyy-MM-dd HH:mm`). A value that is no date is shown as it is (never throws at send time).
 */
function formatDate(value: unknown, ...rest: unknown[]): string {
  const options = rest.pop() as HelperOptions;
  const format = typeof rest[0] === 'string' ? rest[0] : 'datetime';
  const locale = options.data?.locale ?? 'en';
  const zone = options.data?.timezone ?? 'UTC';
  const parsed =
    value instanceof Date ? DateTime.fromJSDate(value) : typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!parsed?.isValid) return value === undefined || value === null ? '' : String(value);
  const local = parsed.setZone(zone).setLocale(locale);
  if (format === 'iso') return local.toISO() ?? '';
  const preset = DATE_PRESETS[format];
  return preset ? local.toLocaleString(preset) : local.toFormat(format);
}

/** `{{formatNumber value}}`: a number in the render's locale (`1 234,5` in `fr`); anything else as it is. */
function formatNumber(value: unknown, options: HelperOptions): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value === undefined || value === null ? '' : String(value);
  return new Intl.NumberFormat(options.data?.locale ?? 'en').format(value);
}

/** `{{join list [separator]}}`: the items of an array joined (default `, `). */
function join(list: unknown, ...rest: unknown[]): string {
  rest.pop();
  const separator = typeof rest[0] === 'string' ? rest[0] : ', ';
  return Array.isArray(list) ? list.map((item) => (item === null || item === undefined ? '' : String(item))).join(separator) : '';
}

/** `(eq a b)`: strict equality, for `{{#if (eq operation "deleted")}}`. */
function eq(a: unknown, b: unknown): boolean {
  return a === b;
}

/**
 * The isolated Handlebars environment of notification templates: only {@link KNOWN_HELPERS}
 * (Handlebars' `lookup` and `log` are removed), no partials, prototype access denied (Handlebars'
 * default).
 */
export const templateEnv: typeof Handlebars = Handlebars.create();
templateEnv.unregisterHelper('lookup');
templateEnv.unregisterHelper('log');
templateEnv.registerHelper({ formatDate, formatNumber, join, eq });

/** Compile options: strict lookups (a missing field throws), known helpers only. `noEscape` for text parts, escaping for HTML. */
export function compileOptions(html: boolean): CompileOptions {
  return {
    strict: true,
    knownHelpersOnly: true,
    knownHelpers: {
      lookup: false,
      log: false,
      helperMissing: false,
      blockHelperMissing: false,
      formatDate: true,
      formatNumber: true,
      join: true,
      eq: true,
    },
    noEscape: !html,
  };
}
