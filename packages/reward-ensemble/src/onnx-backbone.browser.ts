// Browser build of onnx-backbone.ts: the ONNX backbone reads a model folder from disk (through
// transformers.js's Node build); in a page, use the `hashed` or an `lm` backbone.

import { nodeOnly, ResourceError } from '@va/core';
import type * as Node from './onnx-backbone.js';

export type { OnnxBackboneOptions } from './onnx-backbone.js';

const instead = "use the 'hashed' or an 'lm' backbone";
export const loadOnnxBackbone: typeof Node.loadOnnxBackbone = nodeOnly('loadOnnxBackbone', instead);

/** Refuses to be made (see {@link loadOnnxBackbone}). */
export class OnnxBackbone {
  constructor() {
    throw new ResourceError(`OnnxBackbone: needs Node.js; ${instead}`);
  }
}
