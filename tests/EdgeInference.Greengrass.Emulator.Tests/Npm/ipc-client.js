// A Greengrass component written with the official npm SDK (aws-iot-device-sdk-v2, native aws-crt event-stream),
// run by NodeSdkTests against the C# nucleus emulator. createClient() reads the same variables the nucleus sets:
// AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT and SVCUID.
//
// Protocol with the test (stdout, one line each): "READY" once subscribed; then, after stdin says "GO", it publishes
// a binary and a JSON message, waits for three messages on IPC_TEST_TOPIC (its own two plus one from the .NET client),
// tries a topic its policy denies, and prints "RESULT <json>". Exit code 0 when it got that far.
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');
const readline = require('readline');

const topic = process.env.IPC_TEST_TOPIC;
const deniedTopic = process.env.IPC_TEST_DENIED_TOPIC;
const timeoutMs = 15000;

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), timeoutMs); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describeError(e) {
  return { type: e.type ?? null, description: e.description ?? String(e), serviceError: e.serviceError ?? null };
}

async function main() {
  const client = greengrasscoreipc.createClient();
  await withTimeout(client.connect(), 'connect');

  const received = [];
  let gotAll;
  const allReceived = new Promise(resolve => { gotAll = resolve; });
  const subscription = client.subscribeToTopic({ topic });
  subscription.on('message', m => {
    if (m.binaryMessage) {
      received.push({ kind: 'binary', topic: m.binaryMessage.context?.topic, text: Buffer.from(m.binaryMessage.message).toString('utf8') });
    } else if (m.jsonMessage) {
      received.push({ kind: 'json', topic: m.jsonMessage.context?.topic, message: m.jsonMessage.message });
    }
    if (received.length >= 3) gotAll();
  });
  await withTimeout(subscription.activate(), 'subscribe');
  console.log('READY');

  const lines = readline.createInterface({ input: process.stdin });
  await withTimeout(new Promise(resolve => lines.on('line', l => { if (l.trim() === 'GO') resolve(); })), 'GO from the test');
  lines.close();

  await withTimeout(client.publishToTopic({ topic, publishMessage: { binaryMessage: { message: Buffer.from('hello from node') } } }), 'publish binary');
  await withTimeout(client.publishToTopic({ topic, publishMessage: { jsonMessage: { message: { from: 'node', n: 42 } } } }), 'publish json');
  await withTimeout(allReceived, 'three messages');

  let denied = null;
  try {
    await withTimeout(client.publishToTopic({ topic: deniedTopic, publishMessage: { binaryMessage: { message: Buffer.from('x') } } }), 'denied publish');
  } catch (e) {
    denied = describeError(e);
  }

  let unknownKey = null;
  try {
    await withTimeout(client.getConfiguration({ keyPath: ['no', 'such', 'key'] }), 'getConfiguration');
  } catch (e) {
    unknownKey = describeError(e);
  }

  const configuration = await withTimeout(client.getConfiguration({ keyPath: ['Greeting'] }), 'getConfiguration leaf');
  await withTimeout(client.updateState({ state: 'RUNNING' }), 'updateState');

  console.log('RESULT ' + JSON.stringify({ received, denied, unknownKey, configuration }));
  await subscription.close();
  await client.close();
}

main().then(() => process.exit(0), e => { console.error('FAILED', e); process.exit(1); });
