import { randomInt } from 'node:crypto';
import { request } from 'node:http';

/**
 * A loopback address of the caller's own (127.x.y.z with x > 0, so never 127.0.0.1): Linux routes
 * all of 127/8 to the loopback interface. Limits kept per address in a database that several test
 * files share (failed token requests) then count only the requests of the test that uses it.
 */
export function ownLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** A POST sent from `localAddress`, answered as a fetch Response. */
export function postFrom(localAddress: string, url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: responseHeaders }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
