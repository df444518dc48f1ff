// A camera component written with the official npm SDK (aws-iot-device-sdk-v2), as a user's own component would be.
// It sends one inference request to the worker over Greengrass local pub/sub and prints the reply:
//   a JSON message {"RequestId", "Image": base64, "ReplyTo"} on REQUEST_TOPIC, the reply awaited on REPLY_TOPIC.
// createClient() reads AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT and SVCUID, as under a real nucleus.
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');
const fs = require('fs');

const requestTopic = process.env.REQUEST_TOPIC;
const replyTopic = process.env.REPLY_TOPIC;
const image = fs.readFileSync(process.env.IMAGE_FILE);
const timeoutMs = 20000;

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), timeoutMs); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const client = greengrasscoreipc.createClient();
  await withTimeout(client.connect(), 'connect');
  let gotReply;
  const reply = new Promise(resolve => { gotReply = resolve; });
  const subscription = client.subscribeToTopic({ topic: replyTopic });
  subscription.on('message', m => {
    if (m.jsonMessage) gotReply(m.jsonMessage.message);
    else if (m.binaryMessage) gotReply(JSON.parse(Buffer.from(m.binaryMessage.message).toString('utf8')));
  });
  await withTimeout(subscription.activate(), 'subscribe');
  const request = { RequestId: 'npm-camera-1', Image: image.toString('base64'), ReplyTo: replyTopic };
  await withTimeout(client.publishToTopic({ topic: requestTopic, publishMessage: { jsonMessage: { message: request } } }), 'publish');
  console.log('RESULT ' + JSON.stringify(await withTimeout(reply, 'reply')));
  await subscription.close();
  await client.close();
}

main().then(() => process.exit(0), e => { console.error('FAILED', e); process.exit(1); });
