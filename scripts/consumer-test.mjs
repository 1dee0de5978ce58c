// Installs the packages the way a user does and runs each README's first example against them
// (issue 15, item 9). Every public package under packages/ is built and packed with pnpm (which turns
// `workspace:^` into a version), and each tarball is installed alone with plain npm into its own
// fresh project outside the workspace: the @va packages it depends on come from their tarballs
// through npm `overrides`, everything else from the npm registry, and the optional tfjs-node peers
// are not installed. The first ```ts block of the package's README is then typechecked there (tsc,
// strict, NodeNext, skipLibCheck as `tsc --init` sets it) and run with Node (tsx). So a packed
// package that misses a file, a dependency, a type or an export its README uses fails here.
//
// Each package's entries (`.` and every subpath of its `exports`) are then bundled with esbuild for
// `platform: 'browser'` there (issue 20): a Node built-in that leaks into a browser bundle, or an
// entry whose browser build lacks a name the Node build exports, fails the package.
//
// tfjs packages run on the wasm backend: a run that loaded tfjs must end on it. An example whose last
// line ends in a comment naming an error (`spec.resolve(bad); // ConfigError: DemoConfig.Lr: ...`)
// must end by throwing that error with that message (up to a trailing "...").
//
//   node scripts/consumer-test.mjs [--keep] [--no-build] [@va/name ...]
//
// --keep leaves the temporary projects in place; --no-build packs dist/ as it is; names restrict the
// run to those packages. Needs the npm registry for third-party dependencies.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pnpm, publicPackages, root, rootManifest, run } from './workspace.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const build = !args.includes('--no-build');
const only = args.filter((arg) => !arg.startsWith('--'));

/** Tools the consumer projects get beside the package, at the versions the workspace uses. */
const tools = Object.fromEntries(
  ['typescript', 'tsx', '@types/node', 'esbuild'].map((name) => [
    name,
    rootManifest.devDependencies[name],
  ]),
);

/**
 * A user's shell: none of the npm/pnpm settings that `pnpm run` or `npx` pass to their children
 * (npm_config_local_prefix would even point npm back at the workspace), apart from where the
 * registry and the cache are, and no workspace folder on PATH.
 */
function userEnvironment() {
  const kept = ['registry', 'cache', 'userconfig', 'cafile', 'strict_ssl', 'https_proxy', 'proxy'];
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    const npmSetting = /^(npm|pnpm)_/.test(lower) || lower === 'init_cwd';
    if (npmSetting && !kept.some((name) => lower === `npm_config_${name}`)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && !isInside(dir, root))
    .join(':');
  return env;
}
const userEnv = userEnvironment();

function isInside(path, dir) {
  const rel = relative(dir, resolve(path));
  return rel === '' || !(rel.startsWith('..') || rel.startsWith(sep));
}

/** The first ```ts (or js) block of a README, and the error its last line says it throws, if any. */
function readmeExample(readmePath) {
  const text = readFileSync(readmePath, 'utf8');
  const block = text.match(/^```(?:ts|typescript|js|javascript|mjs)\n([\s\S]*?)^```$/m)?.[1];
  if (block === undefined) return undefined;
  const lastLine = block.trimEnd().split('\n').at(-1);
  const thrown = lastLine.match(/\/\/ (\w*Error): (.*?)(?: ?\.\.\.)?$/);
  return {
    code: block,
    throws: thrown ? { name: thrown[1], message: thrown[2] } : undefined,
  };
}

/** The runner: imports the example, then checks how it ended and which tfjs backend it used. */
function runnerSource(throws) {
  return `const throws = ${JSON.stringify(throws ?? null)};
let error;
try {
  await import('./readme.ts');
} catch (caught) {
  error = caught;
}
if (throws === null && error !== undefined) throw error;
if (throws !== null) {
  const said = \`\${throws.name}: \${throws.message}\`;
  if (error === undefined) {
    throw new Error(\`the README's last line says it throws "\${said}", but the example ended without an error\`);
  }
  if (error?.name !== throws.name || !String(error?.message).startsWith(throws.message)) {
    console.error(\`the README's last line says it throws "\${said}", but it threw:\`);
    throw error;
  }
  console.log(\`threw as the README says: \${error.name}: \${error.message.split('\\n')[0]}\`);
}
// tfjs keeps its engine on the global object; backendName is set once an op has run.
const backend = globalThis._tfengine?.backendName;
if (backend !== undefined && backend !== 'wasm') {
  throw new Error(\`the example ran tfjs on '\${backend}', not on wasm\`);
}
if (backend !== undefined) console.log('tfjs backend: wasm');
`;
}

/**
 * The browser check, run in the consumer project: each entry bundled by esbuild for the browser
 * (Node built-ins fail to resolve there), its export names against the Node entry's.
 */
function browserCheckSource(pkg, subpaths) {
  return `import { build } from 'esbuild';
const problems = [];
for (const sub of ${JSON.stringify(subpaths)}) {
  const entry = sub === '.' ? ${JSON.stringify(pkg)} : ${JSON.stringify(pkg)} + sub.slice(1);
  let result;
  try {
    result = await build({
      stdin: { contents: \`export * from '\${entry}';\`, resolveDir: process.cwd() },
      bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true,
      logLevel: 'silent', outfile: 'browser.js',
    });
  } catch (error) {
    for (const e of error.errors ?? [error]) {
      problems.push(\`\${entry}: \${e.text ?? e.message}\${e.location ? \` (in \${e.location.file})\` : ''}\`);
    }
    continue;
  }
  const browser = new Set(Object.values(result.metafile.outputs)[0].exports);
  const node = Object.keys(await import(entry)).filter((name) => name !== 'default');
  const lacking = node.filter((name) => !browser.has(name));
  if (lacking.length > 0) problems.push(\`\${entry}: the browser build lacks \${lacking.join(', ')}\`);
}
if (problems.length > 0) {
  console.error(problems.join('\\n'));
  process.exit(1);
}
console.log('browser bundles: ' + ${JSON.stringify(subpaths.length)} + ' entries, no Node built-in');
`;
}

/** The subpaths of a manifest's `exports` that have a `browser` build. */
function browserSubpaths(manifest) {
  return Object.entries(manifest.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null && 'browser' in target)
    .map(([sub]) => sub);
}

const consumerTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  files: ['readme.ts'],
};

function seconds(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

async function main() {
  const started = performance.now();
  const packages = publicPackages();
  const unknown = only.filter((name) => !packages.some((pkg) => pkg.name === name));
  if (unknown.length > 0) {
    throw new Error(`consumer-test: no public package named ${unknown.join(', ')} under packages/`);
  }
  const selected = only.length > 0 ? packages.filter((pkg) => only.includes(pkg.name)) : packages;

  const work = mkdtempSync(join(tmpdir(), 'va-consumer-'));
  if (isInside(work, root)) {
    throw new Error(
      `consumer-test: the temporary directory ${work} is inside the workspace; set TMPDIR`,
    );
  }
  for (let dir = dirname(work); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) {
      throw new Error(
        `consumer-test: ${join(dir, 'node_modules')} exists above ${work} and could supply a dependency a package forgot; set TMPDIR elsewhere`,
      );
    }
    if (dirname(dir) === dir) break;
  }
  console.log(
    `consumer test in ${work} (${selected.length} of ${packages.length} public packages)`,
  );

  let phase = performance.now();
  if (build) {
    await run([...pnpm, 'build']);
    console.log(`built in ${seconds(phase)}`);
    phase = performance.now();
  }

  // Pack every public package (a selected one may depend on any of them), in one pnpm run.
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const filters = packages.flatMap((pkg) => ['--filter', pkg.name]);
  const { stdout } = await run([
    ...pnpm,
    '-r',
    ...filters,
    'pack',
    '--pack-destination',
    packs,
    '--json',
  ]);
  const packed = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const tarballs = new Map(packed.map((entry) => [entry.name, entry.filename]));
  const unpacked = packages.filter((pkg) => !tarballs.has(pkg.name)).map((pkg) => pkg.name);
  if (unpacked.length > 0) throw new Error(`consumer-test: pnpm packed no tarball for ${unpacked}`);
  const versions = new Map(packages.map((pkg) => [pkg.name, pkg.version]));
  for (const pkg of packages) checkPackedManifest(pkg, tarballs.get(pkg.name), versions);
  console.log(`packed ${packages.length} packages in ${seconds(phase)}`);

  const failures = [];
  const queue = [...selected];
  const worker = async () => {
    for (let pkg = queue.shift(); pkg !== undefined; pkg = queue.shift()) {
      try {
        console.log(await tryPackage(pkg, work, tarballs));
      } catch (error) {
        failures.push(pkg.name);
        console.error(`FAIL ${pkg.name}: ${error.message}\n`);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(4, availableParallelism(), selected.length) }, worker),
  );

  if (failures.length > 0) {
    console.error(`consumer test failed for ${failures.join(', ')}; projects kept in ${work}`);
    process.exitCode = 1;
    return;
  }
  if (keep) console.log(`projects kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`consumer test passed: ${selected.length} packages in ${seconds(started)}`);
}

/** The packed manifest names real versions of our packages, the ones packed beside it. */
function checkPackedManifest(pkg, tarball, versions) {
  const manifest = JSON.parse(readTarEntry(tarball, 'package/package.json'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) {
        throw new Error(
          `${basename(tarball)}: ${field}.${dep} is still '${range}' after pnpm pack`,
        );
      }
      if (versions.has(dep) && range.replace(/^[\^~]/, '') !== versions.get(dep)) {
        throw new Error(
          `${basename(tarball)}: ${field}.${dep} is '${range}', but the workspace's ${dep} is ${versions.get(dep)}`,
        );
      }
    }
  }
  if (manifest.name !== pkg.name || manifest.version !== pkg.version) {
    throw new Error(`${basename(tarball)}: packed as ${manifest.name}@${manifest.version}`);
  }
}

/** One file of a .tgz, read with Node alone (ustar: 512-byte headers, name at 0, size at 124). */
function readTarEntry(tarball, path) {
  const tar = gunzipSync(readFileSync(tarball));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar.toString('utf8', offset, offset + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = Number.parseInt(tar.toString('utf8', offset + 124, offset + 136).trim(), 8);
    if (name === path) return tar.toString('utf8', offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${basename(tarball)} has no ${path}`);
}

async function tryPackage(pkg, work, tarballs) {
  const readme = join(pkg.dir, 'README.md');
  const example = existsSync(readme) ? readmeExample(readme) : undefined;
  if (example === undefined) {
    const what = existsSync(readme) ? 'has no ```ts example' : 'does not exist';
    throw new Error(
      `${relative(root, readme)} ${what}: a published package needs a README whose first example runs`,
    );
  }
  const project = join(work, basename(pkg.dir));
  mkdirSync(project);
  const file = (name) => `file:${relative(project, tarballs.get(name))}`;
  const manifest = {
    name: `va-consumer-${basename(pkg.dir)}`,
    private: true,
    type: 'module',
    dependencies: { [pkg.name]: file(pkg.name) },
    devDependencies: tools,
    // Our other packages are not on the registry yet: npm takes them from their tarballs.
    overrides: Object.fromEntries(
      [...tarballs.keys()].filter((name) => name !== pkg.name).map((name) => [name, file(name)]),
    ),
  };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(root, '.npmrc'), join(project, '.npmrc'));
  writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(consumerTsconfig, null, 2)}\n`);
  writeFileSync(join(project, 'readme.ts'), example.code);
  writeFileSync(join(project, 'run.mjs'), runnerSource(example.throws));

  const times = [];
  let start = performance.now();
  await run(['npm', 'install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: project,
    env: userEnv,
  });
  times.push(`install ${seconds(start)}`);
  for (const peer of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    if (existsSync(join(project, 'node_modules', peer))) {
      throw new Error(`npm installed the optional peer ${peer}: ${pkg.name} must not require it`);
    }
  }

  start = performance.now();
  await run(['node', join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], {
    cwd: project,
    env: userEnv,
    timeoutMs: 3 * 60_000,
  });
  times.push(`typecheck ${seconds(start)}`);

  start = performance.now();
  const { stdout } = await run(['node', '--import', 'tsx', 'run.mjs'], {
    cwd: project,
    env: userEnv,
    timeoutMs: 3 * 60_000,
  });
  times.push(`run ${seconds(start)}`);

  const subpaths = browserSubpaths(pkg.manifest);
  if (subpaths.length === 0)
    return `ok   ${pkg.name}: README example typechecks and runs (${times.join(', ')}); no browser build`;
  start = performance.now();
  writeFileSync(join(project, 'browser.mjs'), browserCheckSource(pkg.name, subpaths));
  const browser = await run(['node', 'browser.mjs'], {
    cwd: project,
    env: userEnv,
    timeoutMs: 3 * 60_000,
  });
  times.push(`browser bundles ${seconds(start)}`);
  const notes = stdout
    .split('\n')
    .concat(browser.stdout.split('\n'))
    .filter(
      (line) =>
        line.startsWith('tfjs backend:') ||
        line.startsWith('threw as the README') ||
        line.startsWith('browser bundles:'),
    );
  return `ok   ${pkg.name}: README example typechecks and runs (${times.join(', ')})${notes.map((n) => `; ${n}`).join('')}`;
}

await main();
