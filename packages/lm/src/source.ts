// Where a model comes from: a local folder in Hugging Face layout, or a hub id downloaded once into
// the standard Hugging Face cache (huggingface_hub's layout; settings as in transformers.js env.js).

import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadFileToCacheDir, getHFHubCachePath, modelInfo } from '@huggingface/hub';
import {
  type Logger,
  type ProgressCallback,
  RemoteError,
  ResourceError,
  silentLogger,
  ValidationError,
} from '@va/core';
import { MODEL_FILES } from './model-files.js';
import { SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME } from './safetensors-folder.js';
import {
  type CacheLocation,
  cacheLocation,
  missingFromSnapshot,
  writeRef,
} from './source-cache.js';

export { MODEL_FILES } from './model-files.js';

export interface ModelSourceOptions {
  /** Never touch the network; default from `HF_HUB_OFFLINE` / `TRANSFORMERS_OFFLINE` (1, true, yes, on). */
  offline?: boolean;
  /** The hub cache; default `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir?: string;
  /** Branch, tag or commit; default `main`, or what follows `@` in the source (`org/name@v1.0`). */
  revision?: string;
  /** Replaces the global `fetch` for every hub request (proxies, tests). */
  fetch?: typeof fetch;
  /** Default `HF_ENDPOINT`, else `https://huggingface.co`. */
  hubUrl?: string;
  /** Default `HF_TOKEN` (or `HUGGING_FACE_HUB_TOKEN`); never logged. */
  accessToken?: string;
  logger?: Logger;
  /** Download progress, in files. */
  onProgress?: ProgressCallback;
}

/** The options with their defaults filled from the environment, and where each came from. */
export interface ResolvedSourceOptions {
  offline: boolean;
  /** Names what made it offline (`options.offline`, `HF_HUB_OFFLINE=1`), for error messages. */
  offlineBy: string | undefined;
  cacheDir: string;
  hubUrl: string;
  accessToken: string | undefined;
  fetch: typeof fetch | undefined;
  logger: Logger;
  onProgress: ProgressCallback | undefined;
}

const TRUE = new Set(['1', 'ON', 'YES', 'TRUE']);

/** Fills defaults from `env` exactly as huggingface_hub reads them. */
export function resolveSourceOptions(
  options: ModelSourceOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedSourceOptions {
  const envOffline = ['HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'].find((k) =>
    TRUE.has((env[k] ?? '').toUpperCase()),
  );
  const offline = options.offline ?? envOffline !== undefined;
  const offlineBy = !offline
    ? undefined
    : options.offline
      ? 'options.offline'
      : `${envOffline}=${env[envOffline!]}`;
  const token = options.accessToken ?? env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  return {
    offline,
    offlineBy,
    cacheDir: expandHome(options.cacheDir ?? getHFHubCachePath()),
    hubUrl: (options.hubUrl ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    accessToken: token || undefined,
    fetch: options.fetch,
    logger: options.logger ?? silentLogger,
    onProgress: options.onProgress,
  };
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

const HUB_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Returns a local folder holding `config.json`, the tokenizer files and the safetensors weights of
 * `source`: a folder in Hugging Face layout (returned as is, once checked), or a hub id (`gpt2`,
 * `Qwen/Qwen2.5-0.5B`, `org/name@revision`) served from the Hugging Face cache, downloaded there
 * first if need be. A cached snapshot is used without any request; offline, a missing file is an
 * error that names it.
 */
export async function resolveModelSource(
  source: string,
  options: ModelSourceOptions = {},
): Promise<string> {
  const where = 'resolveModelSource';
  if (typeof source !== 'string' || source.trim() === '') {
    throw new ValidationError(where, 'source', 'a folder path or a hub id like "org/name"', source);
  }
  const path = expandHome(source);
  const looksLocal =
    /^(\.{1,2}|~)?[/\\]/.test(source) || source.startsWith('.') || /^[A-Za-z]:/.test(source);
  if (looksLocal || (await isDirectory(path))) return checkLocalFolder(resolve(path));

  const at = source.lastIndexOf('@');
  const name = at > 0 ? source.slice(0, at) : source;
  const fromSource = at > 0 ? source.slice(at + 1) : undefined;
  if (!HUB_ID.test(name) || name.includes('..') || fromSource === '') {
    throw new ValidationError(
      where,
      'source',
      'an existing folder in Hugging Face layout, or a hub id like "org/name" or "org/name@revision"',
      source,
      'No such folder exists either',
    );
  }
  if (fromSource && options.revision && fromSource !== options.revision) {
    throw new ValidationError(
      where,
      'options.revision',
      `the revision in the source ('${fromSource}') or nothing`,
      options.revision,
    );
  }
  const revision = options.revision ?? fromSource ?? 'main';
  const opts = resolveSourceOptions(options);
  const location = cacheLocation(opts.cacheDir, name, revision);
  const cached = await location.snapshot();
  if (cached && (await missingFromSnapshot(cached)).length === 0) {
    opts.logger.info(`${name}@${revision}: using the cached snapshot ${cached}`);
    return cached;
  }
  if (opts.offline) throw await offlineError(name, revision, location, cached, opts);
  return download(name, revision, location, opts);
}

async function checkLocalFolder(dir: string): Promise<string> {
  if (!(await isDirectory(dir))) {
    throw new ResourceError(
      `resolveModelSource: folder ${dir} does not exist; pass a folder in Hugging Face layout or a hub id like "org/name"`,
    );
  }
  const missing = await stat(join(dir, 'config.json')).then(
    () => false,
    () => true,
  );
  if (missing) {
    throw new ResourceError(
      `resolveModelSource: ${dir} has no config.json; a model folder in Hugging Face layout holds config.json, ` +
        `${SAFE_WEIGHTS_NAME} (or ${SAFE_WEIGHTS_INDEX_NAME} and its shards) and the tokenizer files ` +
        '(`model.save_pretrained(dir)` and `tokenizer.save_pretrained(dir)` in Python write them)',
    );
  }
  return dir;
}

async function offlineError(
  name: string,
  revision: string,
  location: CacheLocation,
  snapshot: string | undefined,
  opts: ResolvedSourceOptions,
): Promise<ResourceError> {
  const fix =
    `run once with network access (without ${opts.offlineBy}) to download it into ${opts.cacheDir}, ` +
    'or pass the path of a local copy of the model folder instead of the hub id';
  if (!snapshot) {
    return new ResourceError(
      `resolveModelSource: offline (${opts.offlineBy}) and '${name}' at revision '${revision}' is not in the cache: ` +
        `${location.describeMissingSnapshot()} (nor is there a local folder ${resolve(name)}); ${fix}`,
    );
  }
  const missing = await missingFromSnapshot(snapshot);
  return new ResourceError(
    `resolveModelSource: offline (${opts.offlineBy}) and the cached snapshot of '${name}' at revision '${revision}' ` +
      `lacks ${missing.join(', ')} (in ${snapshot}); ${fix}`,
  );
}

function hubError(cause: unknown, name: string, revision: string, opts: ResolvedSourceOptions) {
  const status = (cause as { statusCode?: number }).statusCode;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (status === 401 || status === 403) {
    return new RemoteError(
      `resolveModelSource: the hub refused '${name}' (${status}): it is private or gated; ` +
        `${opts.accessToken ? 'the token in use has no access to it' : 'set HF_TOKEN to a token that has access'} (${message})`,
      status,
      { cause },
    );
  }
  if (status === 404) {
    return new RemoteError(
      `resolveModelSource: the hub has no model '${name}' at revision '${revision}' (${message}), and there is no local ` +
        `folder ${resolve(name)}; check the id, the revision, or the path`,
      status,
      { cause },
    );
  }
  return new RemoteError(
    `resolveModelSource: cannot download '${name}' from ${opts.hubUrl} (${message}); ` +
      'check the network, or set HF_HUB_OFFLINE=1 to use only the local cache',
    status,
    { cause },
  );
}

async function download(
  name: string,
  revision: string,
  location: CacheLocation,
  opts: ResolvedSourceOptions,
): Promise<string> {
  const hub = {
    hubUrl: opts.hubUrl,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.accessToken ? { accessToken: opts.accessToken } : {}),
  };
  const repo = { type: 'model' as const, name };
  let info: { sha?: string; filePaths?: string[] };
  try {
    info = await modelInfo({ ...hub, name, revision, additionalFields: ['sha', 'filePaths'] });
  } catch (cause) {
    throw hubError(cause, name, revision, opts);
  }
  const sha = info.sha;
  const files = new Set(info.filePaths ?? []);
  if (!sha)
    throw new RemoteError(`resolveModelSource: the hub gave no commit for '${name}@${revision}'`);
  if (!files.has('config.json')) {
    throw new ResourceError(
      `resolveModelSource: '${name}' has no config.json at its top level; it is not a transformers checkpoint`,
    );
  }
  if (!files.has(SAFE_WEIGHTS_NAME) && !files.has(SAFE_WEIGHTS_INDEX_NAME)) {
    const other = [...files].filter((f) => /\.(bin|pt|pth|h5|msgpack|onnx|gguf)$/.test(f));
    throw new ResourceError(
      `resolveModelSource: '${name}' has no safetensors weights (${SAFE_WEIGHTS_NAME} or ${SAFE_WEIGHTS_INDEX_NAME})` +
        (other.length ? `, only ${other.slice(0, 4).join(', ')}` : '') +
        '; convert it in Python with `save_pretrained(dir, safe_serialization=True)` and load that folder',
    );
  }
  const wanted = MODEL_FILES.filter((f) => files.has(f));
  opts.logger.info(`${name}@${revision}: downloading ${wanted.length} files of commit ${sha}`);
  const fetchOne = async (path: string) => {
    try {
      return await downloadFileToCacheDir({
        ...hub,
        repo,
        path,
        revision: sha,
        cacheDir: opts.cacheDir,
      });
    } catch (cause) {
      throw hubError(cause, name, revision, opts);
    }
  };
  let done = 0;
  const total = () => wanted.length;
  for (let i = 0; i < wanted.length; i++) {
    const file = wanted[i]!;
    const local = await fetchOne(file);
    if (file === SAFE_WEIGHTS_INDEX_NAME && !files.has(SAFE_WEIGHTS_NAME)) {
      // Shards come after everything else, so that a complete weight set marks a complete download.
      const index = JSON.parse(await readFile(local, 'utf8')) as {
        weight_map?: Record<string, string>;
      };
      for (const shard of new Set(Object.values(index.weight_map ?? {}))) {
        if (!files.has(shard)) {
          throw new ResourceError(
            `resolveModelSource: '${name}' lists shard ${shard} in ${SAFE_WEIGHTS_INDEX_NAME}, but the repo does not have it`,
          );
        }
        if (!wanted.includes(shard)) wanted.push(shard);
      }
    }
    done++;
    opts.logger.info(`${name}: ${file}`);
    opts.onProgress?.({ task: `download ${name}`, done, total: total(), unit: 'files' });
  }
  await writeRef(location, revision, sha);
  return location.snapshotPath(sha);
}
