export { sharedDataFile, sharedDataSkipReason } from './shared-data.js';
