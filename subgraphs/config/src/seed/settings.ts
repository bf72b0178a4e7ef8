import type { DictaMeshSetting } from '@dictamesh/config-client';
import type { ConfigScopeRef } from '@dictamesh/events';
import { DictaMeshError } from '@dictamesh/runtime';
import type { ConfigServices } from '../context';
import { writeConfig, type WriteActor } from '../store/write';

/** Who seeds DictaMesh's own setting schemas: DictaMesh itself. */
export const SETTINGS_AUTHOR: WriteActor = { subject: 'dictamesh', method: 'internal', requestId: null, ip: null, userAgent: null };

/**
 * Where the schemas of DictaMesh's settings are seeded: the platform scope itself, which every
 * environment and service inherits (a scope cannot name a service without an environment, and
 * the registry's keys are unique across services).
 */
export const SETTINGS_SCOPE: ConfigScopeRef = { orgId: null, environment: '', service: '', component: '' };

/** What {@link seedSettingSchemas} did, by key. */
export interface SeedResult {
  /** Schemas written now. */
  seeded: string[];
  /** Keys that already had a schema there (an operator's, or an earlier start's): left as they are. */
  kept: string[];
  /** Keys whose schema could not be written (a value there breaks it): logged. */
  failed: string[];
}

/**
 * Seeds the JSON Schema of each DictaMesh setting (`DICTAMESH_SETTINGS` of
 * @dictamesh/config-client) at the platform scope, as SCHEMA writes by `dictamesh`, when the key
 * has no schema there yet; never overwrites one. Several config service instances starting at
 * once write each schema once (compare-and-set on the version read). Never throws: a schema that
 * cannot be written is logged and the service starts.
 */
export async function seedSettingSchemas(services: ConfigServices, settings: readonly DictaMeshSetting[]): Promise<SeedResult> {
  const result: SeedResult = { seeded: [], kept: [], failed: [] };
  for (const setting of settings) {
    const entry = await services.prisma.configEntry.findFirst({
      where: { orgId: null, environment: '', service: '', component: '', key: setting.key },
      select: { jsonSchema: true, version: true, description: true },
    });
    if (entry && entry.jsonSchema !== null) {
      result.kept.push(setting.key);
      continue;
    }
    try {
      await writeConfig(services, SETTINGS_AUTHOR, {
        scope: SETTINGS_SCOPE,
        key: setting.key,
        operation: 'SCHEMA',
        jsonSchema: setting.schema,
        ...(entry?.description ? {} : { description: `${setting.service}: ${setting.description}` }),
        expectedVersion: entry?.version ?? 0,
        reason: 'DictaMesh setting schema, seeded at start',
      });
      result.seeded.push(setting.key);
    } catch (error) {
      if (error instanceof DictaMeshError && error.code === 'CONFIG_VERSION_CONFLICT') {
        result.kept.push(setting.key); // another instance seeded it meanwhile
        continue;
      }
      result.failed.push(setting.key);
      services.log.warn({ err: error, key: setting.key }, 'DictaMesh setting schema not seeded');
    }
  }
  if (result.seeded.length) services.log.info({ keys: result.seeded }, 'DictaMesh setting schemas seeded');
  return result;
}
