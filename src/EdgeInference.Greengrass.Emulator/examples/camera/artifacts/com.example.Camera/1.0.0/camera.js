// A user's own component (Node.js, npm aws-iot-device-sdk-v2): sends one image to the edge inference worker over local
// pub/sub and prints the worker's result. The worker is RUNNING as soon as its process starts (as on a device), which is
// before it serves, so the image is sent again every 2 s until the result arrives.
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');
const fs = require('fs');

const thing = process.env.AWS_IOT_THING_NAME;

async function main() {
  const ipc = greengrasscoreipc.createClient();
  await ipc.connect();
  const results = ipc.subscribeToTopic({ topic: `edge-inference/${thing}/result` });
  const result = new Promise(resolve => results.on('message', m => resolve(m.jsonMessage ? m.jsonMessage.message : null)));
  await results.activate();
  const image = fs.readFileSync(process.env.IMAGE);
  const send = () => ipc.publishToTopic({ topic: `edge-inference/${thing}/infer`, publishMessage: { binaryMessage: { message: image } } });
  const resend = setInterval(send, 2000);
  await send();
  console.log('result', JSON.stringify(await result));
  clearInterval(resend);
  await ipc.close();
}

main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
