import { watch, type FSWatcher } from 'node:fs';
import { dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupergraphManager } from '@apollo/gateway';
import type { Logger } from '@dictamesh/runtime';
import { composeSdl, composeSupergraph, type SubgraphSource } from '../supergraph';

/** Options of {@link reloadingSupergraph}. */
export interface HotReloadOptions {
  /** The supergraph to start with. */
  initial: string;
  subgraphs: readonly SubgraphSource[];
  /** Recompose when a subgraph's SDL file changes. */
  watchFiles: boolean;
  /** Ask every subgraph for its SDL (`_service { sdl }`) this often and recompose on a change, ms; 0 = never. */
  pollIntervalMs: number;
  /** Headers of the SDL requests (the gateway's principal token). */
  headers?: () => Promise<Record<string, string>>;
  log: Logger;
  /** Called with every supergraph that was put in service (the first one included). */
  onSupergraph?(sdl: string): void;
  /** What @apollo/gateway is given of each supergraph (default: the supergraph as composed). */
  forGateway?(sdl: string): string;
}

/**
 * A @apollo/gateway supergraph manager that reloads without a restart: when an SDL file of
 * `schemas/subgraphs/` changes (debounced 150 ms) or, with polling, when a running subgraph
 * reports another SDL, the supergraph is recomposed and swapped in. @apollo/gateway swaps
 * atomically: operations in flight finish on the plans of the old schema, new ones use the
 * new one, so no request fails. A change that does not compose is logged and the serving
 * supergraph kept.
 */
export function reloadingSupergraph(options: HotReloadOptions): SupergraphManager {
  return {
    async initialize({ update }) {
      let current = options.initial;
      options.onSupergraph?.(current);
      const apply = (next: string, reason: string) => {
        if (next === current) return;
        current = next;
        update(options.forGateway ? options.forGateway(next) : next);
        options.onSupergraph?.(next);
        options.log.info({ reason }, 'supergraph reloaded');
      };
      const recomposeFiles = () => {
        try {
          apply(composeSupergraph(options.subgraphs), 'subgraph SDL file changed');
        } catch (error) {
          options.log.error({ err: error }, 'changed subgraph SDL does not compose; the serving supergraph is kept');
        }
      };
      const watchers: FSWatcher[] = [];
      let debounce: NodeJS.Timeout | undefined;
      if (options.watchFiles) {
        // the folder, not the file: editors replace files (rename), which ends a file watch
        const folders = new Map<string, Set<string>>();
        for (const s of options.subgraphs) {
          const path = typeof s.sdlPath === 'string' ? s.sdlPath : fileURLToPath(s.sdlPath);
          folders.set(dirname(path), (folders.get(dirname(path)) ?? new Set()).add(basename(path)));
        }
        for (const [folder, files] of folders) {
          watchers.push(
            watch(folder, (_event, file) => {
              if (file && !files.has(file.toString())) return;
              clearTimeout(debounce);
              debounce = setTimeout(recomposeFiles, 150);
            }),
          );
        }
      }
      let polling: NodeJS.Timeout | undefined;
      if (options.pollIntervalMs > 0) {
        polling = setInterval(() => {
          void liveSdl(options)
            .then((live) => live && apply(composeSdl(live), 'a subgraph reported a new SDL'))
            .catch((error: unknown) => options.log.warn({ err: error }, 'subgraph SDL poll failed; the serving supergraph is kept'));
        }, options.pollIntervalMs);
      }
      return {
        supergraphSdl: options.forGateway ? options.forGateway(current) : current,
        async cleanup() {
          clearTimeout(debounce);
          clearInterval(polling);
          for (const w of watchers) w.close();
        },
      };
    },
  };
}

/** Every subgraph's SDL from `_service { sdl }`, or null when one of them does not answer. */
async function liveSdl(options: HotReloadOptions): Promise<Array<{ name: string; url: string; sdl: string }> | null> {
  const headers = { 'content-type': 'application/json', ...(await options.headers?.()) };
  const answers = await Promise.all(
    options.subgraphs.map(async (s) => {
      const response = await fetch(s.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
        signal: AbortSignal.timeout(5_000),
      }).catch(() => undefined);
      const sdl = response?.ok ? ((await response.json()) as { data?: { _service?: { sdl?: string } } }).data?._service?.sdl : undefined;
      return sdl === undefined ? null : { name: s.name, url: s.url, sdl };
    }),
  );
  return answers.every((a) => a !== null) ? (answers as Array<{ name: string; url: string; sdl: string }>) : null;
}
