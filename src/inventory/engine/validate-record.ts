/**
 * Shape checks for layer records read back from the cache. A cache file is our own output, but it
 * sits in a user-writable directory and may be truncated, from another version, or tampered with:
 * anything that is not exactly the expected shape is treated as a miss and recomputed.
 * Unknown extra keys are tolerated (they came out of JSON.parse, so they are plain data).
 */
import type { AnalyzerFact, AnalyzerResult } from '../analyzer.ts';
import type { InventoryIssue, ModelFile, OsInfo, Package, PackageLocation } from '../types.ts';
import type { FileResult } from './layer-record.ts';

type Json = Readonly<Record<string, unknown>>;

const ECOSYSTEMS: ReadonlySet<string> = new Set([
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'golang',
  'maven',
  'cargo',
  'gem',
  'composer',
  'nuget',
] satisfies Package['ecosystem'][]);
const EVIDENCE: ReadonlySet<string> = new Set(['magic', 'extension'] satisfies ModelFile['evidence'][]);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function optional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

function isStringRecord(value: unknown): boolean {
  return isObject(value) && Object.values(value).every(isString);
}

function isLocation(value: unknown): value is PackageLocation {
  return (
    isObject(value) &&
    isString(value['path']) &&
    optional(value['layerDigest'], isString) &&
    optional(value['diffId'], isString)
  );
}

export function isPackage(value: unknown): value is Package {
  if (!isObject(value)) return false;
  return (
    isString(value['ecosystem']) &&
    ECOSYSTEMS.has(value['ecosystem']) &&
    isString(value['name']) &&
    isString(value['version']) &&
    isString(value['purl']) &&
    isStringArray(value['licenses']) &&
    Array.isArray(value['locations']) &&
    value['locations'].every(isLocation) &&
    ['sourceName', 'sourceVersion', 'arch', 'namespace'].every((key) => optional(value[key], isString)) &&
    optional(value['dev'], (v) => typeof v === 'boolean') &&
    optional(value['osOwned'], (v) => typeof v === 'boolean') &&
    optional(value['dependsOn'], isStringArray) &&
    optional(value['properties'], isStringRecord)
  );
}

export function isOs(value: unknown): value is OsInfo {
  return (
    isObject(value) &&
    isString(value['family']) &&
    ['version', 'codename', 'prettyName', 'id'].every((key) => optional(value[key], isString))
  );
}

export function isIssue(value: unknown): value is InventoryIssue {
  return (
    isObject(value) &&
    isString(value['analyzer']) &&
    isString(value['path']) &&
    isString(value['code']) &&
    isString(value['message']) &&
    optional(value['layerDigest'], isString)
  );
}

function isFact(value: unknown): value is AnalyzerFact {
  if (!isObject(value)) return false;
  switch (value['kind']) {
    case 'dpkg-status-d':
      return true;
    case 'package-licenses':
      return (
        isString(value['ecosystem']) &&
        ECOSYSTEMS.has(value['ecosystem']) &&
        isString(value['name']) &&
        isStringArray(value['licenses'])
      );
    default:
      return false;
  }
}

export function isModelFile(value: unknown): value is ModelFile {
  return (
    isObject(value) &&
    isString(value['path']) &&
    isString(value['format']) &&
    typeof value['size'] === 'number' &&
    Number.isFinite(value['size']) &&
    isString(value['evidence']) &&
    EVIDENCE.has(value['evidence']) &&
    isLocation(value['location'])
  );
}

function isArrayOf<T>(value: unknown, check: (v: unknown) => v is T): value is T[] {
  return Array.isArray(value) && value.every(check);
}

function isResult(value: unknown): value is AnalyzerResult {
  return (
    isObject(value) &&
    isArrayOf(value['packages'], isPackage) &&
    isArrayOf(value['issues'], isIssue) &&
    optional(value['os'], isOs) &&
    optional(value['ownedFiles'], isStringArray) &&
    optional(value['facts'], (v) => isArrayOf(v, isFact)) &&
    optional(value['kind'], (v) => v === 'installed' || v === 'lockfile') &&
    optional(value['modelFiles'], (v) => isArrayOf(v, isModelFile))
  );
}

export function isFileResult(value: unknown): value is FileResult {
  return (
    isObject(value) &&
    isString(value['analyzer']) &&
    isString(value['path']) &&
    value['path'] !== '' &&
    isResult(value['result']) &&
    optional(value['ownedPacked'], isString)
  );
}
