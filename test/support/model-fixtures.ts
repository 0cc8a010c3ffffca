/**
 * Model-like files written by Debian's Python (/usr/bin/python3 with python3-numpy, python3-h5py,
 * python3-joblib): real pickle, NumPy, HDF5 and joblib files. PyTorch and Keras 3 archives,
 * safetensors, GGUF and ONNX are laid out by Python's zipfile/struct per each format's spec
 * (torch, keras, safetensors and onnx are not installed). Cached in `.cache/fixtures/models/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/models/', import.meta.url));
const PYTHON = '/usr/bin/python3';

export function modelPythonAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy, h5py, joblib'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const SCRIPT = String.raw`
import json, pickle, struct, sys, zipfile, io
import numpy as np, h5py, joblib
out = sys.argv[1]
data = {"weights": [1.0, 2.0], "name": "m"}
for proto in (0, 2, 4, 5):
    with open(out + "p%d.pkl" % proto, "wb") as f:
        pickle.dump(data, f, protocol=proto)
np.save(out + "arr.npy", np.arange(10))
np.savez(out + "arrs.npz", a=np.arange(3), b=np.ones(2))
with h5py.File(out + "model.h5", "w") as f:
    f.create_dataset("dense/kernel", data=np.ones((2, 2)))
joblib.dump(data, out + "model.joblib")
joblib.dump(data, out + "model-z.joblib", compress=3)
# PyTorch >= 1.6 layout: <name>/data.pkl, <name>/data/<n>, <name>/version
with zipfile.ZipFile(out + "model.pt", "w", zipfile.ZIP_STORED) as z:
    z.writestr("model/data.pkl", pickle.dumps(data, protocol=2))
    z.writestr("model/data/0", b"\0" * 16)
    z.writestr("model/version", "3\n")
# Legacy torch.save: magic number pickled first with protocol 2.
with open(out + "legacy.pth", "wb") as f:
    pickle.dump(0x1950a86a20f9469cfc6c, f, protocol=2)
    pickle.dump(data, f, protocol=2)
# Keras 3 archive.
buf = io.BytesIO()
with h5py.File(buf, "w") as h:
    h.create_dataset("v", data=np.ones(2))
with zipfile.ZipFile(out + "model.keras", "w") as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
    z.writestr("config.json", json.dumps({"class_name": "Sequential"}))
    z.writestr("model.weights.h5", buf.getvalue())
# safetensors: u64 LE header length, JSON header, tensor bytes.
header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
with open(out + "model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1, 2))
# GGUF v3: magic, version, tensor count, metadata kv count.
with open(out + "model.gguf", "wb") as f:
    f.write(b"GGUF" + struct.pack("<IQQ", 3, 0, 0))
# ONNX ModelProto: field 1 ir_version=8 (0x08 0x08), field 2 producer_name.
with open(out + "model.onnx", "wb") as f:
    f.write(b"\x08\x08\x12\x05bosun")
# A .bin that is a PyTorch zip, one that is firmware-like noise, and a zip that is not a model.
with zipfile.ZipFile(out + "pytorch_model.bin", "w") as z:
    z.writestr("archive/data.pkl", pickle.dumps(data, protocol=2))
with open(out + "firmware.bin", "wb") as f:
    f.write(bytes(range(256)) * 4)
with zipfile.ZipFile(out + "other.ckpt", "w") as z:
    z.writestr("readme.txt", "hello")
`;

export function modelFixtureDir(): string {
  if (existsSync(`${ROOT}.done`)) return ROOT;
  mkdirSync(ROOT, { recursive: true });
  execFileSync(PYTHON, ['-c', SCRIPT, ROOT], { stdio: 'pipe', timeout: 120_000 });
  writeFileSync(`${ROOT}.done`, '');
  return ROOT;
}
