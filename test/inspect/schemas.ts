/** The official SPDX 2.3 and CycloneDX 1.5 JSON schemas (test/schemas), compiled with ajv. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
const load = (f: string): Record<string, unknown> => JSON.parse(readFileSync(dir + f, 'utf8')) as Record<string, unknown>;

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => void;

function compile(main: string, extra: string[]): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats the CycloneDX schema names that ajv-formats lacks; their shape is not what these tests check.
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  for (const f of extra) ajv.addSchema(load(f));
  return ajv.compile(load(main));
}

export const validateSpdx = compile('spdx-schema-2.3.json', []);
export const validateCycloneDx = compile('bom-1.5.schema.json', ['spdx.schema.json', 'jsf-0.82.schema.json']);

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5), null, 2);
}
