// The in-cluster configuration client-go uses: the API server from KUBERNETES_SERVICE_HOST/PORT,
// the service account token, CA and namespace from the mounted files. The environment is passed
// in (the CLI hands process.env over); nothing here reads process state.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BosunError } from '../../util/errors.ts';
import type { KubeClientOptions } from './kube-client.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterConfig extends KubeClientOptions {
  readonly tokenFile: string;
  /** The pod's own namespace (from the `namespace` file), when mounted. */
  readonly namespace?: string;
}

function notInCluster(why: string, input: string): BosunError {
  return new BosunError('ADMISSION_KUBE_CONFIG', `not running in a Kubernetes cluster: ${why}`, {
    details: { input },
  });
}

/** Options for createKubeClient from `env` and the service account files under `dir`. */
export async function inClusterConfig(
  env: Readonly<Record<string, string | undefined>>,
  dir: string = SERVICE_ACCOUNT_DIR,
): Promise<InClusterConfig> {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (host === undefined || host === '' || port === undefined || port === '')
    throw notInCluster('KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set', 'env');
  if (!/^\d{1,5}$/u.test(port)) throw notInCluster('KUBERNETES_SERVICE_PORT is not a port', 'env');
  const tokenFile = join(dir, 'token');
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      throw notInCluster(`cannot read the service account file ${name}`, join(dir, name));
    }
  };
  const token = (await read('token')).trim();
  if (token === '') throw notInCluster('the service account token is empty', tokenFile);
  const caPem = await read('ca.crt');
  const namespace = await read('namespace').then(
    (n) => n.trim(),
    () => undefined,
  );
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    apiServer: `https://${hostPart}:${port}`,
    tokenFile,
    caPem,
    ...(namespace === undefined || namespace === '' ? {} : { namespace }),
  };
}
