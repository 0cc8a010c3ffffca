export { modelFilesAnalyzer, isModelPath, MAX_MAGIC_BYTES } from './model-files.ts';
export { formatFromExtension, formatFromMagic } from './detect.ts';
