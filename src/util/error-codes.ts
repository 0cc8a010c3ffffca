/**
 * Every stable error code Bosun can throw, with the exit category it maps to.
 * Adding a code here is the only way to throw it (BosunError is typed by these keys), and the
 * category decides the CLI exit code, so an unmapped code fails the type check.
 * Keep codes grouped by area, `AREA_WHAT`.
 */
export type ErrorCategory = 'usage' | 'input' | 'transport' | 'integrity' | 'limit' | 'stale' | 'internal';

export const ERROR_CODES = {
  // util
  INTERNAL: 'internal',
  LIMIT_EXCEEDED: 'limit',
  ABORTED: 'internal',

  // cli
  CLI_USAGE: 'usage',

  // image: references
  REFERENCE_INVALID: 'input',
  // image: registry
  REGISTRY_UNAUTHORIZED: 'transport',
  REGISTRY_DENIED: 'transport',
  REGISTRY_NOT_FOUND: 'input',
  REGISTRY_UNREACHABLE: 'transport',
  REGISTRY_TIMEOUT: 'transport',
  REGISTRY_PROTOCOL: 'transport',
  REGISTRY_HTTP: 'transport',
  REGISTRY_UNSUPPORTED: 'transport',
  REGISTRY_TLS: 'transport',
  // image: credentials
  CREDENTIALS_INVALID: 'input',
  CREDENTIALS_HELPER_FAILED: 'transport',
  // image: manifests, blobs, layouts, archives, layers
  IMAGE_DIGEST_MISMATCH: 'integrity',
  IMAGE_SIZE_MISMATCH: 'integrity',
  IMAGE_DIGEST_INVALID: 'input',
  IMAGE_MANIFEST_INVALID: 'input',
  IMAGE_MEDIA_TYPE_UNSUPPORTED: 'input',
  IMAGE_PLATFORM_NOT_FOUND: 'input',
  IMAGE_NOT_FOUND: 'input',
  IMAGE_LAYOUT_INVALID: 'input',
  IMAGE_ARCHIVE_INVALID: 'input',
  IMAGE_SOURCE_UNSUPPORTED: 'input',
  LAYER_COMPRESSION_UNSUPPORTED: 'input',
  LAYER_CORRUPT: 'integrity',
  LAYER_TAR_INVALID: 'input',
  LAYER_PATH_UNSAFE: 'integrity',
  LAYER_LIMIT: 'limit',
  IMAGE_LIMIT: 'limit',

  // inventory
  INVENTORY_PARSE: 'input',
  INVENTORY_LIMIT: 'limit',

  // vulndb
  VULNDB_MISSING: 'stale',
  VULNDB_STALE: 'stale',
  VULNDB_INVALID: 'input',
  VULNDB_VERSION_INVALID: 'input',
  VULNDB_FETCH: 'transport',

  // sign
  SIGN_KEY_INVALID: 'input',
  SIGN_KEY_PASSWORD: 'input',
  SIGN_SIGNATURE_INVALID: 'integrity',
  SIGN_PAYLOAD_INVALID: 'integrity',
  SIGN_KEY_UNSUPPORTED: 'input',
  SIGN_KEY_EXISTS: 'input',
  SIGN_ENVELOPE_INVALID: 'input',
  SIGN_STATEMENT_INVALID: 'input',
  SIGN_BUNDLE_INVALID: 'input',
  SIGN_OPTIONS_INVALID: 'usage',
  SIGN_STORAGE_INVALID: 'integrity',
  SIGN_TRUSTED_ROOT_INVALID: 'input',
  SIGN_IDENTITY_TOKEN_INVALID: 'input',
  SIGN_KEYLESS_SERVICE: 'transport',

  // models
  MODEL_PARSE: 'input',
  MODEL_LIMIT: 'limit',
  MODEL_MANIFEST_INVALID: 'input',

  // policy
  POLICY_INVALID: 'input',
  POLICY_UNSUPPORTED: 'input',

  // scan
  SCAN_SBOM_INVALID: 'input',
  SCAN_SBOM_LIMIT: 'limit',

  // report
  REPORT_IGNORE_INVALID: 'input',
  REPORT_VEX_INVALID: 'input',
  REPORT_OPTIONS_INVALID: 'usage',
  REPORT_LIMIT: 'limit',

  // pin
  PIN_INPUT_INVALID: 'input',

  // admission
  ADMISSION_REVIEW_INVALID: 'input',
  // admission: in-cluster Kubernetes API (pull secrets)
  ADMISSION_KUBE_CONFIG: 'usage',
  ADMISSION_KUBE_UNAUTHORIZED: 'transport',
  ADMISSION_KUBE_NOT_FOUND: 'input',
  ADMISSION_KUBE_UNREACHABLE: 'transport',
  ADMISSION_KUBE_TIMEOUT: 'transport',
  ADMISSION_KUBE_HTTP: 'transport',
  ADMISSION_KUBE_RESPONSE_INVALID: 'transport',
} as const satisfies Record<string, ErrorCategory>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Exit codes from ARCHITECTURE.md: 0 ok, 1 threshold met, 2 usage/input, 3 transport, 4 integrity/limit, 5 stale DB, 70 internal. */
export const EXIT_CODES = {
  usage: 2,
  input: 2,
  transport: 3,
  integrity: 4,
  limit: 4,
  stale: 5,
  internal: 70,
} as const satisfies Record<ErrorCategory, number>;
