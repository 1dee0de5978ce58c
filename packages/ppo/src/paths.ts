// Node's path resolution for the command, behind a module of its own so that the browser build,
// which has no command line, can do without it (paths.browser.ts).

export { resolve } from 'node:path';
