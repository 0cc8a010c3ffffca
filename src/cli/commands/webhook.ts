import type { Command } from 'commander';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  createKubeClient,
  createNamespaceLookup,
  createPullSecretFacts,
  inClusterConfig,
  startWebhookServer,
  webhookManifests,
  type NoMatchMode,
} from '../../admission/index.ts';
import { CachedImageFacts, RegistryImageFacts } from '../../policy/index.ts';
import { BosunError } from '../../util/errors.ts';
import { collectYamlFiles } from '../files.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { imageOpenOptions } from '../image-options.ts';

const NO_MATCH = ['allow', 'warn', 'deny'] as const;
const FAILURE = ['Fail', 'Ignore'] as const;

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BosunError('CLI_USAGE', `${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

function portNumber(value: string): number {
  const n = Number(value);
  // 0 asks the OS for a free port (tests, local runs); the listening URL is logged.
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new BosunError('CLI_USAGE', `--port must be a port number from 0 to 65535`);
  return n;
}

function positiveInt(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max)
    throw new BosunError('CLI_USAGE', `${flag} must be a whole number from 1 to ${max}`);
  return n;
}

export function registerWebhook(program: Command, io: CliIo, outcome: CommandOutcome): void {
  const webhook = program.command('webhook').description('the Kubernetes admission webhook');

  webhook
    .command('serve')
    .description('serve AdmissionReview v1 over HTTPS at /validate and /mutate')
    .requiredOption('--policies <paths...>', 'policy files or directories (reloaded on change)')
    .requiredOption('--tls-cert <file>', 'serving certificate (PEM; reloaded on change)')
    .requiredOption('--tls-key <file>', 'serving key (PEM; reloaded on change)')
    .option('--port <port>', 'HTTPS port', '8443')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--deadline-ms <ms>', "per-request deadline, below the webhook's timeoutSeconds", '8000')
    // commander files a `--no-*` option under the name without `no-`: the value arrives as `match`.
    .option('--no-match <mode>', 'images no policy covers: allow, warn or deny', 'allow')
    .option(
      '--failure-policy <policy>',
      'when a registry cannot be reached and the policy does not say: Fail or Ignore',
      'Fail',
    )
    .option('--docker-config <dir>', 'directory of a docker config.json with registry credentials')
    .option(
      '--pull-secret <file>',
      'Kubernetes dockerconfigjson Secret with registry credentials (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option(
      '--registry-ca <file>',
      'extra CA for registries (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option(
      '--pull-secrets-from-api',
      "read each pod's imagePullSecrets through the Kubernetes API (in-cluster service account)",
    )
    .option(
      '--namespaces-from-api',
      'read namespace labels through the Kubernetes API for policies with a namespaceSelector or namespaceObject',
    )
    .option('--audit-file <file>', 'append decision records (JSON lines) to this file (default: stdout)')
    .addHelpText(
      'after',
      `
With --pull-secrets-from-api the pod's own pull secrets are tried before --docker-config and
--pull-secret; lookups made with them are cached per namespace and secret names, never shared.
With --namespaces-from-api a request's namespace is read (cached 30 s) when a policy selects by
namespaceSelector or reads namespaceObject; a failed read is an error under --failure-policy.

Logs are JSON lines on stderr; decisions (one JSON line per request, never secrets) on stdout
or --audit-file. SIGTERM/SIGINT stop the server gracefully.

Examples:
  bosun webhook serve --policies /policies --tls-cert /tls/tls.crt --tls-key /tls/tls.key
  bosun webhook serve --policies policies/ --tls-cert cert.pem --tls-key key.pem --no-match deny`,
    )
    .action(
      async (flags: {
        policies: string[];
        tlsCert: string;
        tlsKey: string;
        port: string;
        host: string;
        deadlineMs: string;
        match: string;
        failurePolicy: string;
        dockerConfig?: string;
        pullSecret: string[];
        registryCa: string[];
        pullSecretsFromApi?: boolean;
        namespacesFromApi?: boolean;
        auditFile?: string;
      }) => {
        const port = portNumber(flags.port);
        const deadlineMs = positiveInt('--deadline-ms', flags.deadlineMs, 30_000);
        const noMatch: NoMatchMode = oneOf('--no-match', flags.match, NO_MATCH);
        const failurePolicy = oneOf('--failure-policy', flags.failurePolicy, FAILURE);
        const open = await imageOpenOptions(
          {
            ...(flags.dockerConfig === undefined ? {} : { dockerConfig: flags.dockerConfig }),
            pullSecret: flags.pullSecret,
            caFile: flags.registryCa,
          },
          io,
        );
        const registryOptions = {
          ...(open.registry?.credentials === undefined ? {} : { credentials: open.registry.credentials }),
          ...(open.registry?.caPems === undefined ? {} : { caPems: open.registry.caPems }),
        };
        // Outside a cluster this fails with ADMISSION_KUBE_CONFIG (exit 2) before anything listens.
        const kube =
          flags.pullSecretsFromApi === true || flags.namespacesFromApi === true
            ? createKubeClient(await inClusterConfig(io.env))
            : undefined;
        const namespaces =
          kube !== undefined && flags.namespacesFromApi === true
            ? createNamespaceLookup({ kube })
            : undefined;
        const registryFacts = new RegistryImageFacts(registryOptions);
        const facts = new CachedImageFacts(registryFacts);
        const pullSecrets =
          kube === undefined || flags.pullSecretsFromApi !== true
            ? undefined
            : createPullSecretFacts({ kube, shared: facts, registry: registryOptions });
        const audit =
          flags.auditFile === undefined
            ? undefined
            : createWriteStream(resolve(io.cwd, flags.auditFile), { flags: 'a' });
        const writeAudit = (line: string): void => {
          if (audit) audit.write(line);
          else io.stdout.write(line);
        };
        const server = await startWebhookServer({
          tls: { certFile: resolve(io.cwd, flags.tlsCert), keyFile: resolve(io.cwd, flags.tlsKey) },
          policyPaths: flags.policies.map((p) => resolve(io.cwd, p)),
          facts,
          ...(pullSecrets === undefined ? {} : { factsFor: pullSecrets.factsFor }),
          ...(namespaces === undefined ? {} : { namespaceFor: namespaces.get }),
          apiReadStats: {
            ...(namespaces === undefined ? {} : { namespaces: () => namespaces.stats }),
            ...(pullSecrets === undefined ? {} : { pullSecretScopes: () => pullSecrets.scopes }),
          },
          port,
          host: flags.host,
          noMatch,
          failurePolicy,
          deadlineMs,
          log: (entry) =>
            io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
          audit: (record) => writeAudit(`${JSON.stringify(record)}\n`),
        });
        io.stderr.write(
          `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', url: server.url })}\n`,
        );
        const signals = ['SIGTERM', 'SIGINT'] as const;
        await Promise.race(signals.map((s) => once(process, s)));
        await server.close();
        await registryFacts.close();
        await pullSecrets?.close();
        kube?.close();
        audit?.end();
        outcome.exitCode = 0;
      },
    );

  webhook
    .command('manifests')
    .description(
      'print ready-to-apply YAML: namespace, RBAC, Deployment, Service, webhook configurations, policies, TLS',
    )
    .option('--namespace <ns>', 'namespace to install into', 'bosun-system')
    .option('--name <name>', 'name of the Deployment, Service and webhook configurations', 'bosun-webhook')
    .option('--image <ref>', 'Bosun image (pin it by digest)')
    .option('--replicas <n>', 'replicas (2 or more for availability)', '2')
    .option('--policies <paths...>', 'policy files or directories to ship in the ConfigMap')
    .option(
      '--failure-policy <policy>',
      "API server's behaviour when Bosun does not answer: Fail or Ignore",
      'Fail',
    )
    .option(
      '--policy-failure-policy <policy>',
      'default for policies that do not set one: Fail or Ignore',
      'Fail',
    )
    .option('--timeout-seconds <s>', 'webhook timeoutSeconds (1-30)', '10')
    .option('--no-match <mode>', 'images no policy covers: allow, warn or deny', 'allow')
    .option(
      '--registry-secret <name>',
      'a dockerconfigjson Secret in the namespace with registry credentials',
    )
    .option(
      '--pull-secrets-from-api',
      "let the webhook read pods' imagePullSecrets (ClusterRole to get secrets, service account token)",
    )
    .option(
      '--namespaces-from-api',
      'let the webhook read namespace labels for namespaceSelector (ClusterRole to get namespaces)',
    )
    .option('--no-mutate', 'do not register the mutating webhook (digest pinning)')
    .addHelpText(
      'after',
      `
A CA and serving certificate for the Service's DNS names are generated on each run and the CA
is injected as caBundle; apply the output as a whole.

Examples:
  bosun webhook manifests --policies policies/ --image registry.example.com/bosun@sha256:... | kubectl apply -f -
  bosun webhook manifests --namespace security --no-match deny --failure-policy Ignore`,
    )
    .action(
      async (flags: {
        namespace: string;
        name: string;
        image?: string;
        replicas: string;
        policies?: string[];
        failurePolicy: string;
        policyFailurePolicy: string;
        timeoutSeconds: string;
        match: string;
        registrySecret?: string;
        pullSecretsFromApi?: boolean;
        namespacesFromApi?: boolean;
        mutate: boolean;
      }) => {
        const policies: Record<string, string> = {};
        if (flags.policies !== undefined) {
          for (const file of await collectYamlFiles(flags.policies, io.cwd)) {
            if (basename(file) === 'kyverno-test.yaml') continue;
            let name = basename(file);
            for (let i = 2; name in policies; i++) name = `${i}-${basename(file)}`;
            policies[name] = await readFile(file, 'utf8');
          }
        }
        const manifests = webhookManifests({
          namespace: flags.namespace,
          name: flags.name,
          ...(flags.image === undefined ? {} : { image: flags.image }),
          replicas: positiveInt('--replicas', flags.replicas, 100),
          policies,
          failurePolicy: oneOf('--failure-policy', flags.failurePolicy, FAILURE),
          policyFailurePolicy: oneOf('--policy-failure-policy', flags.policyFailurePolicy, FAILURE),
          timeoutSeconds: positiveInt('--timeout-seconds', flags.timeoutSeconds, 30),
          noMatch: oneOf('--no-match', flags.match, NO_MATCH),
          ...(flags.registrySecret === undefined ? {} : { registrySecret: flags.registrySecret }),
          ...(flags.pullSecretsFromApi === true ? { pullSecretsFromApi: true } : {}),
          ...(flags.namespacesFromApi === true ? { namespacesFromApi: true } : {}),
          mutate: flags.mutate,
        });
        io.stdout.write(manifests.yaml);
        outcome.exitCode = 0;
      },
    );
}
