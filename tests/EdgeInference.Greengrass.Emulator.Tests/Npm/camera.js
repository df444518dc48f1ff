// The user's own component, written with the official npm SDK (aws-iot-device-sdk-v2), deployed by the emulator from
// its recipe (NodeSdkDeploymentTests): it sends one JSON request to another component over local pub/sub, waits for the
// reply, prints "RESULT <json>" and exits 0 (its lifecycle then ends FINISHED).
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');

function withTimeout(promise, what, ms = 15000) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const client = greengrasscoreipc.createClient();
  await withTimeout(client.connect(), 'connect');
  let gotReply;
  const reply = new Promise(resolve => { gotReply = resolve; });
  const replies = client.subscribeToTopic({ topic: process.env.REPLY_TOPIC });
  replies.on('message', m => { if (m.jsonMessage) gotReply(m.jsonMessage.message); });
  await withTimeout(replies.activate(), 'subscribe');
  await withTimeout(client.publishToTopic({
    topic: process.env.REQUEST_TOPIC,
    publishMessage: { jsonMessage: { message: { id: 'cam-1', text: 'frame 42' } } },
  }), 'publish');
  const answer = await withTimeout(reply, 'reply');
  console.log('RESULT ' + JSON.stringify(answer));
  await replies.close();
  await client.close();
}

main().then(() => process.exit(0), e => { console.error('FAILED', e); process.exit(1); });
