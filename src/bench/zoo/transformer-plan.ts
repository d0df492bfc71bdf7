/**
 * The zoo transformer read as what it is — an embedding, pre-norm blocks, a head — so that each
 * block can run as one op (runtime's transformerBlock: one native kernel each way) instead of
 * its seven layers one by one. The layer graph, weights, names and serialisation are unchanged;
 * only how a forward pass is executed changes, and only where the fused kernel applies (native
 * backend, float32, the block's own shapes). `transformerLayers` recognises a model by the zoo's
 * layer names, classes and wiring, so a model that merely shares names is never misread.
 *
 * On the native backend the forward pass of the whole model is one op (runtime's
 * transformerLogits: one kernel each way) and tfjs-layers' graph executor is not run for it: a
 * training step of the default transformer went from 97 tfjs kernel launches (166 with the
 * saved-tensor clones) to 5. Every other model, and every other backend, runs tfjs-layers' own call.
 */
import { tf, type LayersModel, type Tensor } from '../../runtime/tf.ts';
import {
  fusedBlockApplies,
  fusedBlockAvailable,
  normLinear,
  tokenPositionEmbedding,
  transformerBlock,
  transformerLogits,
  type BlockWeights,
  type Projection,
  type TransformerWeights,
} from '../../runtime/index.ts';
import { CausalSelfAttention, LayerNorm, PositionEmbedding } from './layers.ts';

type Layer = tf.layers.Layer;
type Kwargs = Record<string, unknown>;

/** One pre-norm block's layers by role. */
export interface BlockLayers {
  ln1: LayerNorm;
  attention: CausalSelfAttention;
  residual1: Layer;
  ln2: LayerNorm;
  mlpIn: Layer;
  mlpOut: Layer;
  residual2: Layer;
}

/** The zoo transformer's layers by role: the embedding chain (token embedding, position embedding), the blocks, the head chain (final layer norm, logits). */
export interface TransformerLayers {
  embedding: [Layer, PositionEmbedding];
  blocks: BlockLayers[];
  head: [LayerNorm, Layer];
}

const BLOCK_PARTS = ['ln1', 'attention', 'residual1', 'ln2', 'mlp_in', 'mlp_out', 'residual2'] as const;

/** Names of the layers feeding `layer`'s only call, or undefined when it is called more than once. */
function inboundNames(layer: Layer): string[] | undefined {
  const nodes = (layer as unknown as { inboundNodes: Array<{ inboundLayers: Layer[] }> }).inboundNodes;
  return nodes.length === 1 ? (nodes[0] as { inboundLayers: Layer[] }).inboundLayers.map((l) => l.name) : undefined;
}

const same = (a: string[] | undefined, b: string[]): boolean => a !== undefined && a.length === b.length && a.every((n, i) => n === b[i]);

/** A Dense layer with a bias and the given activation (tfjs-layers' class and config). */
function isDense(layer: Layer, activation: 'relu' | 'linear'): boolean {
  const config = layer.getConfig() as { activation?: string; useBias?: boolean };
  return layer.getClassName() === 'Dense' && config.useBias === true && config.activation === activation;
}

/**
 * The zoo transformer's layers by role (names as buildTransformer gives them, classes and wiring
 * checked: tokens → token_embedding → position_embedding → block1 … blockN → final_ln → logits,
 * each block x → ln1 → attention → residual1(x, ·) → ln2 → mlp_in (ReLU) → mlp_out →
 * residual2(residual1, ·)), or undefined for any other model.
 */
export function transformerLayers(model: LayersModel): TransformerLayers | undefined {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const get = (name: string): Layer | undefined => byName.get(name);
  const [input, embedding, position] = [model.inputLayers[0], get('token_embedding'), get('position_embedding')];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !input || !embedding || !(position instanceof PositionEmbedding)) return undefined;
  if (embedding.getClassName() !== 'Embedding' || (embedding.getConfig() as { maskZero?: boolean }).maskZero) return undefined;
  if (!same(inboundNames(embedding), [input.name]) || !same(inboundNames(position), ['token_embedding'])) return undefined;
  const blocks: BlockLayers[] = [];
  let previous = 'position_embedding';
  for (let n = 1; get(`block${n}_ln1`); n++) {
    const [ln1, attention, residual1, ln2, mlpIn, mlpOut, residual2] = BLOCK_PARTS.map((part) => get(`block${n}_${part}`));
    if (!(ln1 instanceof LayerNorm) || !(attention instanceof CausalSelfAttention) || !(ln2 instanceof LayerNorm)) return undefined;
    if (!residual1 || !residual2 || !mlpIn || !mlpOut || residual1.getClassName() !== 'Add' || residual2.getClassName() !== 'Add') return undefined;
    if (!isDense(mlpIn, 'relu') || !isDense(mlpOut, 'linear')) return undefined;
    const p = `block${n}_`;
    const wired =
      same(inboundNames(ln1), [previous]) &&
      same(inboundNames(attention), [`${p}ln1`]) &&
      same(inboundNames(residual1), [previous, `${p}attention`]) &&
      same(inboundNames(ln2), [`${p}residual1`]) &&
      same(inboundNames(mlpIn), [`${p}ln2`]) &&
      same(inboundNames(mlpOut), [`${p}mlp_in`]) &&
      same(inboundNames(residual2), [`${p}residual1`, `${p}mlp_out`]);
    if (!wired) return undefined;
    blocks.push({ ln1, attention, residual1, ln2, mlpIn, mlpOut, residual2 });
    previous = `${p}residual2`;
  }
  const [finalLn, logits] = [get('final_ln'), get('logits')];
  if (!(finalLn instanceof LayerNorm) || !logits || !isDense(logits, 'linear')) return undefined;
  if (!same(inboundNames(finalLn), [previous]) || !same(inboundNames(logits), ['final_ln'])) return undefined;
  // Nothing else in the model, and its output is the logits layer's.
  if (model.layers.length !== 5 + BLOCK_PARTS.length * blocks.length || model.outputLayers[0] !== logits) return undefined;
  return { embedding: [embedding, position], blocks, head: [finalLn, logits] };
}

/** A Dense layer's kernel and bias (its variables). */
function denseWeights(layer: Layer): Projection {
  const { kernel, bias } = layer as unknown as { kernel: { read(): Tensor }; bias: { read(): Tensor } };
  return { kernel: kernel.read(), bias: bias.read() };
}

/** The weights of one block, as runtime's transformerBlock takes them. */
export function blockWeights(block: BlockLayers): BlockWeights {
  return {
    ln1: block.ln1.normWeights(),
    ...block.attention.projections(),
    ln2: block.ln2.normWeights(),
    mlpIn: denseWeights(block.mlpIn),
    mlpOut: denseWeights(block.mlpOut),
  };
}

/** Apply layers in sequence. */
export function applyChain(layers: readonly Layer[], x: Tensor, kwargs: Kwargs): Tensor {
  return layers.reduce((h, layer) => layer.apply(h, kwargs) as Tensor, x);
}

/** Token + position embedding of int32 tokens: one fused op where it applies (runtime's tokenPositionEmbedding), else the two layers. */
export function applyEmbedding(plan: TransformerLayers, tokens: Tensor, kwargs: Kwargs): Tensor {
  const [tokenEmbedding, positionEmbedding] = plan.embedding;
  if (!fusedBlockAvailable() || tokens.dtype !== 'int32') return applyChain(plan.embedding, tokens, kwargs);
  const table = (tokenEmbedding as unknown as { embeddings: { read(): Tensor } }).embeddings.read();
  return tokenPositionEmbedding(tokens, table, positionEmbedding.table());
}

/** Final layer norm and logits: one fused op where it applies (runtime's normLinear), else the two layers. */
export function applyHead(plan: TransformerLayers, x: Tensor, kwargs: Kwargs): Tensor {
  const [finalLn, logits] = plan.head;
  if (!fusedBlockAvailable()) return applyChain(plan.head, x, kwargs);
  return normLinear(x, finalLn.normWeights(), denseWeights(logits));
}

/** One block: a single fused op where it applies (runtime's transformerBlock), else its layers one by one. */
export function applyBlock(block: BlockLayers, x: Tensor, kwargs: Kwargs): Tensor {
  const weights = blockWeights(block);
  const heads = block.attention.numHeads;
  if (fusedBlockApplies(x, weights, heads)) return transformerBlock(x, weights, heads, 1 / Math.sqrt((x.shape[2] as number) / heads));
  const call = (layer: Layer, input: Tensor | Tensor[]): Tensor => layer.apply(input, kwargs) as Tensor;
  const afterAttention = call(block.residual1, [x, call(block.attention, call(block.ln1, x))]);
  return call(block.residual2, [afterAttention, call(block.mlpOut, call(block.mlpIn, call(block.ln2, afterAttention)))]);
}

/** The recognised structure of each model seen (undefined: not the zoo transformer), read once per model. */
const plans = new WeakMap<object, TransformerLayers | undefined>();

function planFor(model: LayersModel): TransformerLayers | undefined {
  if (!plans.has(model)) plans.set(model, transformerLayers(model));
  return plans.get(model);
}

type Call = (this: LayersModel, inputs: Tensor | Tensor[], kwargs: Kwargs) => Tensor | Tensor[];
let routed = false;

/**
 * Route LayersModel.call for the zoo transformer through one op each for the token + position
 * embedding, every block ({@link applyBlock}) and the final layer norm + logits, while the fused
 * kernels are registered (native backend); every other model, and every backend without them,
 * runs tfjs-layers' own call (its graph executor). A part whose shapes a kernel does not take runs
 * as the layers' ops. Idempotent.
 */
export function routeZooTransformerThroughBlocks(): void {
  if (routed) return;
  routed = true;
  const prototype = tf.LayersModel.prototype as unknown as { call: Call };
  const original = prototype.call;
  prototype.call = function (this: LayersModel, inputs, kwargs) {
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const plan = fusedBlockAvailable() && input ? planFor(this) : undefined;
    if (!plan || !input) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const first = plan.blocks[0];
      // One op for the whole model where every part fits the native kernels, else one op per part.
      if (input.dtype === 'int32' && first) {
        const [tokenEmbedding, positionEmbedding] = plan.embedding;
        const [finalLn, logits] = plan.head;
        const weights: TransformerWeights = {
          table: (tokenEmbedding as unknown as { embeddings: { read(): Tensor } }).embeddings.read(),
          positions: positionEmbedding.table(),
          blocks: plan.blocks.map(blockWeights),
          norm: finalLn.normWeights(),
          logits: denseWeights(logits),
        };
        const heads = first.attention.numHeads;
        return transformerLogits(input, weights, heads, 1 / Math.sqrt((weights.table.shape[1] as number) / heads));
      }
      const blocksOut = plan.blocks.reduce((h, block) => applyBlock(block, h, kwargs), applyEmbedding(plan, input, kwargs));
      return applyHead(plan, blocksOut, kwargs);
    });
  };
}
