// JSON items: Keras configs (config.json in .keras archives, or a bare config) and Hugging Face
// tokenizer configs whose chat_template is rendered as Jinja.
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ByteSource } from '../scan/source.ts';
import { checkKerasConfig, isKerasConfig } from './keras-config.ts';
import { templateRisk } from './template-risk.ts';

export async function scanJsonConfig(ctx: ScanContext, loc: Location, source: ByteSource): Promise<boolean> {
  if (source.size > ctx.limits.maxHeaderBytes) return false;
  let value: unknown;
  try {
    value = JSON.parse(
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(await source.read(0, source.size)),
    );
  } catch {
    return false;
  }
  if (value === null || typeof value !== 'object') return false;
  let matched = false;
  if (isKerasConfig(value)) {
    ctx.formats.add('keras');
    checkKerasConfig(ctx, loc, 'keras', value);
    matched = true;
  }
  const template = (value as Record<string, unknown>)['chat_template'];
  const templates: string[] =
    typeof template === 'string'
      ? [template]
      : Array.isArray(template)
        ? template
            .map((t) => (t as Record<string, unknown> | null)?.['template'])
            .filter((t): t is string => typeof t === 'string')
        : [];
  for (const text of templates) {
    matched = true;
    const risk = templateRisk(text);
    if (risk) {
      emit(ctx, loc, {
        format: 'gguf',
        offset: 0,
        kind: 'gguf-template',
        severity: 'CRITICAL',
        callChain: ['chat_template'],
        message: `chat template reaches Python objects when rendered (${risk})`,
      });
    }
  }
  return matched;
}
