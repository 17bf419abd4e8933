// The free names the documentation's TypeScript snippets use without defining them: what a reader
// has at hand in their own program (signals, feature matrices, a model, an optimizer). Each snippet
// is type-checked as its own module with these in scope; a name a snippet defines itself shadows
// the one here. Keep the types what a user plausibly has, not what makes a snippet compile.
import type * as tf from '@tensorflow/tfjs';

declare global {
  /** A target signal [T] (mss). */
  const target: Float32Array;
  /** An estimated signal [T] (mss). */
  const estimate: Float32Array;
  /** Sequences of feature vectors, x [N, D] and y [M, D] (softdtw). */
  const x: number[][];
  const y: number[][];
  /** A cost matrix [N, M] (softdtw). */
  const C: number[][];
  /** Frame-wise logits [F, C] and labels [F, C] holding 1, 0 or NaN (hierarchy). */
  const logits: number[][];
  const labels: number[][];
  const rawLabels: number[][];
  /** Frame-wise predictions and references [F, C] (metrics). */
  const predictions: number[][];
  const references: number[][];
  /** A note sequence [M, 12] and a number of frames (softdtw). */
  const notes: number[][];
  const N: number;
  /** A tfjs model, its input features [F, D], targets [F, C], and an optimizer. */
  const model: tf.LayersModel;
  const features: tf.Tensor2D;
  const targets: tf.Tensor2D;
  const targetTensor: tf.Tensor2D;
  const optimizer: tf.Optimizer;
  /** A phase ramp 2 pi f0 (n - T/2) / rate [T] (the frequency-estimation example). */
  const phase: tf.Tensor1D;
  /** A differentiable synthesiser and its parameters (the mss tfjs example). */
  const params: tf.Variable;
  function synthesise(params: tf.Variable): tf.Tensor1D;
}
