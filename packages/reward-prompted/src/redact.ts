// The judge's redaction is @va/core's (one implementation for every secret va holds).
export { redact } from '@va/core';
