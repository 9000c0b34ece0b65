/** How fast this machine is right now, so that real-time figures can be read against it. */
import { measureInFreshNode } from './fresh-node';
import { median } from './statistics';

/**
 * In a fresh process, a bare Node HTTP server and a keep-alive client on loopback, serial requests;
 * the median of 5 batches of 2,000 round trips, in ms. On a shared VM this moves within minutes
 * (seen on this project's machine between 0.05 and 0.11 ms in one hour), and every figure measured
 * in real time (pollsPerSecond, initMs) moves with it.
 */
export function loopbackRoundTripMs(): number {
  const script = `
    const http = require('node:http');
    const body = JSON.stringify({ Status: 'INPROGRESS', pad: 'x'.repeat(400) });
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-length': Buffer.byteLength(body) }); res.end(body); }); });
    server.listen(0, '127.0.0.1', async () => {
      const agent = new http.Agent({ keepAlive: true });
      const port = server.address().port;
      const once = () => new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent }, (res) => { res.resume(); res.on('end', resolve); });
        req.on('error', reject);
        req.end('{"BatchPredictionId":"bp-1"}');
      });
      for (let i = 0; i < 500; i++) await once();
      const batches = [];
      for (let b = 0; b < 5; b++) {
        const t0 = performance.now();
        for (let i = 0; i < 2000; i++) await once();
        batches.push((performance.now() - t0) / 2000);
      }
      process.stdout.write('RESULT ' + JSON.stringify(batches));
      process.exit(0);
    });`;
  return median(measureInFreshNode<number[]>('the loopback reference', script));
}
