export { checkBrowserSiblings } from './browser-siblings.js';
export { type ServedFiles, serveFiles } from './serve-files.js';
export { sharedDataFile, sharedDataSkipReason } from './shared-data.js';
export { tempDir } from './temp-dir.js';
