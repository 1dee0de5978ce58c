// Counts each public package's exported names (values and types, from the `export { ... }` lists of
// its entry files) and how many of them another workspace package or example imports (issue 21,
// "a smaller public surface"): the measure before and after moving internals behind subpaths.
//
//   node scripts/count-exports.mjs [--names] [--check]
//
// --names also lists, per package, the names no other package imports. --check fails (exit 1) when
// a package's README has no `## API` section or that section does not name (in backticks) every
// name the package exports: the list a user reads cannot drift from the entries.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { publicPackages, root } from './workspace.mjs';

const showNames = process.argv.includes('--names');
const check = process.argv.includes('--check');

/** The names an entry file exports: `export { a, type B } from` lists and `export const/function`. */
function exportedNames(file) {
  const text = readFileSync(file, 'utf8');
  const names = new Set();
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.add(name);
    }
  }
  for (const m of text.matchAll(
    /export\s+(?:declare\s+)?(?:const|let|function|class|interface|type|enum)\s+(\w+)/g,
  )) {
    names.add(m[1]);
  }
  return names;
}

/** The entry files of a package: src/index.ts and the files its build names for subpaths. */
function entryFiles(pkg) {
  const build = pkg.manifest.scripts?.build ?? '';
  const files = [...build.matchAll(/(?:^|\s|=)(src\/[\w/.-]+\.ts)/g)].map((m) => m[1]);
  return [...new Set(files.length ? files : ['src/index.ts'])]
    .filter((f) => !/cli|worker/.test(f))
    .map((f) => join(pkg.dir, f));
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs|js)$/.test(entry)) out.push(path);
  }
  return out;
}

const packages = publicPackages();
const consumers = [
  ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
  ...readdirSync(join(root, 'examples')).map((d) => join(root, 'examples', d)),
];
/** name of package -> names imported from it by other packages (src, bench, scripts, examples). */
const used = new Map(packages.map((p) => [p.name, new Set()]));
for (const dir of consumers) {
  for (const file of ['src', 'bench', 'scripts'].flatMap((sub) => {
    try {
      return sourceFiles(join(dir, sub));
    } catch {
      return [];
    }
  })) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(@va\/[\w-]+)[^']*'/g,
    )) {
      const target = used.get(m[2]);
      const pkg = packages.find((p) => p.name === m[2]);
      if (!target || !pkg || file.startsWith(`${pkg.dir}/`)) continue;
      for (const part of m[1].split(',')) {
        const name = part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0];
        if (name) target.add(name);
      }
    }
  }
}

/** The identifiers inside backticks in the README's `## API` section (to the next `## `). */
function readmeApiNames(pkg) {
  let text;
  try {
    text = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
  const start = text.search(/^## API$/m);
  if (start < 0) return undefined;
  const rest = text.slice(start + 7);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return new Set([...section.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1].match(/[\w$]+/g) ?? []));
}

const undocumented = [];
let total = 0;
let totalUsed = 0;
console.log('package                 exported  used by another package');
for (const pkg of packages) {
  const names = new Set(entryFiles(pkg).flatMap((f) => [...exportedNames(f)]));
  const byOthers = [...names].filter((n) => used.get(pkg.name).has(n));
  total += names.size;
  totalUsed += byOthers.length;
  console.log(`${pkg.name.padEnd(24)}${String(names.size).padStart(8)}  ${byOthers.length}`);
  if (check) {
    const documented = readmeApiNames(pkg);
    const missing = documented
      ? [...names].filter((n) => !documented.has(n))
      : ['(no ## API section)'];
    if (missing.length) undocumented.push(`${pkg.name}: ${missing.sort().join(', ')}`);
  }
  if (showNames) {
    const unused = [...names].filter((n) => !used.get(pkg.name).has(n)).sort();
    console.log(`  not imported elsewhere: ${unused.join(', ')}`);
  }
}
console.log(`${'all'.padEnd(24)}${String(total).padStart(8)}  ${totalUsed}`);
if (undocumented.length) {
  console.error(
    `exported but missing from the README's API section:\n  ${undocumented.join('\n  ')}\n` +
      'list each exported name (in backticks) under the package README\'s "## API" heading',
  );
  process.exit(1);
}
