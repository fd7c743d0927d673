/**
 * The package as users get it: `npm pack`, install the tarball into an empty folder,
 * run the installed binary. Also publint, and the tarball's file list (no sources,
 * tests or secrets).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

interface PackFile { path: string }
interface PackResult { filename: string; files: PackFile[] }

describe('npm package', () => {
  let work: string;
  let pack: PackResult;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'loom-plugin-pack-'));
    // `npm test` has just built dist/; skip `prepare` so packing does not rebuild.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root });
    pack = (JSON.parse(stdout) as PackResult[])[0]!;
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('holds bin, dist, templates, schemas, the playground and nothing else of note', () => {
    const tops = new Set(pack.files.map((file) => file.path.split('/')[0] ?? ''));
    for (const required of ['bin', 'dist', 'templates', 'schemas', 'ui', 'package.json']) expect(tops).toContain(required);
    const allowed = new Set(['bin', 'dist', 'templates', 'schemas', 'ui', 'package.json', 'README.md', 'LICENSE']);
    expect([...tops].filter((top) => !allowed.has(top))).toEqual([]);
    const paths = pack.files.map((file) => file.path);
    expect(paths).toContain('bin/loom-plugin.js');
    expect(paths).toContain('dist/cli.js');
    // What bin/ runs: the bundled CLI and the large-file worker beside its chunks.
    expect(paths).toContain('dist/bundle/cli.js');
    expect(paths).toContain('dist/bundle/analyze-worker.js');
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('schemas/manifest.schema.json');
    // The playground: its page and styles as written, its code compiled (not its sources).
    expect(paths).toContain('ui/index.html');
    expect(paths).toContain('ui/app.css');
    expect(paths).toContain('dist/ui/main.js');
    expect(paths.filter((path) => path.startsWith('ui/'))).toEqual(['ui/app.css', 'ui/index.html']);
    for (const path of paths) {
      expect(path).not.toMatch(/^(src|test|bench|docs|\.ci)\//);
      expect(path).not.toMatch(/(^|\/)(\.env|\.npmrc|id_rsa|.*\.pem|.*\.key)$/);
      expect(path).not.toMatch(/(^|\/)(node_modules|\.venv|__pycache__)\//);
      // Templates ship their own tests on purpose; ours must not be in the package.
      if (!path.startsWith('templates/')) expect(path).not.toMatch(/\.test\.(ts|js)$/);
    }
  });

  it('passes publint', async () => {
    const { publint } = await import('publint');
    const { messages } = await publint({ pkgDir: root, level: 'warning', pack: false });
    expect(messages.map((m) => `${m.type} ${m.code} ${m.path.join('.')}`)).toEqual([]);
  }, 60_000);

  it('installs from the tarball and runs --version and validate', async () => {
    const app = join(work, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, pack.filename)], { cwd: app, timeout: 180_000 });
    const bin = join(app, 'node_modules', '.bin', 'loom-plugin');
    const version = await run(bin, ['--version'], { cwd: app });
    const pkg = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);

    const plugin = join(app, 'my-plugin');
    await mkdir(plugin, { recursive: true });
    await cp(join(root, 'test/fixtures/packaging/plugin.yaml'), join(plugin, 'plugin.yaml'));
    const valid = await run(bin, ['validate', 'my-plugin', '--format', 'json'], { cwd: app });
    const report = JSON.parse(valid.stdout) as { summary: { errorCount: number; ok: boolean } };
    expect(report.summary.errorCount).toBe(0);
    expect(report.summary.ok).toBe(true);

    // The programmatic API resolves from the installed package, too.
    const api = await run(process.execPath, ['--input-type=module', '-e', "import('loom-plugin').then((m) => console.log(typeof m.LoomPluginError))"], { cwd: app });
    expect(api.stdout.trim()).toBe('function');

    // The installed `dev` serves the playground's page, styles and modules.
    const dev = spawn(bin, ['dev', 'my-plugin', '--no-open', '--port', '0', '--no-watch'], { cwd: app, env: { ...process.env, CI: 'true', LOOM_CONFIG_API_KEY: 'sk-pack' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const pageUrl = await new Promise<string>((resolvePage, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`dev printed no URL:\n${out}`)), 30_000);
        dev.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (found) {
            clearTimeout(timer);
            resolvePage(found[0]);
          }
        });
        dev.on('exit', () => reject(new Error(`dev exited:\n${out}`)));
      });
      const page = await fetch(pageUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/main.js">');
      for (const asset of ['app.css', 'main.js', 'endpoints.js', 'conformance.js']) expect((await fetch(`${pageUrl}${asset}`)).status, asset).toBe(200);
    } finally {
      const exited = new Promise((done) => dev.once('exit', done));
      dev.kill('SIGTERM');
      await exited;
    }
  }, 240_000);
});
