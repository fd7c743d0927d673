/** The polite half of stopping a plugin: POST /cleanup, bounded, errors ignored. */
import http from 'node:http';

export function postCleanup(baseUrl: string, timeoutMs: number, exited: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve();
    };
    const req = http.request(`${baseUrl}/cleanup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': '0', Connection: 'close' },
      agent: false,
    });
    const timer = setTimeout(finish, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', finish);
    void exited.then(finish);
    // No body, as the host's Cleanup sends it.
    req.end();
  });
}
