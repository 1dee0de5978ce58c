// Builds a package's browser entries (issue 20): the same source as the Node build, bundled by
// esbuild for `platform: 'browser'`, where a module `x.ts` that has a sibling `x.browser.ts` is
// replaced by that sibling (the browser's way to do what needs a file system, a child process or a
// thread pool in Node). package.json points its `browser` export condition at the output. The build
// fails when a Node built-in is still imported by the package's own code, naming the import chain.
//
//   node ../../scripts/build-browser.mjs index=src/index.ts [optim=src/exports/optim.ts ...]
//
// writes dist/<name>.browser.js (+ .map) beside the Node build's dist/<name>.js, so paths relative
// to import.meta.url (the embedded assets) are the same in both. Dependencies stay imports: the
// application's bundler resolves them with the browser condition too.

import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** Whether `specifier` names a Node built-in (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin(specifier) {
  if (specifier.startsWith('node:')) return true;
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]);
}

/** Replaces `./x.js` by `./x.browser.ts` where that file exists; refuses Node built-ins. */
function browserSiblings(leaks) {
  return {
    name: 'va-browser-siblings',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.path.endsWith('.js')) return undefined;
        const sibling = resolve(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'));
        return existsSync(sibling) ? { path: sibling } : undefined;
      });
      b.onResolve({ filter: /^[^.]/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        leaks.push(`${relative(process.cwd(), args.importer)} imports '${args.path}'`);
        return { path: args.path, external: true };
      });
    },
  };
}

async function main() {
  const entries = Object.fromEntries(
    process.argv.slice(2).map((arg) => {
      const [name, path] = arg.split('=');
      if (!name || !path) {
        throw new Error(`build-browser: expected name=path arguments, got '${arg}'`);
      }
      return [`${name}.browser`, path];
    }),
  );
  if (Object.keys(entries).length === 0) throw new Error('build-browser: no entries given');
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  const external = Object.keys({
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.optionalDependencies,
  }).flatMap((name) => [name, `${name}/*`]);
  const leaks = [];
  await build({
    entryPoints: entries,
    outdir: 'dist',
    bundle: true,
    splitting: true,
    // Chunks beside the entries: paths relative to import.meta.url (assets) stay the same.
    chunkNames: '[name]-[hash].browser',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    external,
    logLevel: 'warning',
    plugins: [browserSiblings(leaks)],
  });
  if (leaks.length > 0) {
    throw new Error(
      `build-browser (${manifest.name}): Node built-ins in the browser build:\n  ${leaks.join('\n  ')}\n` +
        'give the importing module a .browser.ts sibling, or move the Node-only code out of the browser entry',
    );
  }
  for (const name of Object.keys(entries)) {
    const out = join('dist', `${name}.js`);
    if (!existsSync(out)) throw new Error(`build-browser: ${out} was not written`);
  }
}

await main();
