/**
 * JSON Schema validators for report formats, from schemas shipped by packages:
 * CycloneDX 1.6 (+ its SPDX license-id and JSF schemas) from @cyclonedx/cyclonedx-library,
 * SARIF 2.1.0 from @microsoft/sarif-multitool-linux; SPDX 2.3 from test/schemas (transcribed
 * from the spec: no package ships it; see the file's $comment).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

export interface Validator {
  (value: unknown): boolean;
  readonly errors: readonly ErrorObject[];
}

function wrap(fn: ValidateFunction): Validator {
  const v = ((value: unknown) => fn(value)) as Validator;
  Object.defineProperty(v, 'errors', { get: () => fn.errors ?? [] });
  return v;
}

export function cycloneDxValidator(): Validator {
  const dir = join(packageDir('@cyclonedx/cyclonedx-library'), 'res', 'schema');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats ajv-formats lacks; the CycloneDX library applies the same best-effort checks.
  ajv.addFormat('iri-reference', (s: string) => s.length > 0 && !/\s/.test(s));
  ajv.addFormat('idn-email', (s: string) => /^[^@\s]+@[^@\s]+$/.test(s));
  ajv.addSchema(
    readJson(join(dir, 'spdx.SNAPSHOT.schema.json')),
    'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json',
  );
  ajv.addSchema(
    readJson(join(dir, 'jsf-0.82.SNAPSHOT.schema.json')),
    'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json',
  );
  return wrap(ajv.compile(readJson(join(dir, 'bom-1.6.SNAPSHOT.schema.json'))));
}

export function spdxValidator(): Validator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return wrap(ajv.compile(readJson(new URL('../schemas/spdx-2.3.schema.json', import.meta.url).pathname)));
}

export function sarifSchemaPath(): string {
  return join(packageDir('@microsoft/sarif-multitool-linux'), 'sarif-2.1.0.json');
}

export function sarifValidator(): Validator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return wrap(ajv.compile(readJson(sarifSchemaPath())));
}
