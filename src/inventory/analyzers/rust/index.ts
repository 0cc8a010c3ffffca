export { cargoAuditableAnalyzer, cargoLockAnalyzer } from './rust.ts';
export { parseCargoLock } from './cargo-lock.ts';
export { parseAuditableJson, parseCargoAuditable } from './auditable.ts';
