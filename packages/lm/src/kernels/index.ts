// The wasm SIMD kernels' ops, as the model's building blocks (ops.ts) call them.

export { fusedGated, fusedGeluTanh, type GatedKind } from './activation.js';
export { fusedAttention, type HeadLayout, headsLayout, rowsLayout } from './attention.js';
export { fusedEmbed } from './embed.js';
export { fusedEntropy, fusedLogSoftmaxPick } from './loss.js';
export { fusedMatMul } from './matmul.js';
export { fusedAddLayerNorm, fusedAddRmsNorm, fusedLayerNorm, fusedRmsNorm } from './norm.js';
export { ensureSimdKernels, simdKernelsActive, useSimdKernels } from './register.js';
