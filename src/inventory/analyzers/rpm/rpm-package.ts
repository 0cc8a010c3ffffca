/** An installed rpm package (and the paths it owns) from its header. */
import { BosunError, limitError } from '../../../util/errors.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { buildOsPurl } from '../os-release/os-purl.ts';
import { RPM_TAGS, type RpmHeader } from './rpm-header.ts';

export interface RpmPackage {
  readonly package: Package;
  readonly files: string[];
}

/**
 * `undefined` for `gpg-pubkey` pseudo-packages (imported signing keys, listed by `rpm -qa` but not
 * software). Version is `[epoch:]version-release`, the form rpm compares; the purl keeps the
 * epoch as a qualifier (purl spec for rpm).
 */
export function rpmPackageFromHeader(
  header: RpmHeader,
  location: PackageLocation,
  maxFiles: number,
): RpmPackage | undefined {
  const name = header.string(RPM_TAGS.NAME);
  const version = header.string(RPM_TAGS.VERSION);
  const release = header.string(RPM_TAGS.RELEASE);
  if (name === undefined || version === undefined || release === undefined) {
    throw new BosunError('INVENTORY_PARSE', `${location.path}: rpm header without NAME, VERSION or RELEASE`, {
      details: { input: location.path },
    });
  }
  if (name === 'gpg-pubkey') return undefined;
  const epoch = header.int32Array(RPM_TAGS.EPOCH)[0];
  const arch = header.string(RPM_TAGS.ARCH);
  const sourceRpm = header.string(RPM_TAGS.SOURCERPM);
  const license = header.string(RPM_TAGS.LICENSE);
  const modularityLabel = header.string(RPM_TAGS.MODULARITYLABEL);
  const vendor = header.string(RPM_TAGS.VENDOR);
  const evr = `${epoch === undefined ? '' : `${epoch}:`}${version}-${release}`;
  const source = parseSourceRpm(sourceRpm);

  const properties: Record<string, string> = {};
  if (sourceRpm !== undefined && sourceRpm !== '') properties['sourceRpm'] = sourceRpm;
  if (modularityLabel !== undefined && modularityLabel !== '')
    properties['modularityLabel'] = modularityLabel;
  if (vendor !== undefined && vendor !== '') properties['vendor'] = vendor;
  if (epoch !== undefined) properties['epoch'] = String(epoch);

  const pkg: Package = {
    ecosystem: 'rpm',
    name,
    version: evr,
    ...(source === undefined
      ? {}
      : {
          sourceName: source.name,
          sourceVersion: `${epoch === undefined ? '' : `${epoch}:`}${source.version}`,
        }),
    ...(arch === undefined || arch === '' ? {} : { arch }),
    licenses: license === undefined || license === '' ? [] : [license],
    purl: buildOsPurl({
      type: 'rpm',
      name,
      version: `${version}-${release}`,
      ...(arch === undefined ? {} : { arch }),
      ...(epoch === undefined ? {} : { epoch: String(epoch) }),
    }),
    locations: [location],
    osOwned: true,
    ...(Object.keys(properties).length === 0 ? {} : { properties }),
  };
  return { package: pkg, files: rpmFiles(header, location.path, maxFiles) };
}

/** `bash-5.1.8-6.el9.src.rpm` → `{ name: 'bash', version: '5.1.8-6.el9' }`. */
export function parseSourceRpm(value: string | undefined): { name: string; version: string } | undefined {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(value ?? '');
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
  return { name: match[1], version: `${match[2]}-${match[3]}` };
}

/** Owned paths (no leading `/`): DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or OLDFILENAMES in old headers. */
function rpmFiles(header: RpmHeader, input: string, maxFiles: number): string[] {
  const basenames = header.stringArray(RPM_TAGS.BASENAMES);
  if (basenames.length > maxFiles)
    throw limitError('INVENTORY_LIMIT', input, 'files per rpm', basenames.length, maxFiles);
  if (basenames.length === 0) {
    const old = header.stringArray(RPM_TAGS.OLDFILENAMES);
    if (old.length > maxFiles)
      throw limitError('INVENTORY_LIMIT', input, 'files per rpm', old.length, maxFiles);
    return old.map((path) => path.replace(/^\/+/, ''));
  }
  const dirnames = header.stringArray(RPM_TAGS.DIRNAMES);
  const dirindexes = header.int32Array(RPM_TAGS.DIRINDEXES);
  if (dirindexes.length !== basenames.length) {
    throw new BosunError(
      'INVENTORY_PARSE',
      `${input}: rpm header: ${basenames.length} basenames, ${dirindexes.length} dir indexes`,
      {
        details: { input },
      },
    );
  }
  return basenames.map((base, i) => {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === undefined) {
      throw new BosunError('INVENTORY_PARSE', `${input}: rpm header: dir index out of range`, {
        details: { input },
      });
    }
    return `${dir}${base}`.replace(/^\/+/, '');
  });
}
