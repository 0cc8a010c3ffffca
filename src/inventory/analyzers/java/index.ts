export { javaArchiveAnalyzer, isJavaArchivePath } from './java.ts';
export {
  DEFAULT_JAVA_LIMITS,
  parseJavaArchive,
  splitJarFileName,
  type JavaArchiveResult,
  type JavaLimits,
  type JavaProblem,
} from './java-archive.ts';
export {
  DEFAULT_ZIP_LIMITS,
  isZip,
  listZipEntries,
  readZipEntry,
  type ZipEntry,
  type ZipLimits,
} from './zip.ts';
