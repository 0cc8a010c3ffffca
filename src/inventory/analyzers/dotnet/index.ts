export { dotnetDepsAnalyzer, nugetLockAnalyzer, parseDepsJson, parseNugetLock } from './dotnet.ts';
