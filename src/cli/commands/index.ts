import type { Command } from 'commander';
import type { CliIo, CommandOutcome } from '../io.ts';
import { registerInspect } from './inspect.ts';
import { registerResolve } from './resolve.ts';
import { registerPolicy } from './policy.ts';
import { registerGenerateKeyPair } from './generate-key-pair.ts';
import { registerSign } from './sign.ts';
import { registerVerify } from './verify.ts';
import { registerAttest } from './attest.ts';
import { registerVerifyAttestation } from './verify-attestation.ts';
import { registerModel } from './model.ts';
import { registerImage } from './image.ts';
import { registerFs } from './fs.ts';
import { registerSbom } from './sbom.ts';
import { registerSbomScan } from './sbom-scan.ts';
import { registerDb } from './db.ts';
import { registerPin } from './pin.ts';
import { registerWebhook } from './webhook.ts';
import { registerDemo } from './demo.ts';

/** Explicit list of commands; each module adds one verb (or one verb group). */
export function registerCommands(program: Command, io: CliIo, outcome: CommandOutcome): void {
  registerInspect(program, io, outcome);
  registerResolve(program, io, outcome);
  registerPolicy(program, io, outcome);
  registerGenerateKeyPair(program, io, outcome);
  registerSign(program, io, outcome);
  registerVerify(program, io, outcome);
  registerAttest(program, io, outcome);
  registerVerifyAttestation(program, io, outcome);
  registerModel(program, io, outcome);
  registerImage(program, io, outcome);
  registerFs(program, io, outcome);
  registerSbom(program, io, outcome);
  registerSbomScan(program, io, outcome);
  registerDb(program, io, outcome);
  registerPin(program, io, outcome);
  registerWebhook(program, io, outcome);
  registerDemo(program, io, outcome);
}
