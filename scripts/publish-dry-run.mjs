// Proves that every public package would publish (issue 15, item 9), without uploading anything:
// each manifest has what npm needs (public access, license, files, README; repository.url when
// provenance is requested), then `pnpm publish -r --dry-run` packs every package the way
// `changeset publish` does (it publishes with pnpm, which turns `workspace:^` into versions), and
// every public package under packages/ must be in its list, unless that version is already on the
// registry. @changesets/cli 2.31's `publish` has no dry-run flag (only --otp, --tag, --no-git-tag).
//
//   node scripts/publish-dry-run.mjs [--no-build]

import { pnpm, provenanceRequested, publicPackages, publishReadiness, run } from './workspace.mjs';

const build = !process.argv.includes('--no-build');
const packages = publicPackages();
const provenance = provenanceRequested();
const readiness = packages.map((pkg) => publishReadiness(pkg, { provenance }));
const problems = readiness.flatMap((r) => r.problems);
if (problems.length > 0) {
  console.error(`publish dry run: not publishable\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const noRepository = packages.filter((_, i) => readiness[i].missingRepository).map((p) => p.name);
if (noRepository.length > 0) {
  console.warn(
    `warning: no repository.url in ${noRepository.join(', ')}: publishing with provenance needs it`,
  );
}

if (build) await run([...pnpm, 'build']);
const { stdout } = await run([...pnpm, 'publish', '-r', '--dry-run', '--no-git-checks', '--json']);
const wouldPublish = JSON.parse(stdout.slice(stdout.indexOf('[')));
const listed = new Map(wouldPublish.map((entry) => [entry.name, entry]));

const missing = [];
for (const pkg of packages) {
  const entry = listed.get(pkg.name);
  if (entry === undefined) {
    // pnpm leaves out a version the registry already has; anything else is a package it would skip.
    const published = await run(['npm', 'view', `${pkg.name}@${pkg.version}`, 'version']).then(
      (result) => result.stdout.trim() === pkg.version,
      () => false,
    );
    if (published) console.log(`already published: ${pkg.name}@${pkg.version}`);
    else missing.push(`${pkg.name}@${pkg.version}`);
    continue;
  }
  const files = entry.files.map((file) => file.path);
  for (const needed of ['package.json', 'README.md']) {
    if (!files.includes(needed)) missing.push(`${pkg.name}: ${needed} is not in the tarball`);
  }
  console.log(
    `would publish ${entry.id}: ${files.length} files, ${(entry.size / 1024).toFixed(0)} kB packed` +
      (provenance ? ', with provenance' : ''),
  );
}
if (missing.length > 0) {
  console.error(`publish dry run: pnpm would not publish\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log(`publish dry run passed: ${packages.length} public packages`);
