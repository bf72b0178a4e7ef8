// Waits until a Kafka broker answers a metadata request (kafkajs admin), bounded in time.
// Usage: node scripts/kafka-ready.mjs <broker host:port> [timeout seconds]
import { Kafka, logLevel } from 'kafkajs';

const [broker = '127.0.0.1:9092', seconds = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
const kafka = new Kafka({ clientId: 'dictamesh-ready', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    console.log(`kafka ready at ${broker} (cluster ${cluster.clusterId}, ${cluster.brokers.length} broker)`);
    process.exit(0);
  } catch {
    await admin.disconnect().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
console.error(`kafka at ${broker} did not answer within ${seconds} s`);
process.exit(1);
