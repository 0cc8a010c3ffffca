export {
  composerInstalledAnalyzer,
  composerLockAnalyzer,
  parseComposerInstalled,
  parseComposerLock,
} from './composer.ts';
