// The current policy set of a running webhook: loaded at start, reloaded when files change; a
// set that fails to load keeps the last good one and the error is reported (readiness, logs).
import { isBosunError } from '../../util/errors.ts';
import { loadPolicies, type LoadOptions } from '../../policy/index.ts';
import { PolicyAdmissionEngine, type PolicyEngineOptions } from '../engine/policy-engine.ts';
import type { AdmissionPolicyEngine } from '../engine/types.ts';
import { readPolicyFiles } from './policy-files.ts';

export interface PolicyLoadStatus {
  readonly ok: boolean;
  readonly policies: number;
  readonly fingerprint?: string;
  readonly loadedAt?: string;
  /** The last load error (code and message), kept until a load succeeds. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface PolicyStoreOptions extends PolicyEngineOptions {
  readonly paths: readonly string[];
  readonly load?: LoadOptions;
  readonly now?: () => Date;
}

export class PolicyStore {
  #engine: AdmissionPolicyEngine | undefined;
  #status: PolicyLoadStatus = { ok: false, policies: 0 };
  #fingerprint: string | undefined;
  #loading: Promise<PolicyLoadStatus> | undefined;
  readonly #options: PolicyStoreOptions;
  /** Called after each attempt that changed something (success or failure). */
  onReload: ((status: PolicyLoadStatus) => void) | undefined;

  constructor(options: PolicyStoreOptions) {
    this.#options = options;
  }

  get engine(): AdmissionPolicyEngine | undefined {
    return this.#engine;
  }

  get status(): PolicyLoadStatus {
    return this.#status;
  }

  /** Reloads when the files changed; concurrent calls share one attempt. */
  reload(): Promise<PolicyLoadStatus> {
    this.#loading ??= this.#reload().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #reload(): Promise<PolicyLoadStatus> {
    let fingerprint: string | undefined;
    try {
      const files = await readPolicyFiles(this.#options.paths);
      fingerprint = files.fingerprint;
      if (fingerprint === this.#fingerprint) return this.#status;
      const loaded = loadPolicies(files.sources, { strict: true, ...this.#options.load });
      this.#engine = new PolicyAdmissionEngine(loaded, this.#options);
      this.#fingerprint = fingerprint;
      this.#status = {
        ok: true,
        policies: loaded.policies.length,
        fingerprint,
        loadedAt: (this.#options.now?.() ?? new Date()).toISOString(),
      };
    } catch (error) {
      // Remember the bad fingerprint so an unchanged bad set is not re-reported on every poll.
      if (fingerprint !== undefined && fingerprint === this.#fingerprint) return this.#status;
      if (fingerprint !== undefined) this.#fingerprint = fingerprint;
      this.#status = {
        ...this.#status,
        ok: false,
        error: {
          code: isBosunError(error) ? error.code : 'INTERNAL',
          message: error instanceof Error ? error.message.slice(0, 500) : 'unknown error',
        },
      };
    }
    this.onReload?.(this.#status);
    return this.#status;
  }
}
