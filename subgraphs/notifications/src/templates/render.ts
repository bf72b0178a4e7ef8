import type { NotificationChannel, NotificationTemplate, PrismaClient } from '@dictamesh/db';
import { DictaMeshError, err } from '@dictamesh/runtime';
import { checkVariables, valueAt } from './check';
import { compileOptions, templateEnv, type RenderData } from './handlebars';
import { findTemplate } from './lookup';
import { variablesFromJson, type TemplateVariable } from './variables';

/** A template rendered with its variables. */
export interface Rendered {
  /** Subject / title on one line (whitespace collapsed); null when the template has none. */
  subject: string | null;
  /** Text body. */
  text: string;
  /** HTML body (variables HTML-escaped); null when the template has none. */
  html: string | null;
  templateVersion: number;
  /** The locale of the template used (after fallback). */
  locale: string;
}

/** Options of {@link renderTemplate}. */
export interface RenderOptions {
  /** IANA time zone `formatDate` shows dates in (default `UTC`). */
  timezone?: string;
}

interface Compiled {
  subject: HandlebarsTemplateDelegate | null;
  body: HandlebarsTemplateDelegate;
  html: HandlebarsTemplateDelegate | null;
}

/** Compiled templates by id (a template row never changes: a new version is a new row). */
const compiled = new Map<string, Compiled>();
/** Most compiled templates kept; the oldest is dropped beyond. */
const MAX_COMPILED = 500;

function compile(template: NotificationTemplate): Compiled {
  const hit = compiled.get(template.id);
  if (hit) return hit;
  const text = compileOptions(false);
  const entry: Compiled = {
    subject: template.subject === null ? null : templateEnv.compile(template.subject, text),
    body: templateEnv.compile(template.body, text),
    html: template.html === null ? null : templateEnv.compile(template.html, compileOptions(true)),
  };
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(template.id, entry);
  return entry;
}

/** A copy of `values` where every absent optional declared variable is null (strict mode then renders it empty). */
function withOptionalNulls(declared: readonly TemplateVariable[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(values);
  for (const v of declared) {
    if (v.required || valueAt(out, v.name) !== undefined) continue;
    const keys = v.name.split('.');
    let target: Record<string, unknown> = out;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (next === null || next === undefined) target[key] = {};
      else if (typeof next !== 'object') break;
      target = target[key] as Record<string, unknown>;
    }
    target[keys.at(-1)!] ??= null;
  }
  return out;
}

/**
 * Renders a template (pure apart from the compile cache): the variables are checked against its
 * declarations first, then subject and body are rendered without HTML escaping and `html` with it.
 * @throws DictaMeshError `NOTIFICATION_VARIABLES_INVALID` `{ problems: { name, problem }[] }`
 */
export function renderTemplate(template: NotificationTemplate, variables: Record<string, unknown>, options: RenderOptions = {}): Rendered {
  const declared = variablesFromJson(template.variables);
  checkVariables(declared, variables);
  const context = withOptionalNulls(declared, variables);
  const data: RenderData = { locale: template.locale, timezone: options.timezone ?? 'UTC' };
  const parts = compile(template);
  try {
    const run = (fn: HandlebarsTemplateDelegate) =>
      fn(context, { data, allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    return {
      subject: parts.subject ? run(parts.subject).replace(/\s+/g, ' ').trim() : null,
      text: run(parts.body),
      html: parts.html ? run(parts.html) : null,
      templateVersion: template.version,
      locale: template.locale,
    };
  } catch (error) {
    if (error instanceof DictaMeshError) throw error;
    // strict mode: a path below a declared OBJECT/ARRAY that the values lack
    const message = String((error as Error).message ?? error).split('\n')[0]!;
    throw err('NOTIFICATION_VARIABLES_INVALID', undefined, { problems: [{ name: '', problem: message }] });
  }
}

/** What {@link renderNotification} renders. */
export interface RenderQuery {
  orgId: string;
  typeKey: string;
  channel: NotificationChannel;
  locale: string;
  variables: Record<string, unknown>;
  /** IANA time zone of dates (default `UTC`). */
  timezone?: string;
}

/**
 * Finds the template in use ({@link findTemplate}: org → platform, locale chain, channel →
 * IN_APP, highest version) and renders it.
 * @throws DictaMeshError `NOTIFICATION_TEMPLATE_UNKNOWN` `{ typeKey, channel, locale }`, `NOTIFICATION_VARIABLES_INVALID`
 */
export async function renderNotification(prisma: PrismaClient, q: RenderQuery): Promise<Rendered> {
  const template = await findTemplate(prisma, q);
  if (!template) throw err('NOTIFICATION_TEMPLATE_UNKNOWN', undefined, { typeKey: q.typeKey, channel: q.channel, locale: q.locale });
  return renderTemplate(template, q.variables, q.timezone === undefined ? {} : { timezone: q.timezone });
}
