/**
 * CycloneDX 1.6 JSON SBOM. Written directly (not through @cyclonedx/cyclonedx-library's models)
 * because the library sorts with `localeCompare`, whose order depends on the process locale;
 * here every list is in code-point order, so the same inventory gives the same bytes anywhere.
 */
import { randomUUID } from 'node:crypto';
import type { ModelFile } from '../../inventory/index.ts';
import { resolveArtifact } from '../artifact.ts';
import { compareText } from '../severity.ts';
import type { ReportArtifact, ReportInventory } from '../types.ts';
import type { CdxBom, CdxComponent, CdxDependency, CdxLicense, CdxProperty } from './cyclonedx-types.ts';
import { classifyLicense } from './licenses.ts';
import { buildSbomModel, locationProperties, type SbomModel, type SbomPackage } from './sbom-model.ts';

export interface SbomOptions {
  /** The scanned artifact: becomes the BOM's metadata component. */
  readonly artifact?: ReportArtifact;
  /** BOM timestamp; defaults to now. */
  readonly timestamp?: Date;
  /** `urn:uuid:...`; defaults to a random UUID as the spec recommends. */
  readonly serialNumber?: string;
  readonly toolVersion?: string;
}

export const SUBJECT_REF = 'bosun:subject';

export function osRef(model: SbomModel): string | undefined {
  return model.os === undefined ? undefined : `bosun:os:${model.os.family}@${model.os.version ?? 'unknown'}`;
}

export function modelRef(file: ModelFile): string {
  return `bosun:model:${file.path}`;
}

function sortProperties(props: readonly CdxProperty[]): CdxProperty[] {
  return [...props].sort((a, b) => compareText(a.name, b.name) || compareText(a.value, b.value));
}

/** CycloneDX 1.6 allows either license objects or exactly one expression, never a mix. */
export function cdxLicenses(licenses: readonly string[]): CdxLicense[] | undefined {
  if (licenses.length === 0) return undefined;
  const choices = licenses.map(classifyLicense);
  const [only] = choices;
  if (choices.length === 1 && only?.kind === 'expression') return [{ expression: only.expression }];
  return choices.map((c) =>
    c.kind === 'id'
      ? { license: { id: c.id } }
      : { license: { name: c.kind === 'name' ? c.name : c.expression } },
  );
}

function packageComponent(p: SbomPackage): CdxComponent {
  return {
    type: 'library',
    'bom-ref': p.purl,
    group: p.group,
    name: p.name,
    version: p.version,
    licenses: cdxLicenses(p.licenses),
    purl: p.purl.startsWith('pkg:') ? p.purl : undefined,
    properties: p.properties.length > 0 ? sortProperties(p.properties) : undefined,
    evidence:
      p.locations.length > 0
        ? {
            occurrences: p.locations.map((l) => ({
              location: l.path,
              additionalContext: l.layerDigest === undefined ? undefined : `layer ${l.layerDigest}`,
            })),
          }
        : undefined,
  };
}

function modelComponent(m: ModelFile): CdxComponent {
  return {
    type: 'machine-learning-model',
    'bom-ref': modelRef(m),
    name: m.path,
    properties: sortProperties([
      { name: 'bosun:model:format', value: m.format },
      { name: 'bosun:model:size', value: String(m.size) },
      { name: 'bosun:model:evidence', value: m.evidence },
      ...locationProperties([m.location]),
    ]),
  };
}

function subjectComponent(model: SbomModel, artifact: ReportArtifact | undefined): CdxComponent {
  const s = model.subject;
  const properties: CdxProperty[] = [];
  if (artifact !== undefined) {
    for (const d of artifact.repoDigests ?? []) properties.push({ name: 'bosun:image:repoDigest', value: d });
    if (artifact.configDigest !== undefined) {
      properties.push({ name: 'bosun:image:configDigest', value: artifact.configDigest });
    }
    if (artifact.platform !== undefined) {
      const { os, architecture, variant } = artifact.platform;
      properties.push({
        name: 'bosun:image:platform',
        value: [os, architecture, variant].filter(Boolean).join('/'),
      });
    }
    for (const l of artifact.layers ?? []) {
      properties.push({ name: 'bosun:layer:digest', value: l.digest });
      if (l.diffId !== undefined) properties.push({ name: 'bosun:layer:diffID', value: l.diffId });
    }
  }
  return {
    type: artifact === undefined || artifact.type === 'container-image' ? 'container' : 'application',
    'bom-ref': SUBJECT_REF,
    name: s.name,
    version: s.version,
    hashes: s.sha256 === undefined ? undefined : [{ alg: 'SHA-256', content: s.sha256 }],
    purl: s.purl,
    // Layer properties keep manifest order (their order is meaningful), the rest are sorted.
    properties: properties.length > 0 ? properties : undefined,
  };
}

/** Components, the subject and the dependency graph of a BOM (shared with the vulnerability BOM). */
export function buildCdxBom(inventory: ReportInventory, options: SbomOptions): CdxBom {
  const artifact = resolveArtifact(inventory, options.artifact);
  const model = buildSbomModel(inventory, artifact);
  const os = osRef(model);
  const components: CdxComponent[] = [];
  if (model.os !== undefined && os !== undefined) {
    const osProps: CdxProperty[] = [];
    if (model.os.codename !== undefined)
      osProps.push({ name: 'bosun:os:codename', value: model.os.codename });
    if (model.os.id !== undefined) osProps.push({ name: 'bosun:os:id', value: model.os.id });
    components.push({
      type: 'operating-system',
      'bom-ref': os,
      name: model.os.family,
      version: model.os.version,
      description: model.os.prettyName,
      properties: osProps.length > 0 ? sortProperties(osProps) : undefined,
    });
  }
  components.push(...model.packages.map(packageComponent), ...model.models.map(modelComponent));

  const osPackages = model.packages.filter((p) => p.os && os !== undefined).map((p) => p.purl);
  const dependencies: CdxDependency[] = [
    {
      ref: SUBJECT_REF,
      dependsOn: [...(os === undefined ? [] : [os]), ...model.roots, ...model.models.map(modelRef)].sort(
        compareText,
      ),
    },
    ...(os === undefined ? [] : [{ ref: os, dependsOn: osPackages }]),
    ...model.packages.map((p) => ({ ref: p.purl, dependsOn: [...p.dependsOn] })),
    ...model.models.map((m) => ({ ref: modelRef(m), dependsOn: [] })),
  ]
    .map((d) => (d.dependsOn.length === 0 ? { ref: d.ref } : d))
    .sort((a, b) => compareText(a.ref, b.ref));

  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: (options.timestamp ?? new Date()).toISOString(),
      tools: {
        components: [
          {
            type: 'application',
            'bom-ref': 'bosun:tool',
            name: 'bosun',
            version: options.toolVersion,
          },
        ],
      },
      component: subjectComponent(model, artifact),
    },
    components: [...components].sort((a, b) => compareText(a['bom-ref'], b['bom-ref'])),
    dependencies,
  };
}

/** The inventory as a CycloneDX 1.6 BOM (a plain object, ready for JSON.stringify). */
export function toCycloneDx(inventory: ReportInventory, options: SbomOptions = {}): CdxBom {
  return buildCdxBom(inventory, options);
}
