/**
 * The port a Go service listens on, read from its sources the way a reader would find
 * it: a flag or environment default (`flag.Int("port", 8080, …)`, `getenv("PORT",
 * "8080")`), a listen address literal (`":8080"`, `flag.String("addr", ":8888", …)`), or
 * a constant or variable named for a port (`const port = 9000`, `port = "8080"` after
 * `os.Getenv("PORT")` came back empty).
 */
import { posix } from 'node:path';
import { imports, tokenize, type Token } from './gosource.js';
import { goSources } from './gomod.js';

export interface PortHit {
  port: number;
  /** File name (relative to the module root) and line, e.g. `cmd/api/main.go:12`. */
  at: string;
  /** What was matched, e.g. `flag "port" default` or `":8080"`. */
  why: string;
  /** Lower is more likely the service port (see rank below). */
  rank: number;
}

/** Words of an identifier or flag name: `httpPort` → http, port; `HTTP_PORT` → http, port. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const isPortName = (name: string): boolean => words(name).includes('port');
// Ports for side channels; a service port beats them.
const SIDE = new Set(['metrics', 'debug', 'admin', 'pprof', 'health', 'prometheus', 'prom', 'profiling']);
const isSide = (name: string): boolean => words(name).some((w) => SIDE.has(w));
const NAME = /^[A-Za-z][\w.-]*$/;
const LISTEN = /^(|[\w.-]+|\[[0-9a-fA-F:.]*\]):(\d{1,5})$/;
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '[::]', '[]']);

/** A port from a number token (`8080`, `8_080`) or a string of digits (`"8080"`). */
function portValue(t: Token | undefined): number | undefined {
  if (!t) return undefined;
  const digits = t.kind === 'number' ? t.text.replace(/_/g, '') : t.kind === 'string' ? t.text : '';
  if (!/^[1-9]\d{0,4}$/.test(digits)) return undefined;
  const n = Number(digits);
  return n <= 65535 ? n : undefined;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/**
 * The value given with a port-named string argument: `("port", 80`, `(&p, "port", 80`,
 * `("port", "p", 80` (pflag), `("PORT", "8080")`, and one call out for
 * `cmp.Or(os.Getenv("PORT"), "8080")`. Only direct arguments count.
 */
function callDefault(tokens: readonly Token[], i: number): number | undefined {
  let depth = 0;
  let outer = false;
  for (let j = i + 1; j < Math.min(tokens.length, i + 16); j++) {
    const t = tokens[j]!;
    if (t.kind === 'op' && OPEN.has(t.text)) depth++;
    else if (t.kind === 'op' && CLOSE.has(t.text)) {
      if (--depth >= 0) continue;
      if (outer || tokens[j + 1]?.text !== ',') return undefined;
      outer = true;
      depth = 0;
    } else if (t.text === ';') return undefined;
    else if (depth === 0) {
      const p = portValue(t);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/**
 * Every port the tokens of one file suggest. Ranks: 0 a flag/env default, 1 a listen
 * literal on all interfaces, 2 a listen literal with a host (could be a client's
 * target), 3 a constant or variable; +4 for side channels (metrics, debug, admin).
 */
export function portHits(tokens: readonly Token[], file: string): PortHit[] {
  const hits: PortHit[] = [];
  const add = (t: Token, port: number, why: string, rank: number, name: string): void => {
    hits.push({ port, at: `${file}:${t.line}`, why, rank: rank + (isSide(name) ? 4 : 0) });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1]?.text;
    if (t.kind === 'string') {
      const m = LISTEN.exec(t.text);
      const p = m ? portValue({ kind: 'number', text: m[2]!, line: t.line }) : undefined;
      // The flag or field the address is given to names its role: "metrics-addr".
      const owner = tokens[i - 2]?.kind === 'string' ? tokens[i - 2]!.text : (tokens[i - 2]?.text ?? '');
      if (p !== undefined) add(t, p, JSON.stringify(t.text), WILDCARD_HOSTS.has(m![1]!) ? 1 : 2, owner);
      else if (NAME.test(t.text) && isPortName(t.text) && (prev === '(' || prev === ',' || prev === '{')) {
        const d = callDefault(tokens, i);
        if (d !== undefined) add(t, d, `default of ${JSON.stringify(t.text)}`, 0, t.text);
      }
    } else if (t.kind === 'ident' && isPortName(t.text)) {
      // port = 9000, port := "9000", Port: 9000, port int = 9000
      let j = i + 1;
      if (tokens[j]?.kind === 'ident') j++;
      const op = tokens[j]?.text;
      const p = op === '=' || op === ':=' || (op === ':' && j === i + 1) ? portValue(tokens[j + 1]) : undefined;
      if (p !== undefined) add(t, p, t.text, 3, t.text);
    }
  }
  return hits;
}

/** The most likely service port of a list of hits (lowest rank, then first found). */
export function bestPort(hits: readonly PortHit[]): PortHit | undefined {
  let best: PortHit | undefined;
  for (const h of hits) if (!best || h.rank < best.rank) best = h;
  return best;
}

// Enough for the packages a main package reaches in a large module; a port is rarely deeper.
const MAX_PACKAGES = 64;

export interface DetectedPort {
  best?: PortHit;
  /** Other ports seen, one hit each, for the user to choose from. */
  others: PortHit[];
}

/**
 * The port of the main package `pkg` (`./`-relative): from its own files when they name
 * one, else from the packages of the module it imports (breadth first, bounded).
 */
export async function detectPort(root: string, modulePath: string, pkg: string): Promise<DetectedPort> {
  const queue = [pkg === '.' ? '' : pkg.replace(/^\.\//, '')];
  const seen = new Set(queue);
  const found: PortHit[] = [];
  for (let k = 0; k < queue.length && k < MAX_PACKAGES; k++) {
    const rel = queue[k]!;
    for (const f of await goSources(root, rel)) {
      const tokens = tokenize(f.text);
      found.push(...portHits(tokens, posix.join(rel, f.name)));
      for (const imp of imports(tokens)) {
        const sub = imp.startsWith(modulePath + '/') ? imp.slice(modulePath.length + 1) : undefined;
        if (sub === undefined || seen.has(sub) || sub.split('/').some((e) => e === '..' || e === '.' || e === 'vendor')) continue;
        seen.add(sub);
        queue.push(sub);
      }
    }
    if (k === 0 && found.length > 0) break; // the main package's own choice wins
  }
  const best = bestPort(found);
  const others = new Map<number, PortHit>();
  for (const h of found) if (h.port !== best?.port && !others.has(h.port)) others.set(h.port, h);
  return { ...(best ? { best } : {}), others: [...others.values()] };
}
