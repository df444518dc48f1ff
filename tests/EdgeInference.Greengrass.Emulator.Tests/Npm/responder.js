// A Greengrass component written with the official npm SDK (aws-iot-device-sdk-v2), deployed by the emulator from its
// recipe (NodeSdkDeploymentTests): it answers every JSON request on REQUEST_TOPIC with a reply on REPLY_TOPIC, and
// reports RUNNING through UpdateState only once it is subscribed, so components that depend on it start after that.
// Stops on SIGTERM.
const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');

async function main() {
  const client = greengrasscoreipc.createClient();
  await client.connect();
  const requests = client.subscribeToTopic({ topic: process.env.REQUEST_TOPIC });
  requests.on('message', m => {
    const request = m.jsonMessage ? m.jsonMessage.message : null;
    if (!request) return;
    client.publishToTopic({
      topic: process.env.REPLY_TOPIC,
      publishMessage: { jsonMessage: { message: { id: request.id, echo: request.text, by: 'com.example.Responder' } } },
    }).catch(e => console.error('reply failed', e));
  });
  await requests.activate();
  await client.updateState({ state: 'RUNNING' });
  console.log('responder ready');
  process.on('SIGTERM', async () => {
    await requests.close();
    await client.close();
    process.exit(0);
  });
}

main().catch(e => { console.error('FAILED', e); process.exit(1); });
