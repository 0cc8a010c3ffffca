/**
 * apk's installed database (`lib/apk/db/installed`, apk-tools "installed" format): one paragraph
 * per package, each line `<letter>:<value>`. Letters used here: P name, V version, A arch,
 * o origin (source package), L license, c commit of the aports tree, F directory and R file
 * (each R belongs to the last F: together the paths apk owns).
 */
import { BosunError, limitError } from '../../../util/errors.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { buildOsPurl } from '../os-release/os-purl.ts';

export interface ApkLimits {
  readonly maxPackages: number;
  readonly maxFiles: number;
}

export const DEFAULT_APK_LIMITS: ApkLimits = { maxPackages: 100_000, maxFiles: 5_000_000 };

export interface ApkInstalled {
  readonly packages: Package[];
  readonly ownedFiles: string[];
}

interface Draft {
  name?: string;
  version?: string;
  arch?: string;
  origin?: string;
  license?: string;
  commit?: string;
}

export function parseApkInstalled(
  text: string,
  location: PackageLocation,
  limits: ApkLimits = DEFAULT_APK_LIMITS,
): ApkInstalled {
  const packages: Package[] = [];
  const ownedFiles: string[] = [];
  let draft: Draft = {};
  let paragraphs = 0;
  let dir = '';
  const finish = (): void => {
    if (draft.name !== undefined && draft.version !== undefined) packages.push(toPackage(draft, location));
    draft = {};
    dir = '';
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line === '') {
      finish();
      continue;
    }
    if (!/^[A-Za-z]:/.test(line)) {
      throw new BosunError(
        'INVENTORY_PARSE',
        `${location.path}: line ${index + 1}: not a "<letter>:<value>" line`,
        {
          details: { input: location.path, line: index + 1 },
        },
      );
    }
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        if (draft.name !== undefined) finish(); // a new package without the blank line apk writes
        if (++paragraphs > limits.maxPackages)
          throw limitError('INVENTORY_LIMIT', location.path, 'packages', paragraphs, limits.maxPackages);
        draft.name = value;
        break;
      case 'V':
        draft.version = value;
        break;
      case 'A':
        draft.arch = value;
        break;
      case 'o':
        draft.origin = value;
        break;
      case 'L':
        draft.license = value;
        break;
      case 'c':
        draft.commit = value;
        break;
      case 'F':
        dir = value;
        break;
      case 'R':
        if (ownedFiles.length >= limits.maxFiles)
          throw limitError('INVENTORY_LIMIT', location.path, 'files', ownedFiles.length + 1, limits.maxFiles);
        ownedFiles.push(dir === '' ? value : `${dir}/${value}`);
        break;
      default:
        break; // other fields (size, checksums, dependencies, file modes) are not inventory facts
    }
  }
  finish();
  return { packages, ownedFiles };
}

function toPackage(draft: Draft, location: PackageLocation): Package {
  const name = draft.name ?? '';
  const version = draft.version ?? '';
  const arch = draft.arch === undefined || draft.arch === '' ? undefined : draft.arch;
  return {
    ecosystem: 'apk',
    name,
    version,
    sourceName: draft.origin === undefined || draft.origin === '' ? name : draft.origin,
    sourceVersion: version,
    ...(arch === undefined ? {} : { arch }),
    namespace: 'alpine',
    licenses: draft.license === undefined || draft.license === '' ? [] : [draft.license],
    purl: buildOsPurl({
      type: 'apk',
      namespace: 'alpine',
      name,
      version,
      ...(arch === undefined ? {} : { arch }),
    }),
    locations: [location],
    osOwned: true,
    ...(draft.commit === undefined || draft.commit === '' ? {} : { properties: { commit: draft.commit } }),
  };
}
