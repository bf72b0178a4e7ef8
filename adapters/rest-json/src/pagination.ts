import LinkHeader from 'http-link-header';
import { AdapterConfigError } from '@dictamesh/adapter-sdk';
import type { Pagination } from './config';
import { readPath } from './fields';

/** The list request of one page: a path (or absolute URL on the base origin) and its query. */
export interface PageRequest {
  path: string;
  query: Record<string, string | number | boolean>;
}

/**
 * The request for the page at `cursor` (null: the first page). Cursors by style: `page` → the
 * page number, `offset` → the offset, `cursor` → the source's cursor, `link-header` → the
 * next page's absolute URL.
 */
export function pageRequest(
  pagination: Pagination,
  listPath: string,
  query: Record<string, string | number | boolean>,
  cursor: string | null,
): PageRequest {
  switch (pagination.style) {
    case 'page': {
      const size = pagination.sizeParam && pagination.size ? { [pagination.sizeParam]: pagination.size } : {};
      return {
        path: listPath,
        query: { ...query, ...size, [pagination.pageParam]: cursor === null ? pagination.firstPage : Number(cursor) },
      };
    }
    case 'offset':
      return {
        path: listPath,
        query: { ...query, [pagination.offsetParam]: cursor === null ? 0 : Number(cursor), [pagination.limitParam]: pagination.limit },
      };
    case 'cursor': {
      const size = pagination.sizeParam && pagination.size ? { [pagination.sizeParam]: pagination.size } : {};
      return { path: listPath, query: { ...query, ...size, ...(cursor === null ? {} : { [pagination.cursorParam]: cursor }) } };
    }
    case 'link-header': {
      // the next URL carries every parameter the source wants; the first request carries ours
      if (cursor !== null) return { path: cursor, query: {} };
      const size = pagination.sizeParam && pagination.size ? { [pagination.sizeParam]: pagination.size } : {};
      return { path: listPath, query: { ...query, ...size } };
    }
    case 'none':
      return { path: listPath, query };
  }
}

/**
 * How many records the list holds, as the body says: the number at `totalPath` (offset style);
 * undefined when the style has no total or the body holds no non-negative number there.
 */
export function listTotal(pagination: Pagination, body: unknown): number | undefined {
  if (pagination.style !== 'offset' || !pagination.totalPath) return undefined;
  const raw = readPath(body, pagination.totalPath);
  const total = typeof raw === 'number' || (typeof raw === 'string' && raw.trim() !== '') ? Number(raw) : Number.NaN;
  return Number.isFinite(total) && total >= 0 ? Math.trunc(total) : undefined;
}

/**
 * The cursor of the page after the one just read, or null when it was the last.
 * @param requestUrl absolute URL of the request just made (relative `Link` targets resolve against it)
 * @throws AdapterConfigError when a `Link: rel="next"` points at another origin (credentials
 *   would follow it) — a misconfigured base URL or a hostile source
 */
export function nextCursor(
  pagination: Pagination,
  current: string | null,
  page: { body: unknown; items: unknown[]; headers: Record<string, string | string[] | undefined> },
  requestUrl: URL,
): string | null {
  switch (pagination.style) {
    case 'page': {
      const number = current === null ? pagination.firstPage : Number(current);
      const short = pagination.size !== undefined ? page.items.length < pagination.size : page.items.length === 0;
      return short ? null : String(number + 1);
    }
    case 'offset': {
      const offset = (current === null ? 0 : Number(current)) + page.items.length;
      const total = pagination.totalPath ? Number(readPath(page.body, pagination.totalPath)) : Number.NaN;
      const done = page.items.length < pagination.limit || (Number.isFinite(total) && offset >= total);
      return done ? null : String(offset);
    }
    case 'cursor': {
      const next = readPath(page.body, pagination.nextCursorPath);
      return (typeof next === 'string' && next !== '') || typeof next === 'number' ? String(next) : null;
    }
    case 'link-header': {
      const raw = page.headers.link;
      const header = Array.isArray(raw) ? raw.join(', ') : raw;
      const target = header ? LinkHeader.parse(header).rel('next')[0]?.uri : undefined;
      if (!target) return null;
      const next = new URL(target, requestUrl);
      if (next.origin !== requestUrl.origin) {
        throw new AdapterConfigError('rest-json', [
          { path: 'baseUrl', message: `the source's next-page link leaves ${requestUrl.origin} (${next.origin}); not followed` },
        ]);
      }
      return next.href;
    }
    case 'none':
      return null;
  }
}
