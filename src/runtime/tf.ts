/**
 * The one place that imports TensorFlow.js for the rest of the code. Everything that trains
 * or counts takes `tf` from here so that there is exactly one engine and one tfjs-core.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, LayersModel, Rank } from '@tensorflow/tfjs';
