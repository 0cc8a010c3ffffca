/**
 * SPDX 2.3 JSON SBOM, written by hand. SPDXIDs are derived from content (purl, path), so the
 * same inventory always yields the same identifiers; every list is in code-point order.
 * Field meanings follow the SPDX 2.3 specification (clauses 6 document, 7 package, 11
 * relationships, 12 annotations, 10 other licensing information).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ModelFile } from '../../inventory/index.ts';
import { resolveArtifact } from '../artifact.ts';
import { compareText } from '../severity.ts';
import type { ReportArtifact, ReportInventory } from '../types.ts';
import type { SbomOptions } from './cyclonedx.ts';
import { classifyLicense, licenseRefFor } from './licenses.ts';
import { buildSbomModel, locationProperties, type SbomPackage, type SbomProperty } from './sbom-model.ts';
import type {
  SpdxAnnotation,
  SpdxDocument,
  SpdxExtractedLicense,
  SpdxPackage,
  SpdxRelationship,
} from './spdx-types.ts';

export interface SpdxOptions extends SbomOptions {
  /** Unique absolute URI of this document (no `#`); defaults to `urn:uuid:` + the serial's or a random UUID. */
  readonly documentNamespace?: string;
}

const NOASSERTION = 'NOASSERTION';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `SPDXRef-` + letters, digits, `.` and `-` only (SPDX 2.3 clause 7.2). */
function spdxId(kind: string, readable: string, key: string): string {
  const clean = readable
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return `SPDXRef-${kind}-${clean === '' ? 'x' : `${clean}-`}${sha256Hex(key).slice(0, 12)}`.replace(
    /--+/g,
    '-',
  );
}

export function packageSpdxId(p: SbomPackage): string {
  return spdxId('Package', `${p.ecosystem}-${p.name}`, p.purl);
}

export function modelSpdxId(m: ModelFile): string {
  return spdxId('Model', m.path.split('/').pop() ?? m.path, m.path);
}

/** SPDX wants seconds precision in UTC: `YYYY-MM-DDThh:mm:ssZ`. */
function spdxTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

class LicenseRefs {
  readonly extracted = new Map<string, SpdxExtractedLicense>();

  /** One license expression for a package's license strings (joined with AND), or NOASSERTION. */
  declared(licenses: readonly string[]): string {
    if (licenses.length === 0) return NOASSERTION;
    const parts = licenses.map((text) => {
      const c = classifyLicense(text);
      if (c.kind === 'id') return c.id;
      if (c.kind === 'expression')
        return licenses.length > 1 && c.expression.includes(' ') ? `(${c.expression})` : c.expression;
      const id = licenseRefFor(c.name, sha256Hex);
      this.extracted.set(id, { licenseId: id, extractedText: c.name, name: c.name });
      return id;
    });
    return parts.join(' AND ');
  }
}

function annotations(
  props: readonly SbomProperty[],
  created: string,
  annotator: string,
): SpdxAnnotation[] | undefined {
  if (props.length === 0) return undefined;
  return props
    .map((p) => ({
      annotationDate: created,
      annotationType: 'OTHER' as const,
      annotator,
      comment: `${p.name}: ${p.value}`,
    }))
    .sort((a, b) => compareText(a.comment, b.comment));
}

function purlRef(purl: string | undefined) {
  return purl !== undefined && purl.startsWith('pkg:')
    ? [{ referenceCategory: 'PACKAGE-MANAGER' as const, referenceType: 'purl', referenceLocator: purl }]
    : undefined;
}

function subjectPackage(
  artifact: ReportArtifact | undefined,
  model: ReturnType<typeof buildSbomModel>,
  created: string,
  annotator: string,
): SpdxPackage {
  const s = model.subject;
  const props: SbomProperty[] = [];
  for (const d of artifact?.repoDigests ?? []) props.push({ name: 'bosun:image:repoDigest', value: d });
  if (artifact?.configDigest !== undefined)
    props.push({ name: 'bosun:image:configDigest', value: artifact.configDigest });
  artifact?.layers?.forEach((l, i) => {
    props.push({ name: `bosun:layer:${i}:digest`, value: l.digest });
    if (l.diffId !== undefined) props.push({ name: `bosun:layer:${i}:diffID`, value: l.diffId });
  });
  return {
    name: s.name,
    SPDXID: 'SPDXRef-Artifact',
    versionInfo: s.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    checksums: s.sha256 === undefined ? undefined : [{ algorithm: 'SHA256', checksumValue: s.sha256 }],
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    externalRefs: purlRef(s.purl),
    primaryPackagePurpose:
      artifact === undefined || artifact.type === 'container-image' ? 'CONTAINER' : 'APPLICATION',
    annotations: annotations(props, created, annotator),
  };
}

/** The inventory as an SPDX 2.3 document (a plain object, ready for JSON.stringify). */
export function toSpdx(inventory: ReportInventory, options: SpdxOptions = {}): SpdxDocument {
  const artifact = resolveArtifact(inventory, options.artifact);
  const model = buildSbomModel(inventory, artifact);
  const created = spdxTime(options.timestamp ?? new Date());
  const tool = `bosun-${options.toolVersion ?? 'unknown'}`;
  const annotator = `Tool: ${tool}`;
  const refs = new LicenseRefs();
  const uuid = options.serialNumber?.replace(/^urn:uuid:/, '') ?? randomUUID();

  const subject = subjectPackage(artifact, model, created, annotator);
  const osId = 'SPDXRef-OperatingSystem';
  const packages: SpdxPackage[] = [subject];
  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: subject.SPDXID },
  ];
  if (model.os !== undefined) {
    packages.push({
      name: model.os.family,
      SPDXID: osId,
      versionInfo: model.os.version,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      description: model.os.prettyName,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({
      spdxElementId: subject.SPDXID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: osId,
    });
  }

  const idOf = new Map(model.packages.map((p) => [p.purl, packageSpdxId(p)]));
  for (const p of model.packages) {
    const id = idOf.get(p.purl) as string;
    const source = p.properties.find((x) => x.name === 'bosun:package:sourceName')?.value;
    packages.push({
      name: p.group === undefined ? p.name : `${p.group}/${p.name}`,
      SPDXID: id,
      versionInfo: p.version,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      licenseConcluded: NOASSERTION,
      licenseDeclared: refs.declared(p.licenses),
      copyrightText: NOASSERTION,
      sourceInfo: source === undefined ? undefined : `built package from: ${source}`,
      externalRefs: purlRef(p.purl),
      primaryPackagePurpose: 'LIBRARY',
      annotations: annotations(p.properties, created, annotator),
    });
    const parent = p.os && model.os !== undefined ? osId : subject.SPDXID;
    relationships.push({ spdxElementId: parent, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    for (const dep of p.dependsOn) {
      relationships.push({
        spdxElementId: id,
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: idOf.get(dep) as string,
      });
    }
  }
  for (const m of model.models) {
    const id = modelSpdxId(m);
    packages.push({
      name: m.path,
      SPDXID: id,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      primaryPackagePurpose: 'FILE',
      annotations: annotations(
        [
          { name: 'bosun:model:format', value: m.format },
          { name: 'bosun:model:size', value: String(m.size) },
          ...locationProperties([m.location]),
        ],
        created,
        annotator,
      ),
    });
    relationships.push({
      spdxElementId: subject.SPDXID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: id,
    });
  }

  const extracted = [...refs.extracted.values()].sort((a, b) => compareText(a.licenseId, b.licenseId));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: model.subject.name,
    documentNamespace: options.documentNamespace ?? `urn:uuid:${uuid}`,
    creationInfo: { created, creators: [annotator] },
    packages: [subject, ...packages.slice(1).sort((a, b) => compareText(a.SPDXID, b.SPDXID))],
    relationships: relationships.sort(
      (a, b) =>
        compareText(a.spdxElementId, b.spdxElementId) ||
        compareText(a.relationshipType, b.relationshipType) ||
        compareText(a.relatedSpdxElement, b.relatedSpdxElement),
    ),
    hasExtractedLicensingInfos: extracted.length > 0 ? extracted : undefined,
  };
}
