/** The subset of CycloneDX 1.6 JSON that Bosun writes (field names as in bom-1.6.schema.json). */

export interface CdxProperty {
  readonly name: string;
  readonly value: string;
}

export type CdxLicense =
  { readonly license: { readonly id: string } | { readonly name: string } } | { readonly expression: string };

export interface CdxHash {
  readonly alg: 'SHA-256' | 'SHA-384' | 'SHA-512';
  readonly content: string;
}

export interface CdxComponent {
  readonly type:
    'application' | 'container' | 'library' | 'operating-system' | 'machine-learning-model' | 'file';
  readonly 'bom-ref': string;
  readonly group?: string;
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly hashes?: readonly CdxHash[];
  readonly licenses?: readonly CdxLicense[];
  readonly purl?: string;
  readonly properties?: readonly CdxProperty[];
  readonly evidence?: {
    readonly occurrences: readonly { readonly location: string; readonly additionalContext?: string }[];
  };
}

export interface CdxDependency {
  readonly ref: string;
  readonly dependsOn?: readonly string[];
}

export interface CdxRating {
  readonly source?: { readonly name: string };
  readonly score?: number;
  readonly severity: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none' | 'unknown';
  readonly method?: 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'other';
  readonly vector?: string;
}

export interface CdxVulnerability {
  readonly 'bom-ref': string;
  readonly id: string;
  readonly source?: { readonly name: string; readonly url?: string };
  readonly references?: readonly {
    readonly id: string;
    readonly source: { readonly name: string; readonly url?: string };
  }[];
  readonly ratings?: readonly CdxRating[];
  readonly description?: string;
  readonly recommendation?: string;
  readonly advisories?: readonly { readonly url: string }[];
  readonly analysis?: {
    readonly state:
      'not_affected' | 'resolved' | 'exploitable' | 'in_triage' | 'false_positive' | 'resolved_with_pedigree';
    readonly justification?: string;
    readonly detail?: string;
  };
  readonly affects: readonly {
    readonly ref: string;
    readonly versions?: readonly {
      readonly version: string;
      readonly status: 'affected' | 'unaffected' | 'unknown';
    }[];
  }[];
  readonly properties?: readonly CdxProperty[];
}

export interface CdxBom {
  readonly $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json';
  readonly bomFormat: 'CycloneDX';
  readonly specVersion: '1.6';
  readonly serialNumber: string;
  readonly version: 1;
  readonly metadata: {
    readonly timestamp: string;
    readonly tools: { readonly components: readonly CdxComponent[] };
    readonly component?: CdxComponent;
    readonly properties?: readonly CdxProperty[];
  };
  readonly components: readonly CdxComponent[];
  readonly dependencies: readonly CdxDependency[];
  readonly vulnerabilities?: readonly CdxVulnerability[];
}
