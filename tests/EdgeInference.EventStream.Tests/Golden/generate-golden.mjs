// Golden event-stream frames produced by the reference codec @smithy/eventstream-codec (npm).
//
//   node generate-golden.mjs            # rewrites golden-frames.json next to this script
//   node generate-golden.mjs --stdout   # prints the same JSON (the test compares it with the committed file)
//
// The codec is loaded from tests/node/node_modules (installed by tests/run.sh), or from
// $EDGE_INFERENCE_NODE_MODULES. Output is deterministic: no clocks, no randomness.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = process.env.EDGE_INFERENCE_NODE_MODULES || path.resolve(scriptDir, '../../node/node_modules');
const require = createRequire(path.join(path.dirname(nodeModules), 'package.json'));
const { EventStreamCodec, Int64 } = require('@smithy/eventstream-codec');

const codec = new EventStreamCodec(b => new TextDecoder().decode(b), s => new TextEncoder().encode(s));
const utf8 = s => new TextEncoder().encode(s);
const hex = bytes => Buffer.from(bytes).toString('hex');

function int64FromBigInt(value) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value), false);
  return new Int64(bytes);
}

// A header list in the JSON form the C# test reads: [name, type, value] with JSON-safe values.
function toCodecHeaders(list) {
  const headers = {};
  for (const [name, type, value] of list) {
    switch (type) {
      case 'boolean': case 'byte': case 'short': case 'integer': case 'string': case 'uuid':
        headers[name] = { type, value }; break;
      case 'long': headers[name] = { type, value: int64FromBigInt(value) }; break;
      case 'binary': headers[name] = { type, value: Uint8Array.from(Buffer.from(value, 'hex')) }; break;
      case 'timestamp': headers[name] = { type, value: new Date(value) }; break;
      default: throw new Error(`unknown type ${type}`);
    }
  }
  return headers;
}

function frame(name, headerList, payload = new Uint8Array(0), expectHex = undefined) {
  const bytes = codec.encode({ headers: toCodecHeaders(headerList), body: payload });
  const decoded = codec.decode(bytes);
  if (hex(decoded.body) !== hex(payload)) throw new Error(`${name}: payload did not round-trip`);
  if (Object.keys(decoded.headers).join() !== headerList.map(h => h[0]).join()) throw new Error(`${name}: headers did not round-trip`);
  if (expectHex !== undefined && hex(bytes) !== expectHex) throw new Error(`${name}: expected ${expectHex}, got ${hex(bytes)}`);
  return {
    name,
    headers: headerList.map(([n, type, value]) => ({ name: n, type, value })),
    payloadHex: hex(payload),
    frameHex: hex(bytes),
  };
}

const pattern = Uint8Array.from({ length: 1024 }, (_, i) => (i * 31 + 7) & 0xff);
const cases = [
  frame('empty-message', [], new Uint8Array(0), '000000100000000005c248eb7d98c8ff'),
  frame('payload-no-headers', [], utf8('{"foo":"bar"}')),
  frame('binary-payload-1k', [], pattern),
  frame('bool-true', [['flag', 'boolean', true]]),
  frame('bool-false', [['flag', 'boolean', false]]),
  frame('byte-negative', [['b', 'byte', -7]]),
  frame('byte-extremes', [['min', 'byte', -128], ['max', 'byte', 127]]),
  frame('short-extremes', [['min', 'short', -32768], ['max', 'short', 32767], ['s', 'short', -12345]]),
  frame('int-extremes', [['min', 'integer', -2147483648], ['max', 'integer', 2147483647], ['i', 'integer', 123456789]]),
  frame('long-extremes', [['min', 'long', '-9223372036854775808'], ['max', 'long', '9223372036854775807'], ['l', 'long', '-1234567890123']]),
  frame('binary-header', [['bin', 'binary', 'deadbeef']]),
  frame('binary-header-empty', [['bin', 'binary', '']]),
  frame('string-header', [['str', 'string', 'x']]),
  frame('string-header-empty', [['str', 'string', '']]),
  frame('string-header-unicode', [['str', 'string', 'h\u00e9llo \u2713 \u{1F600}']]),
  frame('timestamp-header', [['ts', 'timestamp', 1700000000123]]),
  frame('timestamp-epoch-and-before', [['zero', 'timestamp', 0], ['before', 'timestamp', -86400000]]),
  frame('uuid-header', [['u', 'uuid', '0123abcd-4567-89ef-0123-456789abcdef']]),
  frame('all-types-with-payload', [
    ['b', 'boolean', true], ['f', 'boolean', false], ['y', 'byte', -7], ['s', 'short', -12345],
    ['i', 'integer', 123456789], ['l', 'long', '-1234567890123'], ['bin', 'binary', 'deadbeef'],
    ['str', 'string', 'x'], ['ts', 'timestamp', 1700000000123], ['u', 'uuid', '0123abcd-4567-89ef-0123-456789abcdef'],
  ], utf8('hello')),
  frame('max-length-name', [['n'.repeat(255), 'integer', 1]]),
  frame('max-size-string-header', [['big', 'string', 'abcdefghijklmnopqrstuvwxyz'.repeat(1260) + 'abcdefg']]),
  // Greengrass IPC CONNECT captured from aws-iot-device-sdk-v2 1.28.0 (reference greengrass-ipc.md section 2.3).
  frame('greengrass-connect', [
    [':version', 'string', '0.1.0'], [':message-type', 'integer', 4], [':message-flags', 'integer', 0], [':stream-id', 'integer', 0],
  ], utf8('{"authToken":"ABCDEFGHIJKLMNOP"}'),
  '0000007800000048d487bdc5083a76657273696f6e070005302e312e300d3a6d6573736167652d7479706504000000040e3a6d6573736167652d666c61677304000000000a3a73747265616d2d696404000000007b2261757468546f6b656e223a224142434445464748494a4b4c4d4e4f50227dfc808abe'),
  frame('greengrass-connect-ack', [[':message-type', 'integer', 5], [':message-flags', 'integer', 1], [':stream-id', 'integer', 0]],
    new Uint8Array(0),
    '0000004700000037374cfe3f0d3a6d6573736167652d7479706504000000050e3a6d6573736167652d666c61677304000000010a3a73747265616d2d69640400000000e237e27d'),
  frame('greengrass-publish-to-topic', [
    [':message-type', 'integer', 0], [':message-flags', 'integer', 0], [':stream-id', 'integer', 1],
    ['operation', 'string', 'aws.greengrass#PublishToTopic'],
  ], utf8('{"topic":"test/topic","publishMessage":{"binaryMessage":{"message":"aGVsbG8="}}}')),
];

const json = JSON.stringify({ generator: '@smithy/eventstream-codec', cases }, null, 2) + '\n';
if (process.argv.includes('--stdout')) {
  process.stdout.write(json);
} else {
  writeFileSync(path.join(scriptDir, 'golden-frames.json'), json);
  console.log(`wrote ${cases.length} cases`);
}
