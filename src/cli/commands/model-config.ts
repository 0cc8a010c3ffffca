/**
 * `bosun-models.yaml` and the `model scan` flags that extend or override it, validated into model
 * scan options. Unknown keys are usage errors so that a typo never silently widens the gate.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import {
  PRESETS,
  type AllowPreset,
  type ModelScanLimits,
  type ModelScanOptions,
} from '../../models/index.ts';
import { BosunError } from '../../util/errors.ts';

export interface ModelConfig {
  readonly presets?: readonly AllowPreset[];
  readonly globals: readonly string[];
  readonly unknownFormats?: 'skip' | 'fail';
  readonly exitCode?: number;
  readonly limits: Partial<ModelScanLimits>;
}

const LIMIT_KEYS: readonly (keyof ModelScanLimits)[] = [
  'maxPickleBytes',
  'maxDecompressedBytes',
  'maxZipEntries',
  'maxDepth',
  'maxHeaderBytes',
  'maxMemberBytes',
];
const GLOBAL_NAME = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*(\.\*)?$/;

function usage(file: string, message: string): BosunError {
  return new BosunError('CLI_USAGE', `${file}: ${message}`, { details: { input: file } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  file: string,
  where: string,
): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      throw usage(file, `unknown key "${key}" in ${where} (allowed: ${allowed.join(', ')})`);
}

export function parsePresets(names: readonly string[], input: string): AllowPreset[] {
  const known = Object.keys(PRESETS);
  return names.map((name) => {
    if (!known.includes(name)) throw usage(input, `unknown preset "${name}" (known: ${known.join(', ')})`);
    return name as AllowPreset;
  });
}

export function checkGlobals(names: readonly string[], input: string): string[] {
  for (const name of names)
    if (!GLOBAL_NAME.test(name)) throw usage(input, `"${name}" is not module.name or module.*`);
  return [...names];
}

function stringList(value: unknown, file: string, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw usage(file, `${where} must be a list of strings`);
  return value as string[];
}

/** Parses the text of a bosun-models.yaml file. */
export function parseModelConfig(text: string, file: string): ModelConfig {
  let doc: unknown;
  try {
    // Silent: problems (unknown tags included) become one usage error, never process warnings.
    const parsed = parseDocument(text, { logLevel: 'silent' });
    const problem = parsed.errors[0] ?? parsed.warnings[0];
    if (problem !== undefined) throw problem;
    doc = parsed.toJS({ maxAliasCount: 16 });
  } catch (error) {
    throw new BosunError('CLI_USAGE', `${file}: not valid YAML`, { cause: error, details: { input: file } });
  }
  if (doc === null || doc === undefined) return { globals: [], limits: {} };
  if (!isRecord(doc)) throw usage(file, 'the document must be a mapping');
  onlyKeys(doc, ['allow', 'unknownFormats', 'exitCode', 'limits'], file, 'the document');
  let presets: AllowPreset[] | undefined;
  let globals: string[] = [];
  if (doc['allow'] !== undefined) {
    const allow = doc['allow'];
    if (!isRecord(allow)) throw usage(file, 'allow must be a mapping');
    onlyKeys(allow, ['presets', 'globals'], file, 'allow');
    if (allow['presets'] !== undefined)
      presets = parsePresets(stringList(allow['presets'], file, 'allow.presets'), file);
    if (allow['globals'] !== undefined)
      globals = checkGlobals(stringList(allow['globals'], file, 'allow.globals'), file);
  }
  const unknownFormats = doc['unknownFormats'];
  if (unknownFormats !== undefined && unknownFormats !== 'skip' && unknownFormats !== 'fail')
    throw usage(file, 'unknownFormats must be skip or fail');
  const exitCode = doc['exitCode'];
  if (
    exitCode !== undefined &&
    !(Number.isInteger(exitCode) && (exitCode as number) >= 0 && (exitCode as number) <= 255)
  )
    throw usage(file, 'exitCode must be an integer from 0 to 255');
  const limits: Partial<Record<keyof ModelScanLimits, number>> = {};
  if (doc['limits'] !== undefined) {
    const raw = doc['limits'];
    if (!isRecord(raw)) throw usage(file, 'limits must be a mapping');
    onlyKeys(raw, LIMIT_KEYS, file, 'limits');
    for (const key of LIMIT_KEYS) {
      const value = raw[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
        throw usage(file, `limits.${key} must be a positive integer`);
      limits[key] = value;
    }
  }
  return {
    ...(presets === undefined ? {} : { presets }),
    globals,
    ...(unknownFormats === undefined ? {} : { unknownFormats }),
    ...(exitCode === undefined ? {} : { exitCode: exitCode as number }),
    limits,
  };
}

export interface ModelScanFlags {
  readonly allow?: readonly string[];
  readonly allowGlobal?: readonly string[];
  readonly config?: string;
  readonly exitCode?: string;
  readonly failUnknown?: boolean;
}

/** Flags over the config file: --allow replaces the presets, --allow-global adds names. */
export async function modelScanOptions(
  flags: ModelScanFlags,
  cwd: string,
): Promise<{ options: ModelScanOptions; exitCode: number }> {
  let config: ModelConfig = { globals: [], limits: {} };
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(cwd, flags.config), 'utf8');
    } catch (error) {
      throw new BosunError('CLI_USAGE', `${flags.config}: cannot be read`, {
        cause: error,
        details: { input: flags.config },
      });
    }
    config = parseModelConfig(text, flags.config);
  }
  const allowFlag = (flags.allow ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const presets = allowFlag.length > 0 ? parsePresets(allowFlag, '--allow') : config.presets;
  const globals = [...config.globals, ...checkGlobals(flags.allowGlobal ?? [], '--allow-global')];
  let exitCode = config.exitCode ?? 0;
  if (flags.exitCode !== undefined) {
    const n = Number(flags.exitCode);
    if (!Number.isInteger(n) || n < 0 || n > 255)
      throw usage('--exit-code', `"${flags.exitCode}" is not an integer from 0 to 255`);
    exitCode = n;
  }
  const unknownFormats = flags.failUnknown === true ? 'fail' : config.unknownFormats;
  return {
    options: {
      allow: { ...(presets === undefined ? {} : { presets }), globals },
      limits: config.limits,
      ...(unknownFormats === undefined ? {} : { unknownFormats }),
    },
    exitCode,
  };
}
