/** The subset of SPDX 2.3 JSON that Bosun writes (field names as in the SPDX 2.3 JSON serialisation). */

export interface SpdxAnnotation {
  readonly annotationDate: string;
  readonly annotationType: 'OTHER' | 'REVIEW';
  readonly annotator: string;
  readonly comment: string;
}

export interface SpdxExternalRef {
  readonly referenceCategory: 'SECURITY' | 'PACKAGE-MANAGER' | 'PERSISTENT-ID' | 'OTHER';
  readonly referenceType: string;
  readonly referenceLocator: string;
}

export interface SpdxPackage {
  readonly name: string;
  readonly SPDXID: string;
  readonly versionInfo?: string;
  readonly downloadLocation: string;
  readonly filesAnalyzed: false;
  readonly checksums?: readonly { readonly algorithm: 'SHA256'; readonly checksumValue: string }[];
  readonly licenseConcluded: string;
  readonly licenseDeclared: string;
  readonly copyrightText: string;
  readonly description?: string;
  readonly sourceInfo?: string;
  readonly externalRefs?: readonly SpdxExternalRef[];
  readonly primaryPackagePurpose?: 'CONTAINER' | 'APPLICATION' | 'OPERATING_SYSTEM' | 'LIBRARY' | 'FILE';
  readonly annotations?: readonly SpdxAnnotation[];
}

export interface SpdxRelationship {
  readonly spdxElementId: string;
  readonly relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON';
  readonly relatedSpdxElement: string;
}

export interface SpdxExtractedLicense {
  readonly licenseId: string;
  readonly extractedText: string;
  readonly name: string;
}

export interface SpdxDocument {
  readonly spdxVersion: 'SPDX-2.3';
  readonly dataLicense: 'CC0-1.0';
  readonly SPDXID: 'SPDXRef-DOCUMENT';
  readonly name: string;
  readonly documentNamespace: string;
  readonly creationInfo: { readonly created: string; readonly creators: readonly string[] };
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
  readonly hasExtractedLicensingInfos?: readonly SpdxExtractedLicense[];
}
