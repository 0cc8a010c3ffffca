// Lint: TypeScript rules plus the layer boundaries of ARCHITECTURE.md, enforced by path zones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// Which capability folders each folder may import from (besides itself). Dependencies point down.
const layers = {
  util: [],
  image: ['util'],
  inventory: ['image', 'util'],
  models: ['image', 'util'],
  vulndb: ['inventory', 'util'],
  sign: ['image', 'util'],
  scan: ['inventory', 'vulndb', 'models', 'image', 'util'],
  report: ['scan', 'inventory', 'vulndb', 'models', 'util'],
  policy: ['scan', 'sign', 'inventory', 'vulndb', 'models', 'image', 'util'],
  admission: ['policy', 'scan', 'sign', 'models', 'image', 'util'],
  pin: ['image', 'util'],
  cli: [
    'admission',
    'pin',
    'policy',
    'report',
    'scan',
    'sign',
    'vulndb',
    'models',
    'inventory',
    'image',
    'util',
  ],
};
const all = Object.keys(layers);

const zones = [];
for (const [target, allowed] of Object.entries(layers)) {
  for (const from of all) {
    if (from === target) continue;
    if (!allowed.includes(from)) {
      zones.push({
        target: `./src/${target}`,
        from: `./src/${from}`,
        message: `src/${target} may not import src/${from} (see ARCHITECTURE.md).`,
      });
    } else if (from !== 'util') {
      // Another capability is entered only through its index.ts.
      zones.push({
        target: `./src/${target}`,
        from: `./src/${from}`,
        except: ['./index.ts'],
        message: `import src/${from} through its index.ts.`,
      });
    }
  }
}

export default tseslint.config(
  { ignores: ['dist/**', '.tools/**', 'node_modules/**', 'coverage/**', '.cache/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a string-literal union instead of enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { maxDepth: 8, ignoreExternal: true }],
    },
    settings: {
      'import-x/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only the CLI exits the process.' },
        { object: 'process', property: 'env', message: 'Library code takes options, not environment.' },
        { object: 'process', property: 'argv', message: 'Library code takes options, not argv.' },
      ],
    },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts', 'test/support/summary-reporter.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
