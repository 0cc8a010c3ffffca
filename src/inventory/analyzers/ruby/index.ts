export { gemfileLockAnalyzer, gemspecAnalyzer, isInstalledGemspec } from './ruby.ts';
export { parseGemspec } from './gemspec.ts';
export { parseGemfileLock } from './gemfile-lock.ts';
