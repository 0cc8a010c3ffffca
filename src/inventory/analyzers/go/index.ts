export { goBinaryAnalyzer, goModAnalyzer } from './go.ts';
export { readGoBuildInfo, parseModInfo, type GoBuildInfo, type GoModule } from './buildinfo.ts';
export { goBinaryPackages, parseGoBinary } from './go-binary.ts';
export { parseGoMod } from './go-mod.ts';
export { goToolchainSemver } from './go-package.ts';
