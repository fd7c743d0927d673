/**
 * Moves a plugin to another port without touching its files: the endpoint URL, an
 * `env.PORT` and any `--port N` / `--port=N` in its args are rewritten, so parallel runs
 * (test and dev at once, a dev reload next to the old process) never clash.
 */

export function rewriteEndpoint(endpoint: string, port: number | undefined): string {
  const url = new URL(endpoint);
  if (port !== undefined) url.port = String(port);
  // URL adds a '/' to a bare origin; the host joins endpoint + path as plain strings.
  return url.toString().replace(/\/+$/, '');
}

export function rewriteArgs(args: readonly string[], port: number | undefined): string[] {
  if (port === undefined) return [...args];
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--port' && i + 1 < args.length) {
      out.push(arg, String(port));
      i += 1;
    } else if (arg.startsWith('--port=')) {
      out.push(`--port=${port}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function rewriteEnv(env: Record<string, string> | undefined, port: number | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) out[key] = String(value);
  if (port !== undefined) out.PORT = String(port);
  return out;
}
