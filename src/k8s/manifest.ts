/**
 * Kubernetes manifests as text plus the YAML nodes found in it. goscratch never
 * re-serialises a document: it edits the original text at node offsets, so comments,
 * key order, quoting, indentation and document separators stay byte for byte.
 */
import { posix } from 'node:path';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { duplicateKeyError, YAML_OPTIONS } from '../config/yaml.js';
import { checkPackagePattern } from '../golang/toolchain.js';
import { UsageError, withContext } from '../util/errors.js';

export const SCHEME = 'goscratch://';
/** Larger than any manifest bundle seen in practice; parsing it takes seconds and under 1 GB. */
export const MANIFEST_LIMIT = 16 * 1024 * 1024;
// Pod-spec lists whose entries are containers with `image`, `env` and `resources`.
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

export interface ManifestFile {
  /** Path, or `-` for standard input (shown as `<stdin>`). */
  name: string;
  text: string;
}

export interface ParsedFile extends ManifestFile {
  docs: Document.Parsed[];
  lines: LineCounter;
}

/** One `goscratch://` value. */
export interface ImageField {
  file: ParsedFile;
  /** 1-based document index within the file. */
  doc: number;
  line: number;
  scalar: Scalar;
  /** The package path after `goscratch://`. */
  package: string;
  /** The container map when the value is a container's `image`. */
  container?: YAMLMap;
  /** Indentation of a list item relative to its key in this file (0 or 2, from the container list). */
  seqIndent: number;
}

export function displayName(f: ManifestFile): string {
  return f.name === '-' ? '<stdin>' : f.name;
}

/** Where something is, for error messages: `deploy.yaml: document 2, line 14`. */
export function location(f: ParsedFile, doc: number, offset: number): string {
  return `${displayName(f)}: document ${doc}, line ${f.lines.linePos(offset).line}`;
}

export function parseManifest(f: ManifestFile): ParsedFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(f.text, { lineCounter: lines, ...YAML_OPTIONS });
  if (!Array.isArray(docs)) return { ...f, docs: [], lines };
  docs.forEach((d, i) => {
    const e = d.errors[0];
    const bad = e ? { message: e.message.split('\n')[0], offset: e.pos[0] } : duplicateKeyError(d);
    if (bad) throw new UsageError(`${location({ ...f, docs, lines }, i + 1, bad.offset)}: invalid YAML: ${bad.message}`);
  });
  return { ...f, docs, lines };
}

/** Column of an offset (0-based). */
export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Every `goscratch://` scalar in the file, containers' images marked with their container. */
export function findImageFields(f: ParsedFile): ImageField[] {
  const out: ImageField[] = [];
  f.docs.forEach((d, i) => {
    const doc = i + 1;
    const visit = (node: unknown, container: YAMLMap | undefined, seqIndent: number): void => {
      if (isScalar(node)) {
        if (typeof node.value === 'string' && node.value.startsWith(SCHEME)) out.push(field(f, doc, node, container, seqIndent));
      } else if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const key = isScalar(pair.key) ? pair.key.value : undefined;
          if (typeof key === 'string' && CONTAINER_LISTS.has(key) && isSeq(pair.value)) {
            const indent = listIndent(f.text, pair.key as Node, pair.value);
            for (const item of pair.value.items) {
              if (isMap(item)) {
                for (const p of item.items) {
                  const isImage = isPair(p) && isScalar(p.key) && p.key.value === 'image';
                  visit(p.value, isImage ? item : undefined, indent);
                  if (!isImage) visit(p.key, undefined, indent);
                }
              } else visit(item, undefined, indent);
            }
          } else {
            visit(pair.key, undefined, seqIndent);
            visit(pair.value, undefined, seqIndent);
          }
        }
      } else if (isSeq(node)) {
        for (const item of node.items) visit(item, undefined, seqIndent);
      }
    };
    visit(d.contents, undefined, 2);
  });
  return out;
}

/** One spelling per package, so `./cmd/api`, `./cmd/api/` and `cmd/../cmd/api` build once. */
export function normalizePackage(pkg: string): string {
  const n = posix.normalize(pkg).replace(/\/+$/, '');
  return pkg.startsWith('./') && !n.startsWith('.') ? `./${n}` : n || '.';
}

function field(f: ParsedFile, doc: number, scalar: Scalar, container: YAMLMap | undefined, seqIndent: number): ImageField {
  const pkg = (scalar.value as string).slice(SCHEME.length);
  const at = scalar.range?.[0] ?? 0;
  if (pkg === '' || /\s/.test(pkg)) {
    throw new UsageError(`${location(f, doc, at)}: ${JSON.stringify(scalar.value)} names no Go package: write goscratch://<package>, e.g. goscratch://./cmd/api or goscratch://example.com/app/cmd/api`);
  }
  let name: string;
  try {
    name = checkPackagePattern(normalizePackage(pkg));
  } catch (e) {
    throw withContext(e, location(f, doc, at));
  }
  return { file: f, doc, line: f.lines.linePos(at).line, scalar, package: name, ...(container ? { container } : {}), seqIndent };
}

/** How far a block list's dashes sit right of its key (`key:\n  - a` is 2, `key:\n- a` is 0). */
function listIndent(text: string, key: Node, seq: Node): number {
  if (!key.range || !seq.range || (seq as { flow?: boolean }).flow) return 2;
  return Math.max(0, columnOf(text, seq.range[0]) - columnOf(text, key.range[0]));
}
