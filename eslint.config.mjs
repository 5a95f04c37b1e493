// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapterFiles = [
  'packages/server/src/**/transport/node-*.ts',
  'packages/server/src/media/net/node-udp.ts',
  'packages/server/src/signaling/server.ts',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.denwa/**', 'coverage/**', 'e2e/page/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    // The testkit is test infrastructure (free ports for the peers tests start), like the tests themselves.
    ignores: ['**/*.test.ts', 'packages/testkit/**/*.ts', ...adapterFiles],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:dgram', message: 'Sockets live in the transport adapters only.' },
            { name: 'node:net', message: 'Sockets live in the transport adapters only.' },
            { name: 'ws', message: 'WebSocket binding lives in signaling/server.ts only.' },
          ],
          patterns: [{ group: ['@denwa/testkit'], message: 'Production code never imports the testkit.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'packages/testkit/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'max-lines': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'packages/server/bin/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/server/bin/*.js', 'packages/server/native/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
