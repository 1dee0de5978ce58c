// The bench's judge server, in its own process so that its CPU does not count as the client's:
// the loopback fake server answering after `argv[2]` ms. Prints its URL on the first line.

import { startFakeServer } from '../test/fake-server.js';

const latency = Number(process.argv[2] ?? 50);
const server = await startFakeServer(() => ({ kind: 'ok', delayMs: latency }));
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
