// A camera component of a user's own, written with the official npm SDK (aws-iot-device-sdk-v2) and deployed from its
// recipe: it sends one request to each model it names (MODEL_TOPICS, comma-separated) over Greengrass local pub/sub,
// collects every reply that comes back for SETTLE_MS after the last expected one, and prints each as "RESULT <json>".
// createClient() reads AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT and SVCUID, as under a real nucleus.
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');
const fs = require('fs');

const topics = process.env.MODEL_TOPICS.split(',');
const replyTopic = process.env.REPLY_TOPIC;
const image = fs.readFileSync(process.env.IMAGE_FILE);
const settleMs = 2000;
const timeoutMs = 60000;

async function main() {
  const client = greengrasscoreipc.createClient();
  await client.connect();
  const replies = [];
  const subscription = client.subscribeToTopic({ topic: replyTopic });
  subscription.on('message', m => {
    const message = m.jsonMessage ? m.jsonMessage.message : JSON.parse(Buffer.from(m.binaryMessage.message).toString('utf8'));
    replies.push(message);
    console.log('RESULT ' + JSON.stringify(message));
  });
  await subscription.activate();
  for (let i = 0; i < topics.length; i++) {
    const request = { RequestId: `camera-${i}`, Image: image.toString('base64'), ReplyTo: replyTopic };
    await client.publishToTopic({ topic: topics[i], publishMessage: { jsonMessage: { message: request } } });
  }

  const started = Date.now();
  while (replies.length < topics.length && Date.now() - started < timeoutMs) {
    await new Promise(resolve => setTimeout(resolve, 50));
  }

  await new Promise(resolve => setTimeout(resolve, settleMs));
  await subscription.close();
  await client.close();
  if (replies.length < topics.length) throw new Error(`only ${replies.length} of ${topics.length} replies`);
}

main().then(() => process.exit(0), e => { console.error('FAILED', e); process.exit(1); });
