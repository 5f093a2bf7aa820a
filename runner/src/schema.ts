// JSON Schema validation (ajv) for every piece of data the runner does not
// write itself: kata manifests, the course order, the child's result records.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { schemasDir } from './paths.js';

// strictRequired off: a oneOf of `required` lists ("exactly one of these fields") is intended.
const ajv = new Ajv({ allErrors: false, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
const compiled = new Map<string, ValidateFunction>();

function validator(schemaName: string): ValidateFunction {
  let fn = compiled.get(schemaName);
  if (!fn) {
    const schema = JSON.parse(readFileSync(path.join(schemasDir, schemaName), 'utf8')) as object;
    fn = ajv.compile(schema);
    compiled.set(schemaName, fn);
  }
  return fn;
}

/** "/checks/0/maxRatio" -> "checks[0].maxRatio" */
function fieldName(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  if (parts.length === 0) return '(top level)';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function describeSchemaError(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties')
    return `${fieldName(e.instancePath, String(params.additionalProperty))}: unknown field`;
  if (e.keyword === 'required') return `${fieldName(e.instancePath, String(params.missingProperty))}: missing`;
  if (e.keyword === 'enum') return `${fieldName(e.instancePath)}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${fieldName(e.instancePath)}: must be ${JSON.stringify(params.allowedValue)}`;
  return `${fieldName(e.instancePath)}: ${e.message ?? 'is invalid'}`;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

export function validate<T>(schemaName: string, data: unknown): Validation<T> {
  const fn = validator(schemaName);
  if (fn(data)) return { ok: true, value: data as T };
  const first = fn.errors?.[0];
  return { ok: false, error: first ? describeSchemaError(first) : 'does not match its schema' };
}

/** A cache file the learner can write (the workspace's .cache): its content when it matches the schema, else undefined (compute it again). */
export function readCache<T>(schemaName: string, file: string): T | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // not there yet
  }
  const v = validate<T>(schemaName, data);
  return v.ok ? v.value : undefined;
}
