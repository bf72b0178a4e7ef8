/** Files that must be delivered one after the other, in name order (one entity's deliveries). */
export interface OrderedGroup {
  key: string;
  files: string[];
}

const id = (value: unknown): string | null => (typeof value === 'number' || typeof value === 'string' ? String(value) : null);

/**
 * The entity whose deliveries must keep their order, from a Chatwoot webhook body:
 * `conversation:<id>` for conversation events (`id`) and for messages (`conversation.id`),
 * `contact:<id>` for contact events, else null (the delivery is independent). The catalog
 * applies the last writer by source time, but deliveries without a source time take their
 * arrival time, and partial views merge into the stored state: so two deliveries of one
 * conversation are sent in name order, never at once.
 */
export function orderKeyOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const { event, id: bodyId, conversation } = body as { event?: unknown; id?: unknown; conversation?: unknown };
  const conversationId = conversation && typeof conversation === 'object' ? id((conversation as { id?: unknown }).id) : null;
  if (conversationId) return `conversation:${conversationId}`;
  if (typeof event === 'string' && event.startsWith('conversation_') && id(bodyId)) return `conversation:${id(bodyId)}`;
  if (typeof event === 'string' && event.startsWith('contact_') && id(bodyId)) return `contact:${id(bodyId)}`;
  return null;
}

/**
 * Groups files (given in name order) by {@link orderKeyOf} of their JSON body: files of one
 * entity in one group, in name order; a file of no entity (or not JSON) alone. Groups are in
 * the order of their first file.
 */
export function orderedGroups(files: ReadonlyArray<{ name: string; body: string }>): OrderedGroup[] {
  const groups = new Map<string, OrderedGroup>();
  for (const file of files) {
    let body: unknown = null;
    try {
      body = JSON.parse(file.body);
    } catch {
      // not JSON: delivered alone, and the endpoint says what is wrong with it
    }
    const key = orderKeyOf(body) ?? `file:${file.name}`;
    const group = groups.get(key) ?? { key, files: [] };
    group.files.push(file.name);
    groups.set(key, group);
  }
  return [...groups.values()];
}
