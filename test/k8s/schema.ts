/**
 * Kubernetes manifests checked offline against Kubernetes' own OpenAPI schemas, as
 * the kubernetes-models package carries them (no API server runs here): every
 * document must name an apiVersion and kind the package knows and validate.
 */
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';

interface Model {
  validate(): void;
}

/** Validates every document of a multi-document YAML text; fails naming the document and what is wrong. */
export async function assertValidKubernetes(text: string, what: string): Promise<void> {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), `${what}: not YAML`);
  for (const [i, doc] of docs.entries()) {
    const o = doc.toJS() as { apiVersion?: string; kind?: string } | null;
    if (o === null) continue; // an empty document
    assert.ok(o.apiVersion && o.kind, `${what}, document ${i + 1}: no apiVersion and kind`);
    const mod = (await import(`kubernetes-models/${o.apiVersion}/${o.kind}`)) as Record<string, new (o: unknown) => Model>;
    const Kind = mod[o.kind];
    assert.ok(Kind, `${what}, document ${i + 1}: kubernetes-models has no ${o.apiVersion} ${o.kind}`);
    try {
      new Kind(o).validate();
    } catch (e) {
      assert.fail(`${what}, document ${i + 1} (${o.kind}): ${(e as Error).message}`);
    }
  }
}
