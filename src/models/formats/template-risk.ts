// Chat templates are Jinja2: rendering one that reaches Python objects (dunder attributes,
// the attr filter, lipsum/cycler/joiner globals) runs code in non-sandboxed renderers.

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/__\w+__/, 'dunder attribute access'],
  [/\|\s*attr\s*\(/, 'attr filter'],
  [
    /\b(lipsum|cycler|joiner|namespace|self|config|request|url_for|get_flashed_messages)\s*\.\s*_/,
    'template global reaching private attributes',
  ],
  [/\b(lipsum|cycler|joiner)\b/, 'template global with a path to Python functions'],
  [/['"]_['"]\s*\*\s*2|\\x5f|\\u005f|\\137/, 'obfuscated underscore'],
  [/\.\s*(mro|__subclasses__|func_globals|gi_frame|f_globals)\b/, 'introspection'],
  [/\b(os|subprocess|popen|system|eval|exec|import)\s*[.(]/, 'system call'],
];

export function templateRisk(template: string): string | undefined {
  for (const [pattern, why] of PATTERNS) {
    if (pattern.test(template)) return why;
  }
  return undefined;
}
