// A user's own component (Node.js, npm aws-iot-device-sdk-v2): sends one image to the edge inference worker over local
// pub/sub — to the model named by MODEL (edge-inference/<thing>/models/<MODEL>/infer), or to the default model when
// MODEL is empty — and prints the worker's result. The runtime is RUNNING as soon as its process starts (as on a
// device), which can be before it serves, so the request is sent again every 2 s (same RequestId) until a reply arrives.
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');
const fs = require('fs');

const thing = process.env.AWS_IOT_THING_NAME;
const model = process.env.MODEL || '';
const requestTopic = model ? `edge-inference/${thing}/models/${model}/infer` : `edge-inference/${thing}/infer`;
const replyTopic = `edge-inference/${thing}/replies/camera`;

function compact(reply) {
  if (Array.isArray(reply.Embedding)) reply.Embedding = `[${reply.Embedding.length} floats]`;
  if (reply.DetectAnomalyResult && reply.DetectAnomalyResult.AnomalyMask) reply.DetectAnomalyResult.AnomalyMask = '<png>';
  return reply;
}

async function main() {
  const ipc = greengrasscoreipc.createClient();
  await ipc.connect();
  const replies = ipc.subscribeToTopic({ topic: replyTopic });
  const reply = new Promise(resolve => replies.on('message', m => resolve(m.jsonMessage ? m.jsonMessage.message : null)));
  await replies.activate();
  const request = { RequestId: 'camera-1', Image: fs.readFileSync(process.env.IMAGE).toString('base64'), ReplyTo: replyTopic };
  const send = () => ipc.publishToTopic({ topic: requestTopic, publishMessage: { jsonMessage: { message: request } } });
  const resend = setInterval(send, 2000);
  await send();
  console.log('result', JSON.stringify(compact(await reply)));
  clearInterval(resend);
  await ipc.close();
}

main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
