// A loopback HTTP server for the browser builds' tests: serves what `fileOf(path)` names (404 when
// undefined or unreadable), HEAD too, and records each request as `METHOD /path`.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFiles {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function serveFiles(
  fileOf: (path: string) => string | undefined,
): Promise<ServedFiles> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    requests.push(`${req.method} ${path}`);
    let body: Buffer;
    try {
      body = readFileSync(fileOf(path) ?? '/nonexistent');
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
