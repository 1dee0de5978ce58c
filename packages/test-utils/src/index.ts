export { browserSiblings } from './browser-siblings.js';
export { sharedDataFile, sharedDataSkipReason } from './shared-data.js';
export { tempDir } from './temp-dir.js';
