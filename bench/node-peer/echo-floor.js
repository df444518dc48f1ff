// The floor of an MQTT 5 request/response through a broker, with no inference in it: a client publishes a payload of
// the bench image's size with a response topic and correlation data, an echo client answers 800 bytes on that topic;
// prints the round trip's p50 and p90. Usage: node echo-floor.js mqtt://127.0.0.1:PORT QOS [BYTES] [REQUESTS]
'use strict';
const crypto = require('crypto');
const mqtt = require('mqtt');

const [url, qosText, bytesText, countText] = process.argv.slice(2);
const qos = Number(qosText ?? 1);
const bytes = Number(bytesText ?? 231009);
const count = Math.min(Number(countText ?? 400), 10000);
const warmUp = Math.min(50, Math.floor(count / 4));
const fail = (why) => { console.error(`echo-floor: ${why}`); process.exit(1); };
setTimeout(() => fail('did not finish within 120 s'), 120000).unref();

const echo = mqtt.connect(url, { protocolVersion: 5, clientId: `echo-${process.pid}` });
const client = mqtt.connect(url, { protocolVersion: 5, clientId: `client-${process.pid}` });
const connected = (c) => new Promise((resolve) => c.once('connect', resolve));
const ready = [connected(echo), connected(client)];
echo.on('error', (e) => fail(e.message));
client.on('error', (e) => fail(e.message));
echo.on('message', (_topic, _payload, packet) => {
  echo.publish(packet.properties.responseTopic, Buffer.alloc(800), { qos, properties: { correlationData: packet.properties.correlationData } });
});

let answered = () => {};
client.on('message', () => answered());

async function main() {
  await Promise.all(ready);
  await new Promise((resolve) => echo.subscribe('floor/req', { qos }, resolve));
  await new Promise((resolve) => client.subscribe('floor/rep', { qos }, resolve));
  const payload = crypto.randomBytes(bytes);
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const reply = new Promise((resolve, reject) => {
      answered = resolve;
      setTimeout(() => reject(new Error('no reply within 5 s')), 5000).unref();
    });
    const started = process.hrtime.bigint();
    client.publish('floor/req', payload, { qos, properties: { responseTopic: 'floor/rep', correlationData: Buffer.alloc(16) } });
    await reply;
    if (i >= warmUp) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(2);
  console.log(`QoS ${qos}, ${bytes} B request, 800 B reply: round trip p50 ${at(0.5)} ms, p90 ${at(0.9)} ms (${latencies.length} requests)`);
  process.exit(0);
}

main().catch((e) => fail(e.message));
