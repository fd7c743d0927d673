/** The playground's files, served from memory (tsc ships them; no copy step). */
import { PAGE_CSS } from './page-css.js';
import { PAGE_HTML } from './page-html.js';
import { PAGE_JS } from './page-js.js';

export const PAGE_ASSETS: Record<string, { type: string; body: string } | undefined> = {
  '/index.html': { type: 'text/html; charset=utf-8', body: PAGE_HTML },
  '/app.css': { type: 'text/css; charset=utf-8', body: PAGE_CSS },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: PAGE_JS },
};
