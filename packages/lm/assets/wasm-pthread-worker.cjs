// Worker script of @va/lm's threaded wasm backend (src/wasm-threads.ts). Runs the Emscripten pthread
// worker that @tensorflow/tfjs-backend-wasm ships only as a string (for a Blob URL, which Node's
// workers cannot load), with this module's require.
'use strict';
const { wasmWorkerContents } = require(
  '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
);
// The string came out of a template literal: its "\n" escapes are raw line breaks now (one-line code).
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
