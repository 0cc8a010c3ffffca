/**
 * What an inventory is made of. The inventory is also the SBOM: everything a report or a policy
 * needs about a package is here.
 */

/** Package ecosystems, named by their purl type. */
export type PackageEcosystem =
  'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'cargo' | 'gem' | 'composer' | 'nuget';

/** Where a package was found: the layer that introduced the file, and the file's path in the image. */
export interface PackageLocation {
  /** Compressed layer digest as in the manifest (absent for a plain directory scan). */
  readonly layerDigest?: string;
  /** Uncompressed layer digest (diff-id), when known. */
  readonly diffId?: string;
  /** Path without a leading slash, e.g. `var/lib/dpkg/status`. */
  readonly path: string;
}

export interface Package {
  readonly ecosystem: PackageEcosystem;
  readonly name: string;
  readonly version: string;
  /** Distro source package (dpkg `Source:`, apk `origin`, rpm source rpm name). */
  readonly sourceName?: string;
  readonly sourceVersion?: string;
  readonly arch?: string;
  /** Namespace for ecosystems that have one (maven groupId, npm scope without `@`, deb/rpm/apk distro id). */
  readonly namespace?: string;
  readonly licenses: readonly string[];
  /** Package URL (purl spec), built with packageurl-js. */
  readonly purl: string;
  readonly locations: readonly PackageLocation[];
  /** Only a development dependency (lockfiles that record it). */
  readonly dev?: boolean;
  /** Installed by the OS package manager (its files are listed by dpkg/apk/rpm). */
  readonly osOwned?: boolean;
  /** Direct dependencies by purl, where the source records them (lockfiles). */
  readonly dependsOn?: readonly string[];
  /** Extra facts (rpm modularity label, Go toolchain version, ...). */
  readonly properties?: Readonly<Record<string, string>>;
}

/** The operating system an image is based on. `unknown` is reported, never guessed. */
export interface OsInfo {
  /** `debian`, `ubuntu`, `alpine`, `rhel`, `centos`, `rocky`, `almalinux`, `fedora`, `amzn`, `sles`, `opensuse-leap`, `wolfi`, `chainguard`, `photon`, `distroless`, or `unknown`. */
  readonly family: string;
  readonly version?: string;
  readonly codename?: string;
  readonly prettyName?: string;
  /** The os-release `ID` as written. */
  readonly id?: string;
}

/** A problem with one file that did not stop the scan: reported, never silently dropped. */
export interface InventoryIssue {
  readonly analyzer: string;
  readonly path: string;
  readonly layerDigest?: string;
  readonly code: string;
  readonly message: string;
}

/** Model file formats recognised by extension and magic bytes. */
export type ModelFormat =
  | 'pytorch-zip'
  | 'pytorch-legacy'
  | 'pickle'
  | 'joblib'
  | 'numpy'
  | 'numpy-zip'
  | 'hdf5'
  | 'keras-zip'
  | 'safetensors'
  | 'gguf'
  | 'onnx'
  | 'zip'
  | 'unknown';

/** A file that looks like an AI/ML model: found here, checked by src/models. */
export interface ModelFile {
  /** Path without a leading slash. */
  readonly path: string;
  readonly format: ModelFormat;
  readonly size: number;
  /** `magic`: the bytes were checked; `extension`: too large to read here, guessed by name. */
  readonly evidence: 'magic' | 'extension';
  readonly location: PackageLocation;
}

/** One layer of a scanned image, in manifest order (index 0 = base). */
export interface InventoryLayer {
  readonly index: number;
  /** Compressed blob digest from the manifest. */
  readonly digest: string;
  /** Uncompressed digest (the config's diff_id, or computed while walking when the config has none). */
  readonly diffId?: string;
  readonly size: number;
  readonly mediaType: string;
  /** The config history step that made the layer (`created_by`), when the history lines up. */
  readonly createdBy?: string;
}

/** What an inventory says about the scanned image. Environment variables are left out (they often hold secrets). */
export interface ImageMetadata {
  /** The reference or local path the image was read from. */
  readonly reference: string;
  /** Manifest digest. */
  readonly digest: string;
  /** The index the manifest was picked from, when there was one. */
  readonly indexDigest?: string;
  readonly mediaType: string;
  readonly platform?: string;
  readonly config: {
    readonly digest: string;
    readonly created?: string;
    readonly os?: string;
    readonly architecture?: string;
    readonly variant?: string;
    readonly user?: string;
    readonly entrypoint?: readonly string[];
    readonly cmd?: readonly string[];
    readonly workingDir?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly layers: readonly InventoryLayer[];
}

/** What was inventoried: an image (with its metadata) or a plain directory. Tagged by `kind`. */
export type InventoryTarget =
  | { readonly kind: 'image'; readonly image: ImageMetadata }
  | { readonly kind: 'directory'; readonly path: string };

/**
 * Everything found in an image or directory: the final filesystem's OS, packages (sorted by
 * ecosystem, name, version, purl, path), model files (sorted by path) and per-file issues.
 */
export interface Inventory {
  readonly target: InventoryTarget;
  readonly os: OsInfo;
  readonly packages: readonly Package[];
  readonly modelFiles: readonly ModelFile[];
  readonly issues: readonly InventoryIssue[];
}
