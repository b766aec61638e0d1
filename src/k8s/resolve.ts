/**
 * `goscratch resolve`: every `goscratch://<package>` in the manifests becomes
 * `repo@sha256:...` (each distinct package built and pushed once, a bounded number
 * at a time), and containers with CPU or memory limits get GOMAXPROCS and GOMEMLIMIT.
 * All builds and pushes finish before any output exists, so a failure prints nothing.
 */
import { isMap, isPair, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { BuildInfo } from '../binary/buildinfo.js';
import { binaryHandles, DEFAULT_MEMORY_RATIO } from '../runtime/env.js';
import { formatMiB, parseMemory } from '../runtime/size.js';
import { UsageError, errorMessage, withContext } from '../util/errors.js';
import { mapLimit } from '../util/pool.js';
import { addEnv, applyEdits, replaceScalar, type Edit, type EnvEntry } from './edit.js';
import { findImageFields, location, parseManifest, type ImageField, type ManifestFile } from './manifest.js';

export interface ResolvedImage {
  /** `registry/repository@sha256:...` */
  ref: string;
  /** The binary's build info, so variables it tunes itself are left alone. */
  buildInfo?: BuildInfo;
}

/** Resolves one package; `prepare`, when there, is told every package first, so it can build them together. */
export type ImageResolver = ((packagePath: string) => Promise<ResolvedImage | string>) & { prepare?: (packages: readonly string[]) => void };

export interface ResolveOptions {
  resolveImage: ImageResolver;
  /** Add GOMAXPROCS / GOMEMLIMIT to containers with limits (default true). */
  runtimeEnv?: boolean;
  memoryRatio?: number;
  /** Packages built at once (default 2). */
  jobs?: number;
}

export interface ResolveResult {
  /** The files' text after resolution, in input order. */
  files: Array<{ name: string; text: string }>;
  /** In order of first appearance. */
  images: Array<{ package: string; ref: string }>;
  /** What was added to which container, for the log. */
  envAdded: Array<{ where: string; container: string; names: string[] }>;
}

export async function resolveManifests(inputs: readonly ManifestFile[], opts: ResolveOptions): Promise<ResolveResult> {
  const parsed = inputs.map(parseManifest);
  const perFile = parsed.map(findImageFields);
  const fields = perFile.flat();
  const first = new Map<string, ImageField>();
  for (const f of fields) if (!first.has(f.package)) first.set(f.package, f);

  // A bad memory limit is found before anything is built or pushed.
  if (opts.runtimeEnv !== false) for (const f of fields) if (f.container) memoryLimit(f);

  const resolved = new Map<string, ResolvedImage>();
  opts.resolveImage.prepare?.([...first.keys()]);
  await mapLimit([...first.values()], opts.jobs ?? 2, async (f) => {
    try {
      const r = await opts.resolveImage(f.package);
      resolved.set(f.package, typeof r === 'string' ? { ref: r } : r);
    } catch (e) {
      throw withContext(e, `${location(f.file, f.doc, f.scalar.range![0])}: goscratch://${f.package}`);
    }
  });

  const envAdded: ResolveResult['envAdded'] = [];
  const files = parsed.map((file, i) => {
    const edits: Edit[] = [];
    for (const f of perFile[i]!) {
      const img = resolved.get(f.package)!;
      edits.push(replaceScalar(f.scalar, img.ref));
      if (f.container && opts.runtimeEnv !== false) {
        const entries = runtimeEntries(f, img, opts.memoryRatio ?? DEFAULT_MEMORY_RATIO);
        if (entries.length === 0) continue;
        try {
          edits.push(addEnv(file.text, f.container, entries, f.seqIndent));
        } catch (e) {
          throw new UsageError(`${location(file, f.doc, f.container.range![0])}: ${errorMessage(e)}`);
        }
        envAdded.push({ where: location(file, f.doc, f.container.range![0]), container: stringAt(f.container, ['name']) ?? '?', names: entries.map((e) => e.name) });
      }
    }
    return { name: file.name, text: applyEdits(file.text, edits) };
  });
  return { files, images: [...first.keys()].map((pkg) => ({ package: pkg, ref: resolved.get(pkg)!.ref })), envAdded };
}

/**
 * GOMAXPROCS as a resourceFieldRef on limits.cpu (with the default divisor of 1, the
 * kubelet rounds a fractional limit up: 500m gives 1), GOMEMLIMIT as a literal share
 * of limits.memory; each only when the limit is set, the container does not set the
 * variable, and the binary does not tune it itself.
 */
function runtimeEntries(f: ImageField, img: ResolvedImage, ratio: number): EnvEntry[] {
  const c = f.container!;
  const present = new Set(envNames(c));
  const handled = binaryHandles(img.buildInfo);
  const out: EnvEntry[] = [];
  const cpu = stringAt(c, ['resources', 'limits', 'cpu']);
  if (cpu !== undefined && !present.has('GOMAXPROCS') && !handled.GOMAXPROCS) out.push({ name: 'GOMAXPROCS', resource: 'limits.cpu' });
  const bytes = memoryLimit(f);
  if (bytes !== undefined && !present.has('GOMEMLIMIT') && !handled.GOMEMLIMIT) {
    const value = formatMiB(Math.floor(ratio * bytes));
    if (value !== '0MiB') out.push({ name: 'GOMEMLIMIT', value });
  }
  return out;
}

/** The container's memory limit in bytes, read as Kubernetes reads it. */
function memoryLimit(f: ImageField): number | undefined {
  const memory = stringAt(f.container!, ['resources', 'limits', 'memory']);
  if (memory === undefined) return undefined;
  try {
    return parseMemory(memory, 'kubernetes');
  } catch (e) {
    throw new UsageError(`${location(f.file, f.doc, f.container!.range![0])}: resources.limits.memory: ${errorMessage(e)}`);
  }
}

function envNames(c: YAMLMap): string[] {
  const env = c.get('env', true);
  if (!isSeq(env)) return [];
  return env.items.flatMap((item) => (isMap(item) ? [item.get('name')] : [])).filter((n): n is string => typeof n === 'string');
}

/** A scalar under a path of map keys, as text (`cpu: 1` and `cpu: "1"` alike). */
function stringAt(m: YAMLMap, path: string[]): string | undefined {
  let node: unknown = m;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    node = pair?.value;
  }
  return isScalar(node) && node.value !== null && node.value !== '' ? String(node.source ?? node.value) : undefined;
}

/** Files as one YAML stream: a separator between files unless the next one starts with its own. */
export function joinDocuments(texts: readonly string[]): string {
  let out = '';
  for (const t of texts) {
    if (out !== '') {
      if (!out.endsWith('\n')) out += '\n';
      if (!/^---(\s|$)/.test(t)) out += '---\n';
    }
    out += t;
  }
  return out;
}

