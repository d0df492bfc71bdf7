/**
 * The transformer's own layers, as tfjs Layers registered by class name so a model that uses
 * them survives tf.LayersModel serialization (toJSON / loadLayersModel). Class names carry a
 * `costsim>` prefix so they cannot clash with tfjs's built-ins.
 */
import { tf, type Tensor } from '../../runtime/tf.ts';
import { causalMaskFor, layerNorm, linear, projectedSelfAttention, type Projection } from '../../runtime/index.ts';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type Shape = Array<number | null>;
type Kwargs = Record<string, unknown>;

function single(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
}

/** The feature width (last axis) of a layer's (first) input shape. */
function featureWidth(inputShape: Shape | Shape[]): number {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  return shape[shape.length - 1] as number;
}

/**
 * Learned absolute position embedding: adds a [maxLength, d] table (its first T rows) to a
 * [batch, T, d] input. Parameters: maxLength·d.
 */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'costsim>PositionEmbedding';
  readonly maxLength: number;
  readonly seed: number | undefined;
  private tableVariable!: { read(): Tensor };

  constructor(args: LayerArgs & { maxLength: number; seed?: number }) {
    super(args);
    this.maxLength = args.maxLength;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = featureWidth(inputShape);
    this.tableVariable = this.addWeight('positions', [this.maxLength, d], 'float32', tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.seed }));
    this.built = true;
  }

  /** The [maxLength, d] position table (the layer's variable, not a copy). */
  table(): Tensor {
    return this.tableVariable.read();
  }

  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const length = x.shape[1] as number;
      const positions = tf.slice(this.tableVariable.read(), [0, 0], [length, -1]);
      return tf.add(x, positions);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, ...(this.seed !== undefined ? { seed: this.seed } : {}) };
  }
}

/** [T, T] additive mask: 0 where key position ≤ query position, −1e9 above the diagonal. */
export function causalMask(length: number): Tensor {
  return causalMaskFor(length, length);
}

/**
 * Multi-head causal self-attention on [batch, T, d]: Q, K, V and output projections (d×d
 * weights + bias each, 4d² + 4d parameters), scores QKᵀ/√(d/h) with future positions masked,
 * softmax, weighted sum of V. Forward matmul FLOPs: 8·B·T·d² (projections) + 4·B·T²·d (scores
 * and weighted sum).
 */
export class CausalSelfAttention extends tf.layers.Layer {
  static className = 'costsim>CausalSelfAttention';
  readonly numHeads: number;
  readonly seed: number | undefined;
  private weightsByName: Record<string, { read(): Tensor }> = {};

  constructor(args: LayerArgs & { numHeads: number; seed?: number }) {
    super(args);
    this.numHeads = args.numHeads;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = featureWidth(inputShape);
    if (d % this.numHeads !== 0) throw new RangeError(`CausalSelfAttention: model width ${d} is not divisible by ${this.numHeads} heads`);
    ['query', 'key', 'value', 'output'].forEach((name, i) => {
      const seed = this.seed === undefined ? undefined : this.seed + i;
      this.weightsByName[`${name}Kernel`] = this.addWeight(`${name}_kernel`, [d, d], 'float32', tf.initializers.glorotUniform({ seed }));
      this.weightsByName[`${name}Bias`] = this.addWeight(`${name}_bias`, [d], 'float32', tf.initializers.zeros());
    });
    this.built = true;
  }

  private projection(name: string): Projection {
    return { kernel: this.weightsByName[`${name}Kernel`]?.read() as Tensor, bias: this.weightsByName[`${name}Bias`]?.read() as Tensor };
  }

  /** The Q, K, V and output projections' weights (the layer's variables, not copies). */
  projections(): { query: Projection; key: Projection; value: Projection; output: Projection } {
    return { query: this.projection('query'), key: this.projection('key'), value: this.projection('value'), output: this.projection('output') };
  }

  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const headWidth = (x.shape[2] as number) / this.numHeads;
      // Q, K, V projections, then per head (columns h·d/h…): scores, causal mask, softmax and the
      // weighted sum of V. On the native backend the three projections are one kernel writing one
      // [B, T, 3d] buffer that the fused attention reads in place (2 kernels each way); elsewhere three
      // tf.fused.matMul projections, heads split into [B, h, T, d/h], tfjs's ops, and merged.
      const mixed = projectedSelfAttention(
        x,
        this.projection('query'),
        this.projection('key'),
        this.projection('value'),
        this.numHeads,
        1 / Math.sqrt(headWidth),
        true,
      );
      // GEMM + bias on [B, T, d] directly: one kernel each way on native, tf.fused.matMul elsewhere.
      const output = this.projection('output');
      return linear(mixed, output.kernel, output.bias);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, ...(this.seed !== undefined ? { seed: this.seed } : {}) };
  }
}

/**
 * Layer normalisation over the last axis, (x − mean) / √(var + ε) · γ + β, written with
 * broadcasting ops. tfjs-layers' LayerNormalization tiles its statistics to the full
 * activation shape, and tfjs-core's Tile gradient is a loop of one Slice + Add per repetition:
 * 7,040 kernel pairs per training step of the default transformer (measured: ~70% of its step
 * time on wasm). Broadcasting gradients are single Sum reductions instead; on the native
 * backend forward and backward are one fused kernel each (runtime/fused-ops.ts). Parameters: 2d.
 */
export class LayerNorm extends tf.layers.Layer {
  static className = 'costsim>LayerNormalization';
  readonly epsilon: number;
  private gamma!: { read(): Tensor };
  private beta!: { read(): Tensor };

  constructor(args: LayerArgs & { epsilon?: number }) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-3; // tfjs-layers' and Keras's default
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = featureWidth(inputShape);
    this.gamma = this.addWeight('gamma', [d], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  /** γ, β (the layer's variables, not copies) and ε. */
  normWeights(): { gamma: Tensor; beta: Tensor; epsilon: number } {
    return { gamma: this.gamma.read(), beta: this.beta.read(), epsilon: this.epsilon };
  }

  override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    // One fused kernel each way on the native backend; the broadcasting ops elsewhere.
    return layerNorm(single(inputs), this.gamma.read(), this.beta.read(), this.epsilon);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(PositionEmbedding);
tf.serialization.registerClass(LayerNorm);
tf.serialization.registerClass(CausalSelfAttention);
