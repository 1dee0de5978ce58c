// `pnpm release`: builds every package and publishes, with `changeset publish`, each public package
// whose version the registry does not have yet (run `pnpm version-packages` first to turn pending
// changesets into versions). Arguments pass through to changeset publish (`--otp 123456`,
// `--tag next`, `--no-git-tag`).
//
// changesets publishes with pnpm when the workspace uses it, and pnpm 12 reads its settings from
// PNPM_CONFIG_* variables only, so `NPM_CONFIG_PROVENANCE=true` (set by CI with an OIDC id-token)
// is passed on as `PNPM_CONFIG_PROVENANCE=true` here. The manifests are checked first: a publish
// that npm would reject halfway (no public access, no repository.url under provenance) never starts.

import { spawnSync } from 'node:child_process';
import { pnpm, provenanceRequested, publicPackages, publishReadiness, root } from './workspace.mjs';

const provenance = provenanceRequested();
const problems = publicPackages().flatMap((pkg) => publishReadiness(pkg, { provenance }).problems);
if (problems.length > 0) {
  console.error(`release: not publishable\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const env = { ...process.env };
if (provenance) env.PNPM_CONFIG_PROVENANCE = 'true';
for (const argv of [
  [...pnpm, 'build'],
  [...pnpm, 'exec', 'changeset', 'publish', ...process.argv.slice(2)],
]) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`release: ${argv.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
