import type { EntityChange } from '@dictamesh/events';

/**
 * Collects the entity changes of one webhook delivery, one per URN: a full view of an
 * entity wins over a partial one (an entity embedded in another's payload), and partial
 * views of the same entity are merged.
 */
export class ChangeSet {
  private readonly byUrn = new Map<string, EntityChange>();

  add(change: EntityChange): void {
    const existing = this.byUrn.get(change.urn);
    if (!existing || (existing.partial && !change.partial)) {
      this.byUrn.set(change.urn, change);
    } else if (existing.partial && change.partial) {
      existing.attributes = { ...existing.attributes, ...change.attributes };
      existing.displayName ??= change.displayName ?? null;
    }
  }

  list(): EntityChange[] {
    return [...this.byUrn.values()];
  }
}

/** Operation of the event's main entity: `<type>_created` → created, everything else → updated. */
export function operationOf(eventName: string): 'created' | 'updated' {
  return eventName.endsWith('_created') ? 'created' : 'updated';
}
