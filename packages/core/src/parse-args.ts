// Node's command-line parser, behind a module of its own so that the browser build can do without
// it (parse-args.browser.ts): the rest of flags.ts is plain code.

export { parseArgs } from 'node:util';
