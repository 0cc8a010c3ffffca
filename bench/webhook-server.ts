// Child process of bench/webhook.ts: runs the webhook server alone, so the load generator does
// not share its event loop. Config comes as one JSON argument; the port and RSS go over IPC.
import { CachedImageFacts, RegistryImageFacts, startWebhookServer } from '../src/admission/index.ts';

const config = JSON.parse(process.argv[2]!) as { certFile: string; keyFile: string; policyDir: string };
const facts = new CachedImageFacts(new RegistryImageFacts({ insecure: true }));
const server = await startWebhookServer({
  tls: { certFile: config.certFile, keyFile: config.keyFile },
  policyPaths: [config.policyDir],
  facts,
  host: '127.0.0.1',
  port: 0,
  watch: false,
});
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'rss') {
    global.gc?.();
    const m = process.memoryUsage();
    process.send!({ type: 'rss', rss: m.rss, heapUsed: m.heapUsed, cache: facts.stats });
  } else if (msg.type === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send!({ type: 'ready', port: server.port });
