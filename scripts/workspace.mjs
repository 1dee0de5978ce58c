// What the release scripts share: the repository root, the pinned pnpm, the public packages under
// packages/ (found on disk, so a package added later is covered without editing a script) and a
// child-process runner that keeps the output for the error message.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** `npx --yes pnpm@<the version package.json's packageManager pins>`, as the README runs it. */
export const pnpm = ['npx', '--yes', rootManifest.packageManager];

/** Every package under packages/ that is not private: `{ dir, name, version, manifest }`. */
export function publicPackages() {
  const base = join(root, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(base, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, name: manifest.name, version: manifest.version, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Runs `argv` in `cwd` and resolves with its output; rejects with the command, the exit status and
 * the output's tail, so a failure in CI says what ran and what it printed.
 */
export function run(argv, { cwd = root, env = process.env, timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} (in ${cwd}) could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const why = signal ? `was killed (${signal}, limit ${timeoutMs / 1000} s)` : `exited ${code}`;
      // The last lines, each cut short: minified sources print whole in Node's stack traces.
      const output = `${stdout}\n${stderr}`
        .trim()
        .split('\n')
        .slice(-60)
        .map((line) => (line.length > 300 ? `${line.slice(0, 300)} ...` : line))
        .join('\n');
      reject(new Error(`${argv.join(' ')} (in ${cwd}) ${why}:\n${output}`));
    });
  });
}

/**
 * Whether this run asks for provenance: CI sets `NPM_CONFIG_PROVENANCE=true` (npm's name) or
 * `PNPM_CONFIG_PROVENANCE=true` (the one pnpm 12, which publishes for changesets, reads).
 */
export function provenanceRequested(env = process.env) {
  return ['NPM_CONFIG_PROVENANCE', 'PNPM_CONFIG_PROVENANCE'].some(
    (key) => (env[key] ?? env[key.toLowerCase()]) === 'true',
  );
}

/**
 * What a package's manifest lacks for `changeset publish` to publish it. npm verifies a provenance
 * statement against `repository.url`, so a missing one stops a publish only when provenance is
 * requested; otherwise it is reported in `missingRepository`.
 */
export function publishReadiness(pkg, { provenance = provenanceRequested() } = {}) {
  const m = pkg.manifest;
  const where = `${pkg.name} (packages/${pkg.dir.split(/[\\/]/).at(-1)}/package.json)`;
  const problems = [];
  if (m.publishConfig?.access !== 'public') {
    problems.push(
      `${where}: publishConfig.access must be 'public' (a scoped package is private by default)`,
    );
  }
  if (typeof m.license !== 'string' || m.license === '') problems.push(`${where}: no license`);
  if (!Array.isArray(m.files) || m.files.length === 0) {
    problems.push(`${where}: no "files" list, so everything in the folder would be published`);
  }
  if (typeof m.description !== 'string' || m.description === '')
    problems.push(`${where}: no description`);
  if (!existsSync(join(pkg.dir, 'README.md'))) problems.push(`${where}: no README.md`);
  const repository = typeof m.repository === 'string' ? m.repository : m.repository?.url;
  const missingRepository = typeof repository !== 'string' || repository === '';
  if (missingRepository && provenance) {
    problems.push(`${where}: no repository.url, and npm rejects a provenance statement without it`);
  }
  return { problems, missingRepository };
}
