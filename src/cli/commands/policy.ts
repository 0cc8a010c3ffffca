import type { Command } from 'commander';
import {
  applyPolicies,
  loadPolicies,
  parseYamlDocuments,
  runKyvernoTests,
  type PolicyResponse,
} from '../../policy/index.ts';
import { BosunError } from '../../util/errors.ts';
import { collectYamlFiles, readTextFiles } from '../files.ts';
import { parseFormat } from '../formats.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { resolve } from 'node:path';

export function registerPolicy(program: Command, io: CliIo, outcome: CommandOutcome): void {
  const policy = program.command('policy').description('run Kyverno-compatible policies offline');

  policy
    .command('test')
    .description('run kyverno-test.yaml suites (recursively) and compare with their expected results')
    .argument('<dir...>', 'directories holding kyverno-test.yaml files')
    .option('-o, --output <format>', 'table or json (one record per case)', 'table')
    .option(
      '--allow-unsupported',
      'do not fail on cases Bosun cannot evaluate (they are never counted as passed)',
    )
    .option('--file-name <name>', 'test file name to look for', 'kyverno-test.yaml')
    .addHelpText(
      'after',
      `
Exit codes: 0 every case agrees; 1 a case disagrees, a suite cannot be read, or a case is
unsupported (unless --allow-unsupported).

Examples:
  bosun policy test policies/
  bosun policy test ./kyverno-tests --output json --allow-unsupported`,
    )
    .action(
      async (dirs: string[], flags: { output: string; allowUnsupported?: boolean; fileName: string }) => {
        const format = parseFormat(flags.output, ['table', 'json'] as const);
        let failed = false;
        for (const dir of dirs) {
          const run = await runKyvernoTests(resolve(io.cwd, dir), { fileName: flags.fileName });
          if (format === 'json') {
            io.stdout.write(
              `${JSON.stringify({ dir, summary: run.summary, brokenSuites: run.brokenSuites, cases: run.cases }, null, 2)}\n`,
            );
          } else {
            for (const c of run.cases) {
              if (c.verdict === 'pass') continue;
              io.stdout.write(
                `${c.verdict.toUpperCase().padEnd(11)} ${c.suite}: ${c.policy}/${c.rule} ${c.kind}/${c.resource} expected ${c.expected}, got ${c.actual}${c.reason ? ` (${c.reason})` : ''}\n`,
              );
            }
            for (const b of run.brokenSuites) io.stdout.write(`BROKEN      ${b.suite}: ${b.reason}\n`);
            const s = run.summary;
            io.stdout.write(
              `${dir}: ${s.total} cases, ${s.pass} pass, ${s.fail} fail, ${s.unsupported} unsupported\n`,
            );
          }
          if (run.summary.fail > 0 || run.brokenSuites.length > 0) failed = true;
          if (run.summary.unsupported > 0 && flags.allowUnsupported !== true) failed = true;
          if (run.summary.total === 0 && run.brokenSuites.length === 0) {
            throw new BosunError('CLI_USAGE', `${dir}: no ${flags.fileName} found`);
          }
        }
        outcome.exitCode = failed ? 1 : 0;
      },
    );

  policy
    .command('apply')
    .description('apply policies to resources and report each rule: pass, fail, warn, skip or error')
    .requiredOption('-p, --policy <paths...>', 'policy files or directories')
    .requiredOption('-r, --resource <paths...>', 'resource files or directories')
    .option('-o, --output <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      `
Exit codes: 0 no Enforce rule failed; 1 an Enforce rule failed (Audit failures are reported only).

Examples:
  bosun policy apply -p policies/disallow-latest-tag -r deploy/app.yaml
  bosun policy apply -p my-policies/ -r manifests/ -o json`,
    )
    .action(async (flags: { policy: string[]; resource: string[]; output: string }) => {
      const format = parseFormat(flags.output, ['table', 'json'] as const);
      const policies = loadPolicies(await readTextFiles(await collectYamlFiles(flags.policy, io.cwd)));
      const resources = (await readTextFiles(await collectYamlFiles(flags.resource, io.cwd))).flatMap((f) =>
        parseYamlDocuments(f.text, f.name),
      );
      const responses = await applyPolicies(policies, resources);
      const enforced = responses.some((r) =>
        r.rules.some((rule) => rule.status === 'fail' && rule.action === 'Enforce'),
      );
      io.stdout.write(
        format === 'json' ? `${JSON.stringify(responses.map(summarize), null, 2)}\n` : renderApply(responses),
      );
      outcome.exitCode = enforced ? 1 : 0;
    });
}

function resourceName(r: PolicyResponse): string {
  const meta = (r.resource['metadata'] ?? {}) as { name?: string; namespace?: string };
  const kind = typeof r.resource['kind'] === 'string' ? r.resource['kind'] : 'Unknown';
  return `${kind}/${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '(unnamed)'}`;
}

function summarize(r: PolicyResponse) {
  return { policy: r.policyKey, kind: r.policyKind, resource: resourceName(r), rules: r.rules };
}

function renderApply(responses: readonly PolicyResponse[]): string {
  const lines: string[] = [];
  const counts = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of responses) {
    for (const rule of r.rules) {
      counts[rule.status]++;
      lines.push(
        `${rule.status.toUpperCase().padEnd(5)} ${r.policyKey}/${rule.rule} ${resourceName(r)}${rule.status === 'pass' ? '' : ` [${rule.action}]`}${rule.message ? `: ${rule.message}` : ''}`,
      );
    }
  }
  lines.push(
    `${counts.pass} pass, ${counts.fail} fail, ${counts.warn} warn, ${counts.error} error, ${counts.skip} skip`,
  );
  return `${lines.join('\n')}\n`;
}
