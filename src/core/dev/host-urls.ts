/**
 * The URLs the dev host prints. Bound to a wildcard (0.0.0.0, ::) it has no address of its
 * own to print: `0.0.0.0` is not an address to call (browsers block it, and it reaches
 * this machine only on some systems), so local use gets 127.0.0.1 and other machines get
 * this machine's interface addresses.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface HostUrls {
  /** For this machine; the one the page is opened with. No trailing slash. */
  local: string;
  /** For other machines on the network (wildcard binds only). */
  network: string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/** `host` as a URL's host: IPv6 in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/**
 * `bound` is the address the server actually listens on (`localhost` may have become ::1).
 * A `::` socket also takes IPv4 (Node listens dual-stack), so 127.0.0.1 reaches it too.
 */
export function hostUrls(bound: string, port: number, interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces): HostUrls {
  if (!WILDCARDS.has(bound)) return { local: `http://${urlHost(bound)}:${port}`, network: [] };
  const addresses = Object.values(interfaces())
    .flatMap((list) => list ?? [])
    .filter((info) => !info.internal && (info.family === 'IPv4' || (bound === '::' && !isLinkLocal(info.address))))
    .map((info) => info.address);
  return { local: `http://127.0.0.1:${port}`, network: [...new Set(addresses)].map((address) => `http://${urlHost(address)}:${port}`) };
}

/** fe80::/10 needs a zone (`%eth0`) that browsers do not accept in a URL: not worth printing. */
function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}
