/**
 * The playground's files: ui/index.html and ui/app.css as written, and the browser code
 * compiled from ui/src/*.ts into dist/ui/*.js (`npm run build`). All ship in the npm
 * package (their folder: package-root.ts). Read once, on the first page request; only these names are ever served.
 */
import { readdir, readFile } from 'node:fs/promises';
import { PACKAGE_ROOT } from '../package-root.js';


export interface PageAsset {
  type: string;
  body: Buffer;
}

let loading: Promise<Map<string, PageAsset>> | undefined;

async function load(): Promise<Map<string, PageAsset>> {
  const assets = new Map<string, PageAsset>();
  assets.set('/index.html', { type: 'text/html; charset=utf-8', body: await readFile(new URL('ui/index.html', PACKAGE_ROOT)) });
  assets.set('/app.css', { type: 'text/css; charset=utf-8', body: await readFile(new URL('ui/app.css', PACKAGE_ROOT)) });
  const scripts = new URL('dist/ui/', PACKAGE_ROOT);
  for (const name of await readdir(scripts)) {
    if (name.endsWith('.js')) assets.set(`/${name}`, { type: 'text/javascript; charset=utf-8', body: await readFile(new URL(name, scripts)) });
  }
  return assets;
}

/** The asset for a URL path, or undefined. Throws when the files are missing (not built). */
export async function pageAsset(path: string): Promise<PageAsset | undefined> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw new Error(`The playground files are missing (${(error as Error).message}); run \`npm run build\`.`);
  });
  return (await loading).get(path === '/' ? '/index.html' : path);
}
