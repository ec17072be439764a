// Exits 0 when the Kafka broker at the given address really serves clients: it answers a
// metadata request naming at least one live broker, and lists topics. Used by
// scripts/services-up.sh to wait for start-up; an open port alone proves neither.
import { Admin } from '@platformatic/kafka';

const brokers = process.argv.slice(2);
if (brokers.length === 0) {
  console.error('usage: broker-ready.mjs host:port...');
  process.exit(2);
}

const admin = new Admin({
  clientId: 'glimpse-services-up',
  bootstrapBrokers: brokers,
  connectTimeout: 2000,
  timeout: 5000,
  retries: 0,
});

let code = 1;
try {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  if (metadata.brokers.size === 0) throw new Error('the cluster reports no live broker yet');
  await admin.listTopics();
  code = 0;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
} finally {
  await admin.close().catch(() => {});
}
process.exit(code);
