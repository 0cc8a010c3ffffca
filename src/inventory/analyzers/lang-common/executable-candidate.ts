import { baseName } from './file-analyzer.ts';

/** Largest file the binary analyzers buffer; bigger files are not asked for. */
export const MAX_BINARY_BYTES = 256 * 1024 * 1024;

// The layer walker decides from path and size only (no mode bits), so binary analyzers ask for
// every file that could be an executable and rule out what surely is not: data, text and source
// extensions, and trees that hold no programs.
const NOT_BINARY_EXT =
  /\.(txt|md|rst|json|ya?ml|toml|xml|html?|css|m?js|cjs|ts|map|py|pyc|pyo|pyi|rb|pl|pm|php|java|class|jar|war|ear|c|h|cc|cpp|hpp|go|rs|mod|sum|lock|sh|bash|conf|cfg|ini|properties|csv|tsv|svg|png|jpe?g|gif|ico|bmp|webp|pdf|gz|bz2|xz|zst|zip|tar|tgz|deb|rpm|apk|whl|egg|mo|po|pot|gmo|a|o|so|ko|la|pc|cmake|mk|am|m4|el|elc|vim|list|md5sums|conffiles|dat|db|sqlite|pem|crt|key|pub|log|gemspec|pkl|pt|pth|safetensors|gguf|onnx|h5|npy|npz|ttf|otf|woff2?|[1-9])$/i;
const NOT_BINARY_DIR =
  /^(usr\/share|usr\/include|etc|var\/lib\/(dpkg|apt|rpm)|var\/cache|var\/log|proc|sys|dev)\/|(^|\/)(node_modules|site-packages|dist-packages|__pycache__|\.git)\//;

/** Whether a file may be an executable worth reading for embedded build metadata. */
export function isExecutableCandidate(path: string, size: number): boolean {
  if (size < 512 || size > MAX_BINARY_BYTES) return false;
  if (NOT_BINARY_DIR.test(path)) return false;
  return !NOT_BINARY_EXT.test(baseName(path));
}
