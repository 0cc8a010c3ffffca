#!/usr/bin/python3
"""Recipe for the model-scanner corpus: benign checkpoints made by the real libraries and
malicious files for every payload family and published scanner bypass we know of.

Run with Debian's /usr/bin/python3 (python3-torch, python3-numpy, python3-h5py, python3-joblib;
p7zip-full for the 7z case). Files are only written, never loaded: malicious pickles come from
pickle.dumps of objects whose __reduce__ returns the callable (dumping does not call it) or from
opcodes written by hand.

Usage: generate.py OUT_DIR   -> OUT_DIR/benign/*, OUT_DIR/malicious/*, OUT_DIR/manifest.json
"""
import bz2
import collections
import gzip
import io
import json
import lzma
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np
import torch
import h5py
import joblib

OUT = sys.argv[1]
BENIGN = os.path.join(OUT, 'benign')
EVIL = os.path.join(OUT, 'malicious')
os.makedirs(BENIGN, exist_ok=True)
os.makedirs(EVIL, exist_ok=True)
manifest = []


def expect(path, verdict, kind=None, callable_=None):
    entry = {'file': os.path.relpath(path, OUT), 'verdict': verdict}
    if kind:
        entry['kind'] = kind
    if callable_:
        entry['callable'] = callable_
    manifest.append(entry)


def write(directory, name, data, verdict, kind=None, callable_=None):
    path = os.path.join(directory, name)
    with open(path, 'wb') as f:
        f.write(data)
    expect(path, verdict, kind, callable_)
    return path


class Reduce:
    """Pickles as a call of `fn(*args)`; the call happens only when loaded."""

    def __init__(self, fn, *args):
        self.fn = fn
        self.args = args

    def __reduce__(self):
        return (self.fn, self.args)


# Hand-written opcodes ------------------------------------------------------------------------

def sbu(s):  # SHORT_BINUNICODE
    b = s.encode()
    return b'\x8c' + bytes([len(b)]) + b


def glob0(module, name):
    return b'c' + module.encode() + b'\n' + name.encode() + b'\n'


def call0(module, name, arg):
    return glob0(module, name) + b'(' + b"S'" + arg.encode() + b"'\n" + b'tR'


def proto4_stack_global(module, name, arg='id'):
    return b'\x80\x04' + sbu(module) + sbu(name) + b'\x93' + sbu(arg) + b'\x85R.'


# Benign ----------------------------------------------------------------------------------------

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2), torch.nn.BatchNorm1d(2))


def torch_bytes(obj, zipfmt=True, protocol=2):
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=zipfmt, pickle_protocol=protocol)
    return buf.getvalue()


write(BENIGN, 'state_dict_zip.pt', torch_bytes(model.state_dict()), 'pass')
write(BENIGN, 'whole_module_zip.pt', torch_bytes(model), 'pass')
write(BENIGN, 'state_dict_legacy.pt', torch_bytes(model.state_dict(), zipfmt=False), 'pass')
write(BENIGN, 'whole_module_legacy.pt', torch_bytes(model, zipfmt=False), 'pass')
write(BENIGN, 'checkpoint_proto4.bin', torch_bytes({'model': model.state_dict(), 'epoch': 3, 'lr': 0.1}, protocol=4), 'pass')
write(BENIGN, 'extensionless_checkpoint', torch_bytes(model.state_dict()), 'pass')
optim = torch.optim.SGD(model.parameters(), lr=0.1)
write(BENIGN, 'optimizer.pth', torch_bytes({'optimizer': optim.state_dict(), 'steps': torch.tensor([1, 2, 3])}), 'pass')
scripted = torch.jit.script(model.eval())
ts = io.BytesIO()
torch.jit.save(scripted, ts)
write(BENIGN, 'torchscript.pt', ts.getvalue(), 'pass')

for proto in range(0, 6):
    data = pickle.dumps(collections.OrderedDict(a=[1, 2.5, 'x', b'\x00\x01'], b=(None, True), c={'d': {1, 2}}), protocol=proto)
    write(BENIGN, f'plain_proto{proto}.pkl', data, 'pass')
write(BENIGN, 'numpy_in_pickle.pkl', pickle.dumps({'w': np.arange(6, dtype=np.float32).reshape(2, 3)}, protocol=2), 'pass')

buf = io.BytesIO()
np.save(buf, np.arange(12, dtype=np.int16).reshape(3, 4))
write(BENIGN, 'array.npy', buf.getvalue(), 'pass')
buf = io.BytesIO()
np.savez(buf, a=np.ones(4), b=np.zeros((2, 2), dtype=np.uint8))
write(BENIGN, 'arrays.npz', buf.getvalue(), 'pass')
buf = io.BytesIO()
np.savez_compressed(buf, a=np.linspace(0, 1, 50))
write(BENIGN, 'arrays_compressed.npz', buf.getvalue(), 'pass')

for compress, name in [(0, 'plain'), (3, 'zlib'), (('gzip', 3), 'gzip'), (('bz2', 3), 'bz2'), (('xz', 3), 'xz')]:
    path = os.path.join(BENIGN, f'arrays_{name}.joblib')
    joblib.dump({'w': np.arange(100, dtype=np.float64), 'names': ['a', 'b'], 'obj': np.array(['x', 1], dtype=object)}, path, compress=compress)
    expect(path, 'pass')


def safetensors_bytes(tensors, metadata=None, tamper=None):
    header = {}
    offset = 0
    blobs = []
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    if metadata is not None:
        header['__metadata__'] = metadata
    if tamper:
        tamper(header)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(blobs)


good_tensors = {
    'w': ('F32', [2, 3], np.arange(6, dtype='<f4').tobytes()),
    'b': ('I64', [3], np.arange(3, dtype='<i8').tobytes()),
    'h': ('BF16', [4], b'\x00' * 8),
}
write(BENIGN, 'model.safetensors', safetensors_bytes(good_tensors, {'format': 'pt'}), 'pass')

keras_dense = {
    'module': 'keras', 'class_name': 'Sequential', 'registered_name': None,
    'config': {'name': 'seq', 'layers': [
        {'module': 'keras.layers', 'class_name': 'InputLayer', 'registered_name': None, 'config': {'batch_shape': [None, 4]}},
        {'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': None, 'config': {'name': 'd', 'units': 2}},
    ]},
}


def keras_zip(config):
    buf = io.BytesIO()
    weights = io.BytesIO()
    with h5py.File(weights, 'w') as h5:
        h5.create_dataset('layers/dense/vars/0', data=np.ones((4, 2), dtype=np.float32))
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('metadata.json', json.dumps({'keras_version': '3.3.3', 'date_saved': '2024-01-01@00:00:00'}))
        z.writestr('config.json', json.dumps(config))
        z.writestr('model.weights.h5', weights.getvalue())
    return buf.getvalue()


write(BENIGN, 'dense.keras', keras_zip(keras_dense), 'pass')


def keras_h5(path, config):
    with h5py.File(path, 'w') as h5:
        h5.attrs['model_config'] = json.dumps(config)
        h5.attrs['keras_version'] = '2.13.1'
        h5.create_dataset('model_weights/dense/kernel', data=np.ones((4, 2), dtype=np.float32))


legacy_dense = {'class_name': 'Sequential', 'config': {'name': 'seq', 'layers': [{'class_name': 'Dense', 'config': {'name': 'd', 'units': 2}}]}}
path = os.path.join(BENIGN, 'dense.h5')
keras_h5(path, legacy_dense)
expect(path, 'pass')


def gguf_bytes(kvs, tensors=()):
    def s(text):
        b = text.encode()
        return struct.pack('<Q', len(b)) + b
    out = b'GGUF' + struct.pack('<IQQ', 3, len(tensors), len(kvs))
    for key, (vtype, value) in kvs.items():
        out += s(key) + struct.pack('<I', vtype)
        if vtype == 8:
            out += s(value)
        elif vtype == 4:
            out += struct.pack('<I', value)
        elif vtype == 9:
            out += struct.pack('<IQ', 8, len(value)) + b''.join(s(v) for v in value)
    for name, dims, offset in tensors:
        out += s(name) + struct.pack('<I', len(dims)) + b''.join(struct.pack('<Q', d) for d in dims) + struct.pack('<IQ', 0, offset)
    out += b'\x00' * ((32 - len(out) % 32) % 32)
    return out + b'\x00' * 64


good_template = "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
write(BENIGN, 'model.gguf', gguf_bytes({
    'general.architecture': (8, 'llama'),
    'tokenizer.ggml.tokens': (9, ['<s>', '</s>', 'a']),
    'tokenizer.chat_template': (8, good_template),
}, [('w', [4, 4], 0)]), 'pass')


def pb_varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def pb_field(num, payload):
    return pb_varint(num << 3 | 2) + pb_varint(len(payload)) + payload


def onnx_model(location):
    entry = pb_field(1, b'location') + pb_field(2, location.encode())
    tensor = pb_field(8, b'weight') + pb_field(13, entry) + pb_varint(14 << 3) + pb_varint(1)
    graph = pb_field(2, b'g') + pb_field(5, tensor)
    return pb_varint(1 << 3) + pb_varint(8) + pb_field(2, b'bosun-test') + pb_field(7, graph)


write(BENIGN, 'model.onnx', onnx_model('model.onnx.data'), 'pass')
write(BENIGN, 'README.md', b'# A model card\n\nNothing to see.\n', 'pass')
write(BENIGN, 'config.json', json.dumps({'architectures': ['LlamaForCausalLM'], 'hidden_size': 8}).encode(), 'pass')
write(BENIGN, 'tokenizer_config.json', json.dumps({'chat_template': good_template}).encode(), 'pass')
write(BENIGN, 'state_dict.pkl.gz', gzip.compress(pickle.dumps({'a': [1, 2]}, protocol=4)), 'pass')

# Malicious: callables ----------------------------------------------------------------------

import builtins  # noqa: E402
import runpy  # noqa: E402
import webbrowser  # noqa: E402
import socket  # noqa: E402
import importlib  # noqa: E402
import pty  # noqa: E402
import operator  # noqa: E402
import functools  # noqa: E402
import mailcap  # noqa: E402
import pkgutil  # noqa: E402
import multiprocessing.util  # noqa: E402
import code  # noqa: E402
import bdb  # noqa: E402
import ctypes  # noqa: E402
import asyncio.subprocess  # noqa: E402
import timeit  # noqa: E402

gadgets = {
    'os_system': (os.system, 'id'),
    'posix_popen': (os.popen, 'id'),
    'subprocess_popen': (subprocess.Popen, ['id']),
    'subprocess_check_output': (subprocess.check_output, ['id']),
    'builtins_eval': (builtins.eval, '1+1'),
    'builtins_exec': (builtins.exec, 'import os'),
    'builtins_compile': (builtins.compile, 'x', 'f', 'exec'),
    'builtins_open': (builtins.open, '/etc/passwd'),
    'builtins_import': (builtins.__import__, 'os'),
    'runpy_run_path': (runpy.run_path, '/tmp/x.py'),
    'webbrowser_open': (webbrowser.open, 'http://127.0.0.1/'),
    'socket_connection': (socket.create_connection, ('127.0.0.1', 1)),
    'importlib_import': (importlib.import_module, 'os'),
    'pty_spawn': (pty.spawn, 'sh'),
    'shutil_rmtree': (shutil.rmtree, '/tmp/nothing'),
    'operator_attrgetter': (operator.attrgetter, 'system'),
    'functools_partial': (functools.partial, os.system, 'id'),
    'mailcap_findmatch': (mailcap.findmatch, {}, 'text/plain'),
    'pkgutil_resolve_name': (pkgutil.resolve_name, 'os:system'),
    'multiprocessing_spawnv_passfds': (multiprocessing.util.spawnv_passfds, '/bin/sh', ['sh'], ()),
    'code_runsource': (code.InteractiveInterpreter.runsource, None, 'import os'),
    'bdb_run': (bdb.Bdb.run, None, 'import os'),
    'ctypes_cdll': (ctypes.CDLL, 'libc.so.6'),
    'asyncio_subprocess_shell': (asyncio.subprocess.create_subprocess_shell, 'id'),
    'timeit_timeit': (timeit.timeit, 'import os'),
    'sys_exit': (sys.exit, 1),
    'pickle_loads_nested': (pickle.loads, pickle.dumps(Reduce(os.system, 'id'))),
    'torch_load': (torch.load, '/tmp/other.pt'),
    'numpy_load': (np.load, '/tmp/other.npy'),
}
for name, (fn, *args) in gadgets.items():
    for proto in (0, 2, 4):
        try:
            data = pickle.dumps(Reduce(fn, *args), protocol=proto)
        except Exception:  # some callables are not picklable by reference under old protocols
            continue
        write(EVIL, f'{name}_p{proto}.pkl', data, 'fail', 'dangerous-callable')

write(EVIL, 'pip_main.pkl', call0('pip', 'main', 'install'), 'fail', 'dangerous-callable', 'pip.main')
write(EVIL, 'distutils_spawn.pkl', call0('distutils.spawn', 'spawn', 'id'), 'fail', 'dangerous-callable', 'distutils.spawn.spawn')
write(EVIL, 'py2_builtin_eval.pkl', call0('__builtin__', 'eval', '1'), 'fail', 'dangerous-callable', '__builtin__.eval')
write(EVIL, 'py2_commands.pkl', call0('commands', 'getoutput', 'id'), 'fail', 'dangerous-callable')
write(EVIL, 'nt_system.pkl', call0('nt', 'system', 'id'), 'fail', 'dangerous-callable', 'nt.system')
write(EVIL, 'unknown_callable.pkl', call0('mypackage.tools', 'run_me', 'x'), 'fail', 'unknown-callable', 'mypackage.tools.run_me')
write(EVIL, 'unknown_class_main.pkl', b'\x80\x02' + glob0('__main__', 'Net') + b')\x81.', 'fail', 'unknown-callable', '__main__.Net')

# Dotted names walk attributes (protocol 4 find_class): pathlib -> os, numpy -> __builtins__.
write(EVIL, 'dotted_pathlib_os_system.pkl', proto4_stack_global('pathlib', 'os.system'), 'fail', 'dangerous-callable', 'pathlib.os.system')
write(EVIL, 'dotted_numpy_builtins.pkl', proto4_stack_global('numpy', '__builtins__.eval', '1'), 'fail', 'dangerous-callable')
write(EVIL, 'dotted_numpy_testing_os.pkl', proto4_stack_global('numpy.testing._private.utils', 'os.system'), 'fail', 'dangerous-callable')
write(EVIL, 'dotted_code_interpreter.pkl', proto4_stack_global('code', 'InteractiveInterpreter.runsource'), 'fail', 'dangerous-callable')
write(EVIL, 'dotted_torch_class_globals.pkl', proto4_stack_global('torch.nn.modules.linear', 'Linear.__init__.__globals__'), 'fail', 'dangerous-callable')
write(EVIL, 'asyncio_unix_events.pkl', proto4_stack_global('asyncio.unix_events', '_UnixSubprocessTransport'), 'fail', 'dangerous-callable')

# getattr indirection: getattr(__import__('os'), 'system')('id') built from opcodes.
indirect = (b'\x80\x02' + glob0('builtins', 'getattr') + glob0('builtins', '__import__') + sbu('os') + b'\x85R'
            + sbu('system') + b'\x86R' + sbu('id') + b'\x85R.')
write(EVIL, 'getattr_indirection.pkl', indirect, 'fail', 'dangerous-callable', 'builtins.getattr')
# Names assembled from the memo: STACK_GLOBAL fed by BINGET, with a slot overwritten (memo trick).
memo_trick = (b'\x80\x04' + sbu('collections') + b'\x94' + sbu('OrderedDict') + b'\x94' + b'0' + b'0'
              + sbu('os') + b'q\x00' + b'0' + sbu('system') + b'q\x01' + b'0'
              + b'h\x00h\x01\x93' + sbu('id') + b'\x85R.')
write(EVIL, 'memo_overwrite_stack_global.pkl', memo_trick, 'fail', 'dangerous-callable', 'os.system')
# INST, OBJ, NEWOBJ_EX, EXT1, BUILD on an imported object.
write(EVIL, 'inst_opcode.pkl', b'(S\'id\'\nios\nsystem\n.', 'fail', 'dangerous-callable', 'os.system')
write(EVIL, 'obj_opcode.pkl', b'\x80\x02(' + glob0('os', 'system') + sbu('id') + b'o.', 'fail', 'dangerous-callable', 'os.system')
write(EVIL, 'newobj_ex_opcode.pkl', b'\x80\x04' + sbu('subprocess') + sbu('Popen') + b'\x93' + sbu('id') + b'\x85}\x92.', 'fail', 'dangerous-callable')
write(EVIL, 'ext1_opcode.pkl', b'\x80\x02\x82\x01)R.', 'fail', 'unknown-callable')
write(EVIL, 'build_on_global.pkl', b'\x80\x02' + glob0('torch', 'nn') + b'}' + sbu('Module') + b'Ns' + b'b.', 'fail', 'global-mutation')
write(EVIL, 'append_to_sys_path.pkl', b'\x80\x02' + glob0('sys', 'path') + sbu('/tmp/evil') + b'a.', 'fail', 'dangerous-callable')
# Nested loaders: the bytes they load are scanned as files of their own.
inner = pickle.dumps(Reduce(os.system, 'id'))
write(EVIL, 'torch_load_from_bytes_nested.pkl',
      b'\x80\x02' + glob0('torch.storage', '_load_from_bytes') + b'C' + bytes([len(inner)]) + inner + b'\x85R.',
      'fail', 'dangerous-callable', 'posix.system')
write(EVIL, 'pickle_loads_codecs_nested.pkl', pickle.dumps(Reduce(pickle.loads, inner), protocol=2), 'fail', 'dangerous-callable', 'posix.system')

# Stream tricks.
evil = pickle.dumps(Reduce(os.system, 'id'), protocol=2)
write(EVIL, 'payload_then_garbage.pkl', evil[:-1] + b'\xff\xfe garbage', 'fail', 'dangerous-callable')
write(EVIL, 'payload_before_broken_stream.pkl', b'\x80\x02' + glob0('os', 'system') + sbu('id') + b'\x85R' + b'\x8c\xff', 'fail', 'dangerous-callable')
write(EVIL, 'benign_then_evil_concat.pkl', pickle.dumps({'a': 1}, protocol=2) + evil, 'fail', 'dangerous-callable')
write(EVIL, 'unknown_opcode.pkl', b'\x80\x02}\xfe.', 'fail', 'unknown-opcode')
# FRAME length that disagrees with the opcodes it holds (Python and C unpicklers differ).
body = b'}' + sbu('a') + b'K\x01s.'
write(EVIL, 'frame_mismatch.pkl', b'\x80\x04\x95' + struct.pack('<Q', 2) + body, 'fail', 'frame-mismatch')
write(EVIL, 'result_discarded.pkl', b'\x80\x02' + glob0('os', 'system') + sbu('id') + b'\x85R0}.', 'fail', 'dangerous-callable')
write(EVIL, 'stack_global_computed.pkl', b'\x80\x04' + glob0('builtins', 'str') + sbu('os') + b'\x85R' + sbu('system') + b'\x93).', 'fail', 'unresolved-callable')

# Torch containers.
evil_obj = {'state_dict': model.state_dict(), 'hook': Reduce(os.system, 'id')}
write(EVIL, 'torch_zip_evil.pt', torch_bytes(evil_obj), 'fail', 'dangerous-callable', 'posix.system')
write(EVIL, 'torch_legacy_evil.pt', torch_bytes(evil_obj, zipfmt=False), 'fail', 'dangerous-callable', 'posix.system')
write(EVIL, 'renamed_checkpoint', torch_bytes(evil_obj), 'fail', 'dangerous-callable')
write(EVIL, 'evil.safetensors', torch_bytes(evil_obj), 'fail', 'dangerous-callable')


def rezip(data, transform, method=zipfile.ZIP_STORED):
    """Rewrites a zip member by member; transform(name, bytes) -> list of (name, bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', method) as dst:
        for info in src.infolist():
            for name, payload in transform(info.filename, src.read(info)):
                dst.writestr(name, payload)
    return out.getvalue()


good_zip = torch_bytes(model.state_dict())
evil_pkl = pickle.dumps(Reduce(os.system, 'id'), protocol=2)
evil_p0 = pickle.dumps(Reduce(os.system, 'id'), protocol=0)
write(EVIL, 'torch_archive_name_odd.pt', rezip(good_zip, lambda n, b: [('weird dir/x/' + n.split('/', 1)[1], evil_pkl if n.endswith('data.pkl') else b)]), 'fail', 'dangerous-callable')
write(EVIL, 'torch_member_no_pkl_ext.pt', rezip(good_zip, lambda n, b: [(n, b)] + ([(n.replace('data.pkl', 'extra/config.txt'), evil_p0)] if n.endswith('data.pkl') else [])), 'fail', 'dangerous-callable')
write(EVIL, 'torch_p0_in_storage_member.pt', rezip(good_zip, lambda n, b: [(n, evil_p0 + b'\x00' * (2 << 20) if n.endswith('data/0') else b)]), 'fail', 'dangerous-callable')
write(EVIL, 'torch_duplicate_data_pkl.pt', rezip(good_zip, lambda n, b: [(n, b)] + ([(n, evil_pkl)] if n.endswith('data.pkl') else [])), 'fail', 'zip-anomaly')
write(EVIL, 'torch_bz2_member.pt', rezip(good_zip, lambda n, b: [(n, evil_pkl if n.endswith('data.pkl') else b)], zipfile.ZIP_BZIP2), 'fail', 'dangerous-callable')
write(EVIL, 'torch_lzma_member.pt', rezip(good_zip, lambda n, b: [(n, evil_pkl if n.endswith('data.pkl') else b)], zipfile.ZIP_LZMA), 'fail', 'unscannable')


def patch_member(data, name_suffix, patch_local, patch_central):
    """Edits header fields of one member in place: patch_*(bytearray, offset)."""
    data = bytearray(data)
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = next(i for i in z.infolist() if i.filename.endswith(name_suffix))
    patch_local(data, info.header_offset)
    pos = data.find(b'PK\x01\x02')
    while pos >= 0:
        name_len = struct.unpack_from('<H', data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + name_len]).decode().endswith(name_suffix):
            patch_central(data, pos)
        pos = data.find(b'PK\x01\x02', pos + 4)
    return bytes(data)


evil_zip = torch_bytes(evil_obj)


def set_flag(data, at, offset):
    struct.pack_into('<H', data, at + offset, struct.unpack_from('<H', data, at + offset)[0] | 1)


def nothing(_data, _at):
    pass


write(EVIL, 'zip_encrypt_flag.pt', patch_member(evil_zip, 'data.pkl', lambda d, a: set_flag(d, a, 6), lambda d, a: set_flag(d, a, 8)), 'fail', 'dangerous-callable')
write(EVIL, 'zip_bad_crc.pt', patch_member(evil_zip, 'data.pkl', lambda d, a: struct.pack_into('<I', d, a + 14, 0xdeadbeef), lambda d, a: struct.pack_into('<I', d, a + 16, 0xdeadbeef)), 'fail', 'dangerous-callable')
write(EVIL, 'zip_local_name_mismatch.pt', patch_member(evil_zip, 'data.pkl', lambda d, a: d.__setitem__(slice(a + 30, a + 31), b'X'), nothing), 'fail', 'dangerous-callable')
write(EVIL, 'zip_bogus_method.pt', patch_member(evil_zip, 'data.pkl', lambda d, a: struct.pack_into('<H', d, a + 8, 99), nothing), 'fail', 'dangerous-callable')
write(EVIL, 'zip_unknown_method.pt', patch_member(evil_zip, 'data.pkl', lambda d, a: struct.pack_into('<H', d, a + 8, 99), lambda d, a: struct.pack_into('<H', d, a + 10, 99)), 'fail', 'unscannable')
write(EVIL, 'pickle_in_front_of_zip.pt', evil_pkl + good_zip, 'fail', 'dangerous-callable')
write(EVIL, 'zip_then_pickle_polyglot.pt', good_zip[:0] + evil_pkl[:-1] + b'.' + good_zip, 'fail', 'dangerous-callable')
nested = io.BytesIO()
with zipfile.ZipFile(nested, 'w') as z:
    z.writestr('inner/model.pt', evil_zip)
write(EVIL, 'nested_zip.zip', nested.getvalue(), 'fail', 'dangerous-callable')
# A local header that the central directory does not list (streaming readers see it).
hidden = io.BytesIO()
with zipfile.ZipFile(hidden, 'w') as z:
    z.writestr('hidden/data.pkl', evil_pkl)
hidden_member = hidden.getvalue()[:hidden.getvalue().find(b'PK\x01\x02')]
write(EVIL, 'zip_hidden_local_member.pt', hidden_member + good_zip, 'fail', 'dangerous-callable')

# Compressed pickles and joblib.
write(EVIL, 'evil.pkl.gz', gzip.compress(evil_pkl), 'fail', 'dangerous-callable')
write(EVIL, 'evil.pkl.bz2', bz2.compress(evil_pkl), 'fail', 'dangerous-callable')
write(EVIL, 'evil.pkl.xz', lzma.compress(evil_pkl), 'fail', 'dangerous-callable')
write(EVIL, 'evil_truncated.pkl.gz', gzip.compress(evil_pkl + b'\x00' * 4096, compresslevel=0)[:-300], 'fail', 'dangerous-callable')
for compress, name in [(0, 'plain'), (('gzip', 3), 'gzip'), (('xz', 3), 'xz'), (('bz2', 3), 'bz2'), (('zlib', 3), 'zlib'), (('lzma', 3), 'lzma')]:
    path = os.path.join(EVIL, f'evil_{name}.joblib')
    joblib.dump({'w': np.arange(10), 'x': Reduce(os.system, 'id')}, path, compress=compress)
    expect(path, 'fail', 'unscannable' if name == 'lzma' else 'dangerous-callable')
path = os.path.join(EVIL, 'evil_object_array.joblib')
joblib.dump({'w': np.array([Reduce(os.system, 'id')], dtype=object)}, path)
expect(path, 'fail', 'dangerous-callable', 'posix.system')

if shutil.which('7z'):
    work = os.path.join(OUT, 'tmp7z')
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, 'model.pt'), 'wb') as f:
        f.write(evil_zip)
    subprocess.run(['7z', 'a', '-bd', '-y', os.path.join(EVIL, 'model.7z'), 'model.pt'], cwd=work, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(work)
    expect(os.path.join(EVIL, 'model.7z'), 'fail', 'unscannable')

# NumPy.
buf = io.BytesIO()
np.save(buf, np.array([Reduce(os.system, 'id'), 1], dtype=object), allow_pickle=True)
write(EVIL, 'object_array.npy', buf.getvalue(), 'fail', 'dangerous-callable', 'posix.system')
buf = io.BytesIO()
np.savez(buf, ok=np.ones(2), bad=np.array([Reduce(os.system, 'id')], dtype=object))
write(EVIL, 'object_array.npz', buf.getvalue(), 'fail', 'dangerous-callable')

# safetensors that break the spec.
write(EVIL, 'overlap.safetensors', safetensors_bytes(good_tensors, None, lambda h: h['b'].update(data_offsets=[0, 24])), 'fail', 'safetensors-invalid')
write(EVIL, 'offset_past_end.safetensors', safetensors_bytes(good_tensors, None, lambda h: h['h'].update(data_offsets=[48, 4096])), 'fail', 'safetensors-invalid')
write(EVIL, 'shape_mismatch.safetensors', safetensors_bytes(good_tensors, None, lambda h: h['w'].update(shape=[3, 3])), 'fail', 'safetensors-invalid')
write(EVIL, 'metadata_not_string.safetensors', safetensors_bytes(good_tensors, {'a': {'nested': 1}}), 'fail', 'safetensors-invalid')
write(EVIL, 'safetensors_trailing_pickle.safetensors', safetensors_bytes(good_tensors) + evil_pkl, 'fail', 'safetensors-invalid')

# Keras.
lam = {'module': 'keras.layers', 'class_name': 'Lambda', 'registered_name': None,
       'config': {'name': 'lam', 'function': {'class_name': '__lambda__', 'config': {'code': 'YmFkCg=='}}}}
nested_keras = json.loads(json.dumps(keras_dense))
nested_keras['config']['layers'].append({'module': 'keras', 'class_name': 'Functional', 'registered_name': None,
                                         'config': {'name': 'sub', 'layers': [lam]}})
write(EVIL, 'nested_lambda.keras', keras_zip(nested_keras), 'fail', 'keras-lambda')
custom = json.loads(json.dumps(keras_dense))
custom['config']['layers'].append({'module': 'evil_pkg.layers', 'class_name': 'Backdoor', 'registered_name': 'evil_pkg>Backdoor', 'config': {}})
write(EVIL, 'custom_object.keras', keras_zip(custom), 'fail', 'keras-custom-object')
legacy_lambda = {'class_name': 'Sequential', 'config': {'name': 's', 'layers': [{'class_name': 'Lambda', 'config': {'name': 'l', 'function': ['4wEAAAAAAAAA', None, None]}}]}}
path = os.path.join(EVIL, 'lambda.h5')
keras_h5(path, legacy_lambda)
expect(path, 'fail', 'keras-lambda')

# GGUF and ONNX.
evil_template = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
write(EVIL, 'template.gguf', gguf_bytes({'general.architecture': (8, 'llama'), 'tokenizer.chat_template': (8, evil_template)}), 'fail', 'gguf-template')
write(EVIL, 'truncated.gguf', gguf_bytes({'general.architecture': (8, 'llama')})[:40] + struct.pack('<Q', 1 << 40), 'fail', 'gguf-invalid')
write(EVIL, 'tokenizer_config.json', json.dumps({'chat_template': evil_template}).encode(), 'fail', 'gguf-template')
write(EVIL, 'escape.onnx', onnx_model('../../../etc/passwd'), 'fail', 'onnx-external-data')
write(EVIL, 'absolute.onnx', onnx_model('/etc/shadow'), 'fail', 'onnx-external-data')

with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
