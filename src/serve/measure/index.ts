/**
 * serve/measure/: the KV-cached decoder measured on this machine (TensorFlow.js), and the
 * calibration of the serving model it yields. Kept apart from serve/index.ts, which is pure.
 */
export { createDecoder, disposeDecoder, type DecoderShape, type Decoder } from './decoder.ts';
export { measureSweep, measureLocalServing, decoderAsShape, type MeasuredPoint, type SweepOptions, type SweepResult, type LocalServing } from './sweep.ts';
export { fitCalibration, type Calibration } from './calibrate.ts';
