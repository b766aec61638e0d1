/**
 * A real headless Chromium (Debian's `chromium`) driven through the DevTools
 * protocol over its debugging pipe (fds 3 and 4, NUL-separated JSON): no port, no
 * WebSocket, no extra package. Started with the flags that work here as root on a
 * closed network, a fresh profile, in its own process group, and stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { rm } from 'node:fs/promises';
import { makeTempDir } from '../helpers/tmp.js';
import { pidGone } from '../helpers/process.js';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--hide-scrollbars',
  '--mute-audio',
  '--remote-debugging-pipe',
];

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };
type Listener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly listeners: { method: string; fn: Listener }[] = [];
  private buffered = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static async launch(bin: string): Promise<Chromium> {
    const profile = await makeTempDir('chromium');
    const child = spawn(bin, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const browser = new Chromium(child, profile, child.stdio[3] as Writable, child.stdio[4] as Readable);
    await Promise.race([
      browser.send('Browser.getVersion'),
      new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`chromium exited ${code} at start:\n${stderr}`)))),
    ]);
    return browser;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const done = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    return done;
  }

  on(method: string, fn: Listener): void {
    this.listeners.push({ method, fn });
  }

  /** Resolves at the next `method` event (within `timeoutMs`). */
  once(method: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      const l = { method, fn: (p: Record<string, unknown>) => {
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(l), 1);
        resolve(p);
      } };
      this.listeners.push(l);
    });
  }

  /** A new tab, attached in flat mode: its commands take the returned session id. */
  async newPage(): Promise<string> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return sessionId as string;
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(session: string, expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true }, session);
    if (r.exceptionDetails) throw new Error(`evaluation failed: ${JSON.stringify(r.exceptionDetails)}`);
    return (r.result as { value: T }).value;
  }

  /** Closes the browser, then ends its process group by PID if it is still there, and removes the profile. */
  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    await Promise.race([this.send('Browser.close').catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (!pidGone(this.pid)) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    }
    await rm(this.profile, { recursive: true, force: true });
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\0')) >= 0) {
      const msg = JSON.parse(this.buffered.slice(0, end)) as Message;
      this.buffered = this.buffered.slice(end + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result ?? {});
      } else if (msg.method) {
        for (const l of [...this.listeners]) if (l.method === msg.method) l.fn(msg.params ?? {}, msg.sessionId);
      }
    }
  }
}
