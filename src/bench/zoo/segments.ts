/**
 * The zoo models cut into checkpoint segments (the unit gradient checkpointing recomputes):
 * the transformer's embedding, each pre-norm block (attention + MLP with their residuals) and
 * the head; the CNN's two conv → batch norm → ReLU → pool stages and its dense head; the MLP's
 * hidden layers and logits. Applying the segments in order is the model's own forward pass.
 */
import type { LayersModel, Tensor } from '../../runtime/tf.ts';
import type { Segment } from '../../runtime/index.ts';
import { ZOO_MODELS, type ZooModelName } from './options.ts';
import { applyBlock, applyEmbedding, applyHead, transformerLayers } from './transformer-plan.ts';

/** Layers applied in sequence, training mode. */
function chain(model: LayersModel, names: readonly string[]): Segment {
  const layers = names.map((n) => model.getLayer(n));
  return (x) => layers.reduce((h, layer) => layer.apply(h, { training: true }) as Tensor, x);
}

/**
 * The layer names of each checkpoint segment of the MLP and the CNN (chains of layers), as
 * zooSegments applies them; the transformer's blocks are not plain chains (undefined).
 */
export function zooSegmentLayers(name: ZooModelName, model: LayersModel): string[][] | undefined {
  const has = (layer: string): boolean => model.layers.some((l) => l.name === layer);
  if (name === 'mlp') return [...model.layers.filter((l) => /^hidden\d+$/.test(l.name)).map((l) => [l.name]), ['logits']];
  if (name === 'cnn') return [...[1, 2].filter((n) => has(`conv${n}`)).map((n) => [`conv${n}`, `bn${n}`, `relu${n}`, `pool${n}`]), ['flatten', 'fc', 'logits']];
  return undefined;
}

/** The checkpoint segments of a zoo model built by createZooModel (its layer names are the contract). */
export function zooSegments(name: ZooModelName, model: LayersModel): Segment[] {
  if (!(ZOO_MODELS as readonly string[]).includes(name)) throw new RangeError(`no segments for model "${name}"`);
  const chains = zooSegmentLayers(name, model);
  if (chains) return chains.map((names) => chain(model, names));
  const plan = transformerLayers(model);
  if (!plan) throw new RangeError('zooSegments: the model is not the zoo transformer (its layer names, classes or wiring differ)');
  const training = { training: true };
  // Each part is one fused op where the native kernels take it (transformer-plan.ts), else its layers.
  const blocks: Segment[] = plan.blocks.map((block) => (x) => applyBlock(block, x, training));
  return [(x) => applyEmbedding(plan, x, training), ...blocks, (x) => applyHead(plan, x, training)];
}
