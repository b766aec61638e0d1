/**
 * YAML parsing for goscratch.yaml and Kubernetes manifests in time linear in the input.
 * The yaml package checks each new map key against every key before it (a map of
 * 100,000 labels took minutes), so that check is turned off here and done once per
 * document with a set.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type ParsedNode } from 'yaml';

export const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/** The first key that repeats a key of the same map, if any. */
export function duplicateKey(doc: Document.Parsed): ParsedNode | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        // Scalar keys compare by value, as the yaml package does (1 and "1" differ); others never repeat.
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) return pair.key as ParsedNode;
          seen.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return undefined;
}

/** The error for a repeated key and where it is, or undefined when every key is unique. */
export function duplicateKeyError(doc: Document.Parsed): { message: string; offset: number } | undefined {
  const key = duplicateKey(doc);
  if (!key) return undefined;
  const text = String((key as { value?: unknown }).value).slice(0, 80);
  return { message: `duplicate key ${JSON.stringify(text)} (each key may appear once in a map)`, offset: key.range[0] };
}
