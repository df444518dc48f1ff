// The Node peer of issue 12: the worker's MQTT 5 request/response contract for one embedding model, written the way a
// Node developer would (mqtt + sharp + onnxruntime-node). Env: MQTT_URL, THING, MODEL_DIR (a package: model.onnx +
// manifest.json), CONCURRENCY (messages in progress at once; default: cores), ORT_ALLOW_SPINNING (default 0, as the
// worker; 1 is onnxruntime's own default). Raw image payloads only.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const mqtt = require('mqtt');
const ort = require('onnxruntime-node');
const sharp = require('sharp');

const url = process.env.MQTT_URL || 'mqtt://127.0.0.1:1883';
const thing = process.env.THING || 'local';
const modelDir = path.resolve(process.env.MODEL_DIR ||
  path.join(__dirname, '../../src/EdgeInference.Worker/bin/Release/net10.0/linux-x64/models/resnet18-embedding'));
const cores = os.availableParallelism();
const concurrency = Number(process.env.CONCURRENCY || cores);
const allowSpinning = process.env.ORT_ALLOW_SPINNING || '0';
const topics = { infer: `edge-inference/${thing}/infer`, result: `edge-inference/${thing}/result`,
  describe: `edge-inference/${thing}/describe`, status: `edge-inference/${thing}/status` };

const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
const { Width: W, Height: H, Name: inputName, ColorOrder, Scale = 1 / 255, Mean = [0, 0, 0], Std = [1, 1, 1] } = manifest.Input;
const outputName = manifest.Outputs.find((o) => o.Role === 'Embedding').Name;
const modelFile = path.join(modelDir, 'model.onnx');
const model = { Name: manifest.Name, ModelVersion: manifest.ModelPackagingDescription?.ModelVersion,
  Sha256: crypto.createHash('sha256').update(fs.readFileSync(modelFile)).digest('hex') };

async function toTensor(jpeg) {
  const rgb = await sharp(jpeg).resize(W, H, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  const decoded = performance.now();
  const plane = W * H, data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const src = ColorOrder === 'BGR' ? 2 - c : c;
    for (let i = 0; i < plane; i++) data[c * plane + i] = (rgb[i * 3 + src] * Scale - Mean[c]) / Std[c];
  }
  return { tensor: new ort.Tensor('float32', data, [1, 3, H, W]), decoded };
}

async function infer(session, jpeg, accepted, started) {
  const { tensor, decoded } = await toTensor(jpeg);
  const preprocessed = performance.now();
  const output = await session.run({ [inputName]: tensor });
  const done = performance.now();
  return { Model: model, ExecutionProvider: 'CPU', Embedding: Array.from(output[outputName].data),
    Timings: { QueueMs: started - accepted, DecodeMs: decoded - started, PreprocessMs: preprocessed - decoded,
      InferenceMs: done - preprocessed, TotalMs: done - accepted, BatchSize: 1 } };
}

async function main() {
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: cores, executionProviders: ['cpu'],
    extra: { session: { intra_op: { allow_spinning: allowSpinning } } } }); // the worker's thread settings
  await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(3 * W * H), [1, 3, H, W]) }); // warm-up
  const client = mqtt.connect(url, { protocolVersion: 5, clean: true });
  client.on('connect', () => client.stream.setNoDelay(true)); // the Nagle fix
  client.on('error', (err) => console.error('mqtt:', err.message));

  const reply = (packet, fallbackTopic, body) => client.publish(packet.properties?.responseTopic || fallbackTopic,
    JSON.stringify(body), { qos: 1, properties: { correlationData: packet.properties?.correlationData, contentType: 'application/json' } });
  const describe = { Runtime: { Status: 'RUNNING', Version: `node-peer (node ${process.version}, onnxruntime-node ${ort.env.versions.node})`,
    ThingName: thing, ExecutionProvider: 'CPU', RequestedAccelerator: 'cpu', IntraOpThreads: cores,
    Model: { Name: model.Name, Task: manifest.Task, Sha256: model.Sha256, PackagePath: modelDir },
    Limits: { MaxConcurrentRequests: concurrency, MaxConcurrentRuns: concurrency } } };

  // Bounded concurrency: at most `concurrency` messages decoding or running; the rest wait in arrival order.
  const waiting = [];
  let busy = 0;
  const pump = () => {
    while (busy < concurrency && waiting.length > 0) {
      const { packet, accepted } = waiting.shift();
      busy++;
      infer(session, packet.payload, accepted, performance.now())
        .then((result) => reply(packet, topics.result, result))
        .catch((err) => reply(packet, topics.result, { Error: { Code: 'InvalidImage', Message: err.message } }))
        .finally(() => { busy--; pump(); });
    }
  };
  client.on('message', (topic, payload, packet) => {
    if (topic === topics.describe) return reply(packet, `${topics.describe}/reply`, describe);
    waiting.push({ packet, accepted: performance.now() });
    pump();
  });

  await client.subscribeAsync([topics.infer, topics.describe], { qos: 1 });
  await client.publishAsync(topics.status, JSON.stringify({ Status: 'RUNNING', ThingName: thing, ExecutionProvider: 'CPU', Model: model }), { qos: 1, retain: true });
  console.log(`node-peer: serving ${topics.infer} on ${url}, ${concurrency} at once, ${cores} intra-op threads, spinning ${allowSpinning}`);
  const stop = async () => {
    setTimeout(() => process.exit(1), 3000).unref(); // bounded: a broker that is gone does not hold the exit
    await client.publishAsync(topics.status, JSON.stringify({ Status: 'STOPPING', ThingName: thing }), { qos: 1, retain: true });
    await client.endAsync();
    process.exit(0);
  };
  process.once('SIGTERM', stop).once('SIGINT', stop);
}

main().catch((err) => { console.error('node-peer:', err); process.exit(1); });
