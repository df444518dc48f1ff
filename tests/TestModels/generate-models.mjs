// Writes the small task models the tests use (and documents exactly what they compute).
//   node tests/TestModels/generate-models.mjs [outDir]     (default: next to this script)
// Needs onnx-proto from tests/node/node_modules (installed by tests/run.sh). Output is deterministic:
// a test re-runs this script and checks the committed bytes still agree.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'node', 'package.json'));
const { onnx } = require('onnx-proto');
const outDir = process.argv[2] ?? here;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

const valueInfo = (name, dims) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(d => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});
const floats = (name, dims, values) => ({ name, dims, dataType: FLOAT, floatData: values });
const int64s = (name, dims, values) => ({ name, dims, dataType: INT64, int64Data: values });
const node = (opType, inputs, outputs, attributes = []) => ({ opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute: attributes });
const intAttr = (name, i) => ({ name, type: A.INT, i });
const intsAttr = (name, ints) => ({ name, type: A.INTS, ints });

function writeModel(dir, graph, docString) {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'edge-inference-testmodels',
    producerVersion: '1',
    docString,
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  mkdirSync(join(outDir, dir), { recursive: true });
  writeFileSync(join(outDir, dir, 'model.onnx'), bytes);
  return bytes.length;
}

// 1. color-classifier: which of R, G, B dominates the image.
//    probabilities = softmax(mean_over_pixels(image) @ W + b), image float [1,3,32,32] in 0..1 (RGB, NCHW).
const W = [8, -4, -4, -4, 8, -4, -4, -4, 8];
const classifierBytes = writeModel('color-classifier', {
  name: 'color_classifier',
  node: [
    node('GlobalAveragePool', ['image'], ['channel_means']),
    node('Flatten', ['channel_means'], ['features'], [intAttr('axis', 1)]),
    node('MatMul', ['features', 'W'], ['weighted']),
    node('Add', ['weighted', 'b'], ['logits']),
    node('Softmax', ['logits'], ['probabilities'], [intAttr('axis', 1)]),
  ],
  initializer: [floats('W', [3, 3], W), floats('b', [3], [0, 0, 0])],
  input: [valueInfo('image', [1, 3, 32, 32])],
  output: [valueInfo('probabilities', [1, 3])],
}, 'Dominant colour classifier: softmax(channel means @ W).');

// 2. grey-anomaly: anything far from mid-grey is an anomaly.
//    anomaly_map[1,1,64,64] = 2 * mean_over_channels(|image - 0.5|)   (0 for grey, 1 for black or white)
//    anomaly_score[1] = max(anomaly_map)
const anomalyBytes = writeModel('grey-anomaly', {
  name: 'grey_anomaly',
  node: [
    node('Sub', ['image', 'grey'], ['centered']),
    node('Abs', ['centered'], ['distance']),
    node('ReduceMean', ['distance'], ['mean_distance'], [intsAttr('axes', [1]), intAttr('keepdims', 1)]),
    node('Mul', ['mean_distance', 'two'], ['anomaly_map']),
    node('ReduceMax', ['anomaly_map'], ['max_value'], [intAttr('keepdims', 1)]),
    node('Reshape', ['max_value', 'score_shape'], ['anomaly_score']),
  ],
  initializer: [floats('grey', [], [0.5]), floats('two', [], [2]), int64s('score_shape', [1], [1])],
  input: [valueInfo('image', [1, 3, 64, 64])],
  output: [valueInfo('anomaly_map', [1, 1, 64, 64]), valueInfo('anomaly_score', [1])],
}, 'Grey-card anomaly model: per-pixel distance from mid-grey, and its maximum.');

console.log(JSON.stringify({ 'color-classifier': classifierBytes, 'grey-anomaly': anomalyBytes }));
