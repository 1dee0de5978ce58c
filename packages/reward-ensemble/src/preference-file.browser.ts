// Browser build of preference-file.ts: preference files are read from disk (gzip, Parquet); in a
// page, fetch the records and parse them with parsePreferenceRecord.

import { nodeOnly } from '@va/core';
import type * as Node from './preference-file.js';

export type { MalformedRow, PreferenceFile, ReadPreferenceOptions } from './preference-file.js';

const instead = 'fetch the records and parse each with parsePreferenceRecord';
export const readPreferencePairs: typeof Node.readPreferencePairs = nodeOnly(
  'readPreferencePairs',
  instead,
);
export const readParquetRows: typeof Node.readParquetRows = nodeOnly('readParquetRows', instead);
