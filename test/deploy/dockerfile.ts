import { readFileSync } from 'node:fs';

/** What one stage of a Dockerfile declares, as the image built from it carries it. */
export interface DockerStage {
  /** The `AS` name, or `''`. */
  name: string;
  from: string;
  workdir: string | undefined;
  /** Every `ENV`, in order (a later one replaces an earlier one). */
  env: Record<string, string>;
  user: string | undefined;
  /** `CMD` in exec form. */
  cmd: string[] | undefined;
  /** `HEALTHCHECK … CMD` in exec form, and its options (`interval` → `15s`). */
  healthcheck: { cmd: string[]; options: Record<string, string> } | undefined;
  volumes: string[];
  /** `EXPOSE` entries as written (`4000-4006`, `4000/tcp`). */
  expose: string[];
}

/** Parses an exec-form argument (`["node", "x.js"]`), the only form this repository uses. */
function execForm(instruction: string, text: string): string[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed) && parsed.every((part) => typeof part === 'string')) return parsed;
  } catch {
    // reported below
  }
  throw new Error(`${instruction} must use the exec form ["executable", "arg"…], got: ${text}`);
}

/**
 * The stages of a Dockerfile, reading the instructions the DictaMesh image uses (FROM, WORKDIR,
 * ENV `key=value…`, USER, CMD / HEALTHCHECK in exec form, VOLUME, EXPOSE); line continuations
 * and comments handled. Not a general Dockerfile parser: quoted or `$`-expanded ENV values and
 * the shell form of CMD are refused, so a test never reads something it misunderstood.
 * @throws Error naming the instruction it cannot read
 */
export function parseDockerfile(text: string): DockerStage[] {
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of instructions) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = keyword.toUpperCase();
    if (instruction === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({
        name,
        from,
        workdir: undefined,
        env: {},
        user: undefined,
        cmd: undefined,
        healthcheck: undefined,
        volumes: [],
        expose: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${instruction} before FROM`);
    switch (instruction) {
      case 'WORKDIR':
        stage.workdir = rest;
        break;
      case 'USER':
        stage.user = rest;
        break;
      case 'ENV':
        for (const pair of rest.split(/\s+/)) {
          const [, key, value] = /^([A-Za-z_][A-Za-z0-9_]*)=([^"'$\s]*)$/.exec(pair) ?? [];
          if (!key || value === undefined) throw new Error(`ENV must be unquoted key=value pairs without $, got: ${pair}`);
          stage.env[key] = value;
        }
        break;
      case 'CMD':
        stage.cmd = execForm('CMD', rest);
        break;
      case 'HEALTHCHECK': {
        const [, flags = '', command = ''] = /^((?:--\S+\s+)*)CMD\s+(.*)$/.exec(rest) ?? [];
        if (!command) throw new Error(`HEALTHCHECK must be [--option=value…] CMD [exec form], got: ${rest}`);
        const options = Object.fromEntries(
          flags
            .trim()
            .split(/\s+/)
            .filter(Boolean)
            .map((flag) => flag.replace(/^--/, '').split('=') as [string, string]),
        );
        stage.healthcheck = { cmd: execForm('HEALTHCHECK', command), options };
        break;
      }
      case 'VOLUME':
        stage.volumes.push(...(rest.startsWith('[') ? execForm('VOLUME', rest) : rest.split(/\s+/)));
        break;
      case 'EXPOSE':
        stage.expose.push(...rest.split(/\s+/));
        break;
      default:
        break; // COPY, RUN, ARG…: not part of what the image runs
    }
  }
  return stages;
}

/** The runtime (last) stage of the repository's Dockerfile. */
export function runtimeStage(path: string): DockerStage {
  const stage = parseDockerfile(readFileSync(path, 'utf8')).at(-1);
  if (!stage) throw new Error(`${path} has no FROM`);
  return stage;
}
