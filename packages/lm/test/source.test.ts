import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemoteError, ResourceError, ValidationError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readSafetensorsFolder, serializeSafetensors } from '../src/safetensors.js';
import { resolveModelSource, resolveSourceOptions } from '../src/source.js';
import { loadTokenizer } from '../src/tokenizer.js';

const HUB = 'https://hub.test';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const tokFix = join(import.meta.dirname, 'fixtures', 'tokenizers', 'gpt2');

/** A tiny sharded GPT-2-like repo, with files a causal LM does not need. */
function tinyRepo(): Map<string, Uint8Array> {
  const enc = (s: string) => new TextEncoder().encode(s);
  const w = (n: number, v: number) => ({ shape: [n], data: new Float32Array(n).fill(v) });
  const shard1 = serializeSafetensors(new Map([['transformer.wte.weight', w(8, 1)]]));
  const shard2 = serializeSafetensors(new Map([['transformer.ln_f.bias', w(4, 2)]]));
  const index = {
    metadata: { total_size: 48 },
    weight_map: {
      'transformer.wte.weight': 'model-00001-of-00002.safetensors',
      'transformer.ln_f.bias': 'model-00002-of-00002.safetensors',
    },
  };
  return new Map([
    ['config.json', enc(JSON.stringify({ model_type: 'gpt2', n_embd: 4 }))],
    ['generation_config.json', enc('{"eos_token_id": 0}')],
    ['tokenizer.json', readFileSync(join(tokFix, 'tokenizer.json'))],
    ['tokenizer_config.json', readFileSync(join(tokFix, 'tokenizer_config.json'))],
    ['model.safetensors.index.json', enc(JSON.stringify(index))],
    ['model-00001-of-00002.safetensors', shard1],
    ['model-00002-of-00002.safetensors', shard2],
    ['README.md', enc('# tiny')],
    ['pytorch_model.bin', enc('not needed')],
    ['onnx/model.onnx', enc('not needed')],
  ]);
}

/** A fake hub serving `repo` as org/tiny; records every request. */
function fakeHub(repo: Map<string, Uint8Array>, status?: number) {
  const requests: string[] = [];
  const auth: (string | null)[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url.replace(/\?.*/, '')}${headers.get('Range') ? ' (range)' : ''}`);
    auth.push(headers.get('Authorization'));
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    if (status)
      return new Response(JSON.stringify({ error: 'nope' }), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    if (url.startsWith(`${HUB}/api/models/org/tiny/revision/main?`)) {
      return json({
        _id: 'x',
        id: 'org/tiny',
        sha: SHA,
        private: false,
        siblings: [...repo.keys()].map((rfilename) => ({ rfilename })),
      });
    }
    if (url === `${HUB}/api/models/org/tiny/paths-info/${SHA}` && method === 'POST') {
      const { paths } = JSON.parse(String(init?.body)) as { paths: string[] };
      return json(
        paths.map((path) => {
          const body = repo.get(path)!;
          const oid = createHash('sha256').update(body).digest('hex');
          return {
            type: 'file',
            path,
            oid: oid.slice(0, 40),
            size: body.length,
            ...(path.endsWith('.safetensors') ? { lfs: { oid, size: body.length } } : {}),
            lastCommit: { id: SHA, title: 'init', date: '2024-01-01T00:00:00Z' },
          };
        }),
      );
    }
    const prefix = `${HUB}/org/tiny/resolve/${SHA}/`;
    if (url.startsWith(prefix) && repo.has(url.slice(prefix.length))) {
      const body = repo.get(url.slice(prefix.length))!;
      if (headers.get('Range') === 'bytes=0-0') {
        return new Response(body.slice(0, 1), {
          status: 206,
          headers: { 'Content-Range': `bytes 0-0/${body.length}`, ETag: '"e"' },
        });
      }
      return new Response(body, { headers: { 'Content-Length': String(body.length) } });
    }
    return new Response('not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests, auth };
}

const NEEDED = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'model.safetensors.index.json',
  'model-00001-of-00002.safetensors',
  'model-00002-of-00002.safetensors',
];

describe('resolveModelSource from the hub (a fake fetch)', () => {
  // @huggingface/hub prints a "Downloading <file>" line per file with console.debug.
  beforeAll(() => {
    vi.spyOn(console, 'debug').mockImplementation(() => {});
  });

  it('downloads only what a causal LM needs into the standard cache, once', async () => {
    const cacheDir = tempDir('va-lm-src-');
    const hub = fakeHub(tinyRepo());
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      metrics() {},
    };
    const progress: number[] = [];
    const dir = await resolveModelSource('org/tiny', {
      cacheDir,
      hubUrl: HUB,
      fetch: hub.fetch,
      accessToken: 'hf_secret_token',
      logger,
      onProgress: (p) => progress.push(p.done),
      offline: false,
    });
    expect(dir).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', SHA));
    expect(readdirSync(dir).sort()).toEqual([...NEEDED].sort());
    expect(readFileSync(join(cacheDir, 'models--org--tiny', 'refs', 'main'), 'utf8')).toBe(SHA);
    expect(hub.requests).toEqual([
      `GET ${HUB}/api/models/org/tiny/revision/main`,
      ...NEEDED.flatMap((f) => [
        `POST ${HUB}/api/models/org/tiny/paths-info/${SHA}`,
        `GET ${HUB}/org/tiny/resolve/${SHA}/${f} (range)`,
        `GET ${HUB}/org/tiny/resolve/${SHA}/${f}`,
      ]),
    ]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(hub.auth.every((a) => a === 'Bearer hf_secret_token')).toBe(true);
    expect(lines.join('\n')).not.toContain('hf_secret');

    // What came down loads: weights from the shards, the tokenizer.
    const { tensors } = await readSafetensorsFolder(dir);
    expect([...tensors.get('transformer.ln_f.bias')!.data]).toEqual([2, 2, 2, 2]);
    expect((await loadTokenizer(dir)).encode('Hello world').length).toBeGreaterThan(0);

    // Second call, online or offline: the cache answers with zero requests.
    const again = fakeHub(tinyRepo());
    expect(
      await resolveModelSource('org/tiny', { cacheDir, hubUrl: HUB, fetch: again.fetch }),
    ).toBe(dir);
    expect(
      await resolveModelSource('org/tiny@main', { cacheDir, fetch: again.fetch, offline: true }),
    ).toBe(dir);
    expect(
      await resolveModelSource(`org/tiny@${SHA}`, { cacheDir, fetch: again.fetch, offline: true }),
    ).toBe(dir);
    expect(again.requests).toEqual([]);
  });

  it('offline, never touches the network and names the missing file and the fix', async () => {
    const cacheDir = tempDir('va-lm-src-');
    const hub = fakeHub(tinyRepo());
    const offline = { cacheDir, hubUrl: HUB, fetch: hub.fetch, offline: true };
    await expect(resolveModelSource('org/tiny', offline)).rejects.toThrow(ResourceError);
    await expect(resolveModelSource('org/tiny', offline)).rejects.toThrow(
      /offline \(options.offline\) and 'org\/tiny' at revision 'main' is not in the cache: no folder .*models--org--tiny \(nor is there a local folder .*org\/tiny\); run once with network access/,
    );
    const dir = await resolveModelSource('org/tiny', { ...offline, offline: false });
    rmSync(join(dir, 'model-00002-of-00002.safetensors'));
    const before = hub.requests.length;
    await expect(resolveModelSource('org/tiny', offline)).rejects.toThrow(
      /lacks model-00002-of-00002.safetensors/,
    );
    await expect(resolveModelSource('org/tiny@v2', offline)).rejects.toThrow(
      /no .*refs.v2 \(revision 'v2' was never downloaded\)/,
    );
    expect(hub.requests.length).toBe(before);
    // Online again, the missing shard is fetched back (its blob is still there: no new download).
    expect(await resolveModelSource('org/tiny', { ...offline, offline: false })).toBe(dir);
    expect(existsSync(join(dir, 'model-00002-of-00002.safetensors'))).toBe(true);
  });

  it('turns hub failures into errors that say what to do', async () => {
    const cacheDir = tempDir('va-lm-src-');
    const opts = (status: number) => ({
      cacheDir,
      hubUrl: HUB,
      fetch: fakeHub(tinyRepo(), status).fetch,
      offline: false,
    });
    await expect(resolveModelSource('org/tiny', opts(401))).rejects.toThrow(RemoteError);
    await expect(resolveModelSource('org/tiny', opts(401))).rejects.toThrow(
      /private or gated; set HF_TOKEN/,
    );
    await expect(resolveModelSource('org/tiny', opts(404))).rejects.toThrow(
      /no model 'org\/tiny' at revision 'main'/,
    );
    const down = {
      cacheDir,
      hubUrl: HUB,
      offline: false,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    };
    await expect(resolveModelSource('org/tiny', down)).rejects.toThrow(
      /cannot download 'org\/tiny'.*HF_HUB_OFFLINE=1/,
    );
    const noWeights = tinyRepo();
    for (const f of [
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ])
      noWeights.delete(f);
    await expect(
      resolveModelSource('org/tiny', {
        cacheDir,
        hubUrl: HUB,
        fetch: fakeHub(noWeights).fetch,
        offline: false,
      }),
    ).rejects.toThrow(/no safetensors weights .*only pytorch_model.bin.*safe_serialization=True/);
  });
});

describe('resolveModelSource from a local folder', () => {
  it('returns a folder in Hugging Face layout and refuses others', async () => {
    const dir = tempDir('va-lm-src-');
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(await resolveModelSource(dir)).toBe(dir);
    const empty = tempDir('va-lm-src-');
    await expect(resolveModelSource(empty)).rejects.toThrow(/has no config.json.*save_pretrained/);
    await expect(resolveModelSource('./no/such/folder')).rejects.toThrow(/does not exist/);
    await expect(resolveModelSource('not a hub id!')).rejects.toThrow(ValidationError);
    await expect(resolveModelSource('')).rejects.toThrow(ValidationError);
    mkdirSync(join(dir, 'sub'));
    await expect(resolveModelSource('org/tiny@v1', { revision: 'v2' })).rejects.toThrow(
      /options.revision/,
    );
  });
});

describe('resolveSourceOptions', () => {
  it('reads the environment as huggingface_hub does', () => {
    const env = {
      HF_HUB_OFFLINE: '1',
      HF_HUB_CACHE: '/c/hub',
      HF_TOKEN: 'hf_x',
      HF_ENDPOINT: 'https://mirror.test/',
    };
    const r = resolveSourceOptions({}, env);
    expect(r).toMatchObject({
      offline: true,
      offlineBy: 'HF_HUB_OFFLINE=1',
      accessToken: 'hf_x',
      hubUrl: 'https://mirror.test',
    });
    expect(resolveSourceOptions({ offline: false }, env).offline).toBe(false);
    expect(resolveSourceOptions({}, { TRANSFORMERS_OFFLINE: 'yes' }).offlineBy).toBe(
      'TRANSFORMERS_OFFLINE=yes',
    );
    expect(resolveSourceOptions({}, { HF_HUB_OFFLINE: '0' }).offline).toBe(false);
    expect(resolveSourceOptions({ cacheDir: '~/hf' }, {}).cacheDir).not.toContain('~');
  });
});
