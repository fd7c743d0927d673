/**
 * What a check gets to work with: the plugin client, the mock upstream, the configuration
 * to initialize with, and the suite's shared state. The plugin's lifecycle state is
 * tracked here so the runner can put the plugin where each check needs it (fresh,
 * uninitialized, or initialized with the good configuration) without extra calls.
 * Its types are in context-types.ts, the memo in run-memos.ts, the choice of model from
 * /models in listed-models.ts and the slow-/initialize note in slow-initialize.ts.
 */
import type { Manifest } from '../../manifest/types.js';
import type { Exchange, PluginClient, RequestOptions, StreamExchange } from '../../runtime/http-client.js';
import type { MockFault, MockUpstream } from '../../runtime/mock-upstream.js';
import { markerText } from '../../runtime/mock-script.js';
import { CheckBlocked, describeAnswer, fail, skip, type FailureExtra } from '../check-helpers.js';
import type { TestProfile } from '../types.js';
import type { CheckImpl, ConfigValues, FaultCase, PluginState, SuiteContextOptions, UpstreamChat } from './context-types.js';
import { firstListedModel } from './listed-models.js';
import { RunMemos } from './run-memos.js';
import { slowStart } from './slow-initialize.js';

export type { CheckImpl, ConfigValues, FaultCase, PluginState, SuiteContextOptions, UpstreamChat } from './context-types.js';

/**
 * What every check of a run shares: where the plugin is, the memos, the failures so far,
 * and the one check that may be waiting in the background (see ../background-check.ts).
 */
interface SharedRun {
  state: PluginState;
  readonly failed: Set<string>;
  readonly memos: RunMemos;
  background: Promise<void> | undefined;
  cases: number;
  /** Keys of the notes given so far (noteOnce). */
  readonly noted: Set<string>;
}

export class SuiteContext {
  readonly manifest: Manifest;
  readonly client: PluginClient;
  readonly initConfig: ConfigValues;
  readonly secrets: string[];
  readonly timeoutMs: number;
  readonly configInEnv: boolean;
  readonly upstreamField: string;
  readonly attached: boolean;
  readonly upstreamUnavailable: string | undefined;
  readonly profile: TestProfile;
  readonly manifestFile: string | undefined;
  private readonly onNote: ((note: string) => void) | undefined;
  /** The last exchange of the running check: attached to its result when it fails. */
  lastExchange: Exchange | undefined;
  /** True while `prepare` runs: its requests are the runner's, not the check's. */
  private preparing = false;
  /** For a check in the background: told when only waiting is left (see `waiting`). */
  onWaiting: (() => void) | undefined;
  private readonly mockUpstream: MockUpstream | undefined;
  private readonly shared: SharedRun;

  /**
   * One context per check (`forCheck`), all sharing the run's state: a check's last
   * exchange stays its own when another check runs alongside it.
   */
  constructor(
    private readonly options: SuiteContextOptions,
    shared?: SharedRun,
    /** This check runs in the background: it must not touch what the foreground reads. */
    readonly inBackground = false,
  ) {
    this.shared = shared ?? { state: 'fresh', failed: new Set(), memos: new RunMemos(), background: undefined, cases: 0, noted: new Set() };
    this.manifest = options.manifest;
    this.client = options.client;
    this.mockUpstream = options.mock;
    this.upstreamUnavailable = options.upstreamUnavailable;
    this.initConfig = options.initConfig;
    this.secrets = options.secrets;
    this.timeoutMs = options.timeoutMs;
    this.configInEnv = options.configInEnv;
    this.upstreamField = options.upstreamField;
    this.attached = options.attached;
    this.profile = options.profile ?? 'loom-host';
    this.manifestFile = options.manifestFile;
    this.onNote = options.onNote;
  }

  forCheck(inBackground = false): SuiteContext {
    return new SuiteContext(this.options, this.shared, inBackground);
  }

  /** fresh, ready, clean or dirty: where the plugin is (shared by every check of the run). */
  get state(): PluginState {
    return this.shared.state;
  }

  set state(state: PluginState) {
    this.shared.state = state;
  }

  /** Ids of the checks that failed so far (the runner keeps it). */
  get failed(): Set<string> {
    return this.shared.failed;
  }

  /** `wait` (a check in the background) until it settles: state changes wait for it first. */
  holdBackground(wait: Promise<void>): void {
    this.shared.background = wait;
    void wait.then(() => {
      if (this.shared.background === wait) this.shared.background = undefined;
    });
  }

  /**
   * A check in the background says its request reached the mock (or was answered): only
   * waiting is left, and the runner may go on meanwhile.
   */
  async waiting(fault: FaultCase, answer: Promise<unknown>): Promise<void> {
    if (!this.onWaiting) return;
    await Promise.race([this.mock.seen(fault.id), answer.catch(() => undefined)]);
    this.onWaiting();
  }

  /** Whether a check waits in the background right now. */
  get backgroundRunning(): boolean {
    return this.shared.background !== undefined;
  }

  /**
   * Waits for the check in the background to end and forgets what the checks beside it
   * memoized, so a check judged again meets the plugin as in a run with every check in its
   * place (see BackgroundChecks.judgeInForeground).
   */
  async afterBackground(): Promise<void> {
    await this.quiet();
    this.shared.memos.forgetAlongside();
  }

  private async quiet(): Promise<void> {
    if (this.inBackground) return;
    while (this.shared.background) await this.shared.background;
  }

  /**
   * Stops the check as blocked when `id` already failed: the step that comes next would
   * fail for the same reason, and one mistake is reported once.
   */
  unlessFailed(id: string): void {
    if (this.failed.has(id)) throw new CheckBlocked(id);
  }

  /**
   * A broken rule of the shipped host: a failure under the loom-host profile; under
   * --profile guide the same sentence becomes a note of the report and the check is skipped.
   */
  hostRule(message: string, options: FailureExtra = {}): never {
    if (this.profile === 'loom-host') fail(message, options);
    this.onNote?.(message);
    skip('a rule of the shipped host, reported as a note under --profile guide');
  }

  /** The mock, for checks marked `upstream: true` (the runner skips them without one). */
  get mock(): MockUpstream {
    if (!this.mockUpstream || this.upstreamUnavailable) skip(this.upstreamUnavailable ?? 'no mock upstream');
    return this.mockUpstream;
  }

  get hasUpstream(): boolean {
    return this.mockUpstream !== undefined && this.upstreamUnavailable === undefined;
  }

  /** The result of `make`, computed once per run (shared by sibling checks). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    return this.shared.memos.get(key, make, this.shared.background !== undefined && !this.inBackground);
  }

  hasMemo(key: string): boolean {
    return this.shared.memos.has(key);
  }

  /** Drops a memo, so the next check that needs it sends its requests again. */
  forget(key: string): void {
    this.shared.memos.forget(key);
  }

  /**
   * Puts the plugin where a check needs it, with as few calls as possible. Reaching
   * "uninitialized" never fails (the check itself judges what happens next); failing to
   * reach "ready" fails the check with the reason, since it could not run.
   */
  async prepare(needs: CheckImpl['needs']): Promise<void> {
    this.preparing = true;
    try {
      await this.prepareFor(needs);
    } finally {
      this.preparing = false;
    }
  }

  private async prepareFor(needs: CheckImpl['needs']): Promise<void> {
    if (needs === 'any') return;
    if (needs === 'fresh') {
      if (this.attached) skip('loom-plugin did not start this plugin (--endpoint), so it may have been initialized already');
      if (this.state !== 'fresh') skip('it must run before the first /initialize, and the plugin was already initialized');
      return;
    }
    if (needs === 'uninitialized') {
      if (this.state !== 'fresh' && this.state !== 'clean') await this.cleanup();
      return;
    }
    if (this.state === 'ready') return;
    if (this.state === 'dirty') await this.cleanup();
    const exchange = await this.initialize(this.initConfig);
    if ((this.state as PluginState) !== 'ready') {
      const said = exchange.bodyText ? `: ${exchange.bodyText.slice(0, 160)}` : '';
      fail(`The plugin could not be initialized with the test configuration (POST /initialize: ${describeAnswer(exchange)}${said}), so this check could not run.`, {
        expected: 'POST /initialize answers 200',
        exchange,
      });
    }
  }

  /** Marks an exchange (e.g. a memoized one) as the one this check is about. */
  use<T extends Exchange>(exchange: T): T {
    this.lastExchange = exchange;
    return exchange;
  }

  async request(method: string, path: string, options?: RequestOptions): Promise<Exchange> {
    return this.use(await this.traced(`${method} ${path}`, () => this.client.request(method, path, options)));
  }

  async stream(json: unknown, options?: { timeoutMs?: number }): Promise<StreamExchange> {
    return this.use(await this.traced('POST /chat/completions', () => this.client.stream('/chat/completions', json, options)));
  }

  private async traced<T extends Exchange>(request: string, send: () => Promise<T>): Promise<T> {
    const trail = this.options.trail;
    const token = trail?.sent({ request, preparing: this.preparing, inBackground: this.inBackground });
    const exchange = await send();
    if (trail && token !== undefined) trail.ended(token, exchange.status !== undefined);
    return exchange;
  }

  chat(json: unknown, options?: RequestOptions): Promise<Exchange> {
    return this.request('POST', '/chat/completions', { ...options, json });
  }

  /** POST /initialize; a 200 with the good config makes the state `ready`, else `dirty`. */
  async initialize(body: ConfigValues, good = body === this.initConfig): Promise<Exchange> {
    await this.quiet();
    const exchange = await this.request('POST', '/initialize', { json: body, timeoutMs: this.options.initializeTimeoutMs });
    this.state = exchange.status === 200 && good ? 'ready' : 'dirty';
    const slow = slowStart(exchange, this.timeoutMs, this.options.initializeTimeoutMs);
    if (slow) this.noteOnce('slow-initialize', slow);
    return exchange;
  }

  /** A note for the report, once per run whatever number of checks meet its cause. */
  private noteOnce(key: string, note: string): void {
    if (this.shared.noted.has(key)) return;
    this.shared.noted.add(key);
    this.onNote?.(note);
  }

  async cleanup(): Promise<Exchange> {
    await this.quiet();
    // No body, as the host sends it (Content-Length: 0 with the JSON content type): a
    // plugin that parses every POST body as JSON fails there, and must fail here too.
    const exchange = await this.request('POST', '/cleanup');
    // Any 2xx resets it; lifecycle.cleanup judges the exact status.
    this.state = exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300 ? 'clean' : 'dirty';
    return exchange;
  }

  /**
   * Scripts the mock for one provoked fault, for the chat that carries the returned text
   * (and the plugin's retries of it: three requests in all), so a check in the background
   * and one in the foreground never take each other's faults. A check in the foreground
   * also lends its fault to chats with no marker, for plugins that rewrite the text.
   */
  fault(fault: MockFault, options: { retryAfterSeconds?: number } = {}): FaultCase {
    const mock = this.mock;
    const foreground = !this.inBackground;
    // The records belong to the foreground's checks: one in the background leaves them be.
    if (foreground) mock.reset();
    this.shared.cases += 1;
    const id = `${fault}-${this.shared.cases}`;
    mock.script(id, fault, { times: 3, ...options, unmarked: foreground });
    return {
      id,
      text: markerText(id),
      end: () => {
        mock.unscript(id);
        if (foreground) mock.reset();
      },
    };
  }

  /**
   * GET /models, sent once per run: models.* judge the same answer model() reads, so a
   * /models that times out under model() fails models.schema, instead of tripping the
   * breaker for a check that hides the timeout behind a default model.
   */
  modelsExchange(): Promise<Exchange> {
    return this.memo('models', () => this.traced('GET /models', () => this.client.request('GET', '/models')));
  }

  /**
   * The model the chat checks use: the first one the plugin's own /models lists (the mock
   * serves any id but the reserved unknown one), else the mock's first model.
   */
  model(): Promise<string> {
    return this.memo('model', async () => {
      const exchange = await this.modelsExchange();
      return firstListedModel(exchange.json) ?? this.mockUpstream?.models[0] ?? 'loom-plugin-test-model';
    });
  }

  /** A well-formed chat request for the chosen model (carrying a fault's marker, if given). */
  async basicRequest(userText = 'Say hello to loom-plugin.', fault?: FaultCase): Promise<Record<string, unknown>> {
    return {
      model: await this.model(),
      messages: [
        { role: 'system', content: 'You are a conformance test.' },
        { role: 'user', content: fault ? `${userText} ${fault.text}` : userText },
      ],
      temperature: 0.25,
      max_tokens: 64,
    };
  }

  /** The chat requests the mock received since its last reset. */
  upstreamChats(): UpstreamChat[] {
    // A chat with a marker belongs to a provoked fault, maybe of a check in the background.
    return this.mock.received.filter((r) => r.kind === 'chat' && r.marker === undefined);
  }

  lastUpstreamChat(what: string): { headers: Record<string, string>; body: Record<string, unknown> } {
    const chats = this.upstreamChats();
    const last = chats[chats.length - 1];
    if (!last) fail(`${what}: the upstream received no chat request.`, { expected: 'the plugin forwards the request to the configured upstream' });
    const body = last.body && typeof last.body === 'object' ? (last.body as Record<string, unknown>) : {};
    return { headers: last.headers, body };
  }

  configField(name: string) {
    return (this.manifest.metadata.config_schema ?? []).find((field) => field.name === name);
  }
}
