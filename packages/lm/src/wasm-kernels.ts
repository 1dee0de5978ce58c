// Replacements for two kernels of @tensorflow/tfjs-backend-wasm 4.22 that cost time in proportion to
// their input instead of their output. Its `Slice` reads the whole input into JavaScript
// (`backend.readSync`, a copy) before it copies the part it returns, and its `SplitV` slices once
// per piece: taking one [1, 128, 128] slice of a [64, 128, 128] tensor costs 2.5 ms, so splitting
// a tensor into its 64 matrices costs 100 ms. These versions copy straight between views of the
// wasm heap, so a slice costs what it returns (64 such slices: 2.5 ms in all). Its `Identity` (what
// tf.clone and every `save` of a custom gradient run) and its `Cast` to the same dtype copy the
// tensor; these share the data instead (tensors are immutable, and a reference count frees the
// memory), as the cpu backend's do. Results are the same bit for bit; strings are left to the
// original kernels.

import * as tf from '@tensorflow/tfjs';
import { ensureSimdKernels } from './kernels/register.js';

export type HeapArray = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-backend-wasm's `BackendWasm` that kernels reading its heap use (public methods). */
export interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): HeapArray;
  incRef(dataId: tf.DataId): void;
}

let patched = false;

/**
 * Copies `x[begin : begin + size]` into `out`, one run of the last axis at a time (a single copy
 * when the slice is contiguous in memory).
 */
function copySlice(
  src: HeapArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: HeapArray,
): void {
  const strides = tf.util.computeStrides(shape as number[]);
  const r = shape.length;
  if (tf.slice_util.isSliceContinous(shape as number[], begin as number[], size as number[])) {
    const from = tf.slice_util.computeFlatOffset(begin as number[], strides);
    dst.set(src.subarray(from, from + dst.length));
    return;
  }
  const inner = size[r - 1]!;
  const index = new Array<number>(r - 1).fill(0);
  for (let to = 0; to < dst.length; to += inner) {
    let from = begin[r - 1]!;
    for (let axis = 0; axis < r - 1; axis++) from += (begin[axis]! + index[axis]!) * strides[axis]!;
    dst.set(src.subarray(from, from + inner), to);
    for (let axis = r - 2; axis >= 0; axis--) {
      if (++index[axis]! < size[axis]!) break;
      index[axis] = 0;
    }
  }
}

/**
 * Registers the replacement `Slice`, `SplitV`, `Identity` and `Cast` kernels for the `wasm` backend,
 * once, and the SIMD kernels of kernels/. Does nothing when that backend's kernels are not registered (its package
 * not loaded).
 */
export function ensureWasmKernels(): void {
  ensureSimdKernels();
  if (patched) return;
  const slice = tf.getKernel(tf.Slice, 'wasm');
  const splitV = tf.getKernel(tf.SplitV, 'wasm');
  if (!slice || !splitV) return;
  patched = true;

  const sliceFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    if (x.dtype === 'string' || x.shape.length === 0) return slice.kernelFunc(args);
    const heap = args.backend as unknown as WasmHeap;
    const out = heap.makeOutput(size, x.dtype);
    // Views are taken after the allocation, which may grow (and so detach) the heap.
    if (out.shape.every((d) => d > 0)) {
      copySlice(heap.typedArrayFromHeap(x), x.shape, begin, size, heap.typedArrayFromHeap(out));
    }
    return out;
  };
  const splitVFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return splitV.kernelFunc(args);
    const attrs = args.attrs as unknown as tf.SplitVAttrs;
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
    const begin = x.shape.map(() => 0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceFunc({
        inputs: { x },
        attrs: { begin: [...begin], size } as unknown as tf.NamedAttrMap,
        backend: args.backend,
      }) as tf.TensorInfo;
      begin[axis]! += s;
      return out;
    });
  };
  tf.unregisterKernel(tf.Slice, 'wasm');
  tf.registerKernel({ ...slice, kernelFunc: sliceFunc });
  tf.unregisterKernel(tf.SplitV, 'wasm');
  tf.registerKernel({ ...splitV, kernelFunc: splitVFunc });
  // Identity always, Cast when the dtype stays: the output shares the input's data.
  const sharing: [string, (x: tf.TensorInfo, attrs: tf.NamedAttrMap) => boolean][] = [
    [tf.Identity, () => true],
    [tf.Cast, (x, attrs) => (attrs as unknown as tf.CastAttrs).dtype === x.dtype],
  ];
  for (const [name, shares] of sharing) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const x = args.inputs.x as tf.TensorInfo;
        if (x.dtype === 'string' || !shares(x, args.attrs ?? {})) return original.kernelFunc(args);
        (args.backend as unknown as WasmHeap).incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
      },
    });
  }
}
