/**
 * Structured pruning, part 2: rebuild a physically smaller model without the removed
 * units. Layer configs get fewer `units`/`filters`; kernels are sliced on both axes (own
 * outputs, and inputs removed upstream), biases and BatchNorm parameters (gamma, beta,
 * moving mean and variance) on their channel axis. Unlike unstructured zeros, the smaller
 * model runs fewer FLOPs on ordinary dense kernels, so it is measurably faster.
 */
import { tf } from '../../runtime/tf.ts';
import type { LayersModel, Tensor } from '../../runtime/tf.ts';
import { keptInputs, type StructuredPlan } from './structured-plan.ts';

interface LayerJson {
  name?: string;
  class_name: string;
  config: Record<string, unknown>;
}

function topologyLayers(topology: unknown): LayerJson[] {
  const layers = (topology as { config?: { layers?: LayerJson[] } }).config?.layers;
  if (!Array.isArray(layers)) throw new Error('structured rebuild: unexpected model topology (no config.layers)');
  return layers;
}

function weightNameOf(originalName: string): string {
  return originalName.split('/').pop() ?? originalName;
}

/**
 * A new model without the units not in `kept` (one sorted index list per producer, from
 * `chooseUnits`). The source model is not modified. Resolves once weights are copied.
 */
export async function rebuildStructured(model: LayersModel, plan: StructuredPlan, kept: readonly number[][]): Promise<LayersModel> {
  const topology = model.toJSON(null, false);
  const layerJson = new Map(topologyLayers(topology).map((l) => [String(l.config.name ?? l.name), l]));
  // Channel indices that survive at the output of each layer, keyed by layer name.
  const channelsAfter = new Map<string, number[]>();
  const inputRows = new Map<string, number[]>();
  plan.producers.forEach((p, index) => {
    const units = kept[index] as number[];
    const json = layerJson.get(p.layer.name);
    if (!json) throw new Error(`structured rebuild: layer "${p.layer.name}" missing from the topology`);
    if ('units' in json.config) json.config.units = units.length;
    else json.config.filters = units.length;
    channelsAfter.set(p.layer.name, units);
    inputRows.set(p.layer.name, keptInputs(plan, kept, index));
    for (const bn of p.batchNorms) channelsAfter.set(bn.name, units);
  });
  const smaller = await tf.models.modelFromJSON({ modelTopology: topology as never });
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const target = smaller.getLayer(layer.name);
    const channels = channelsAfter.get(layer.name);
    const rows = inputRows.get(layer.name);
    const sliced = tf.tidy(() =>
      layer.weights.map((variable): Tensor => {
        let value: Tensor = variable.read();
        const name = weightNameOf(variable.originalName);
        const rank = value.shape.length;
        if (name === 'kernel') {
          if (channels) value = tf.gather(value, channels, rank - 1);
          if (rows) value = tf.gather(value, rows, rank - 2);
        } else if (channels) {
          value = tf.gather(value, channels, 0);
        }
        return tf.clone(value);
      }),
    );
    target.setWeights(sliced);
    tf.dispose(sliced);
  }
  return smaller;
}
