/**
 * Gradient checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost",
 * full recomputation per segment): the forward pass runs segment by segment off the gradient
 * tape, keeping only each segment's input; the backward pass then walks the segments in
 * reverse, re-running each one's forward pass on the tape and back-propagating the upstream
 * gradient through it. At most one segment's activations are alive at a time, for one extra
 * forward pass. Equivalent to wrapping each segment in tf.customGrad whose gradient recomputes
 * the segment; written as per-segment vector–Jacobian products because a tf.grads call inside
 * a customGrad gradient would replace the engine's active tape mid-backprop.
 */
import { tf, type Tensor } from './tf.ts';

/** One segment of a model: a pure function of its input (training mode) reading the model's variables. */
export type Segment = (x: Tensor) => Tensor;

/**
 * The loss and the gradient of every variable in `variables`, by name (as tf.variableGrads
 * returns them), computed with one recomputation per segment. `loss` maps the last segment's
 * output to a scalar. `state` are variables the forward pass updates as a side effect (batch
 * norm's moving statistics): restored after the recomputations, so they move once per step, as
 * in plain training. The caller owns the returned tensors; nothing else is left behind.
 */
export function checkpointedGradients(
  segments: readonly Segment[],
  loss: (out: Tensor) => tf.Scalar,
  input: Tensor,
  variables: readonly tf.Variable[],
  state: readonly tf.Variable[] = [],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  if (segments.length === 0) throw new RangeError('checkpointedGradients: no segments');
  const engine = tf.engine();
  // Forward, off the tape (no gradients call is active): only the segment inputs survive.
  const inputs: Tensor[] = [input];
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as Segment;
    const x = inputs[i] as Tensor;
    inputs.push(tf.tidy(() => segment(x)));
  }
  const saved = state.map((v) => tf.clone(v));
  const sums = new Map<string, Tensor>();
  let upstream: Tensor | undefined;
  let value: tf.Scalar | undefined;
  try {
    for (let i = segments.length - 1; i >= 0; i--) {
      const segment = segments[i] as Segment;
      const x = inputs[i] as Tensor;
      const last = i === segments.length - 1;
      const xs: Tensor[] = i > 0 ? [x, ...variables] : [...variables];
      const dy = upstream;
      const result = engine.gradients(() => (last ? loss(segment(x)) : segment(x)), xs, dy, true);
      dy?.dispose();
      if (last) value = result.value as tf.Scalar;
      else result.value.dispose();
      upstream = i > 0 ? (result.grads[0] as Tensor) : undefined;
      const varGrads = i > 0 ? result.grads.slice(1) : result.grads;
      varGrads.forEach((g, j) => {
        if (!g) return;
        const name = (variables[j] as tf.Variable).name;
        const previous = sums.get(name);
        if (previous) {
          sums.set(name, tf.add(previous, g));
          previous.dispose();
          g.dispose();
        } else sums.set(name, g);
      });
      if (i > 0) x.dispose();
    }
  } finally {
    upstream?.dispose();
    state.forEach((v, j) => v.assign(saved[j] as Tensor));
    tf.dispose(saved);
  }
  // In `variables` order, as tf.variableGrads gives them: tfjs optimizers match their state to gradients by position.
  const grads: tf.NamedTensorMap = {};
  for (const v of variables) {
    const g = sums.get(v.name);
    if (g) grads[v.name] = g;
  }
  return { value: value as tf.Scalar, grads };
}
