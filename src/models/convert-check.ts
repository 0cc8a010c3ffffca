// "Can this pickle checkpoint be converted to safetensors as is?" — true only when every
// callable it imports rebuilds tensors or plain containers (no module classes, no numpy
// objects, nothing else), i.e. torch.load(weights_only=True) territory.
import type { ModelFinding, ModelScanOptions } from './types.ts';
import { scanModelFile } from './scan/scan-file.ts';

const TENSOR_ONLY = [
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._tensor._rebuild_from_type_v2',
  'torch.nn.parameter.Parameter',
  'torch.Size',
  'torch.device',
  'torch.serialization._get_layout',
  ...['Float', 'Double', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'].map(
    (t) => `torch.${t}Storage`,
  ),
  ...[
    'float32',
    'float64',
    'float16',
    'bfloat16',
    'int64',
    'int32',
    'int16',
    'int8',
    'uint8',
    'bool',
    'strided',
  ].map((t) => `torch.${t}`),
];

export interface ConvertCheckResult {
  readonly file: string;
  readonly tensorsOnly: boolean;
  /** Callables outside the tensor-only set, and anything else that blocks conversion. */
  readonly blockers: readonly ModelFinding[];
}

export async function convertCheck(
  path: string,
  options: Omit<ModelScanOptions, 'allow'> = {},
): Promise<ConvertCheckResult> {
  const result = await scanModelFile(path, { ...options, allow: { presets: [], globals: TENSOR_ONLY } });
  const pickled = result.formats.some((f) => f === 'pickle' || f === 'torch-zip' || f === 'torch-legacy');
  const blockers = result.findings.filter((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH');
  return { file: path, tensorsOnly: pickled && blockers.length === 0, blockers };
}
