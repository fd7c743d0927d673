/**
 * An error no handler caught is answered 500 with its message: the message passes the
 * host's masker first, so a secret it quotes (a config value in a failed call) stays out.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDevServer } from '../../src/core/dev/dev-server.js';
import { hostRules } from '../../src/core/dev/security.js';
import { SecretMasker } from '../../src/core/runtime/mask-secrets.js';

describe('dev server: uncaught handler errors', () => {
  it('masks secrets in the 500 answer', async () => {
    const secrets = new SecretMasker();
    secrets.add('sk-uncaught-secret-42');
    const server = createDevServer({
      token: 'tok',
      hostRules: () => hostRules(0, []),
      v1: () => undefined,
      api: () => Promise.reject(new Error('upstream refused key sk-uncaught-secret-42')),
      mask: (text) => secrets.mask(text),
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/info`, { headers: { authorization: 'Bearer tok' } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toContain('upstream refused key ***');
      expect(text).not.toContain('sk-uncaught-secret-42');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
