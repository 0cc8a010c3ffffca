export {
  isPythonMetadata,
  isRequirementsFile,
  pythonInstalledAnalyzer,
  pythonLockAnalyzer,
} from './python.ts';
export { parsePythonMetadata } from './metadata.ts';
export { parseRequirements } from './requirements.ts';
export { parsePoetryLock } from './poetry-lock.ts';
export { parsePipfileLock } from './pipfile-lock.ts';
export { parseUvLock } from './uv-lock.ts';
