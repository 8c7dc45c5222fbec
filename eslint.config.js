// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Packages that only the UI ring may use. */
const uiOnly = ['react', 'react-dom', 'react-dom/*', 'd3', 'd3-*', 'zustand', 'zustand/*'];
/** Packages that only core (models, hessian, train), the worker and the CLI may use. */
const tfjs = ['@tensorflow/*'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-cli/**',
      'node_modules/**',
      'public/**',
      'test-results/**',
      'docs/**',
      'tmp/**',
      '.device/**',
      '.gl/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core runs unchanged in Node, the worker and tests: no DOM, no UI packages,
    // and no hidden randomness or time (both are injected).
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: uiOnly, message: 'src/core must not depend on UI packages.' },
            {
              group: ['**/app/**', '**/worker/**', '**/cli/**', 'node:*', 'fs', 'path'],
              message: 'src/core is the innermost ring.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded PRNG in src/core/random.' },
        { object: 'Date', property: 'now', message: 'Inject a clock.' },
        { object: 'performance', property: 'now', message: 'Inject a clock.' },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'navigator'],
    },
  },
  {
    // The React side never touches tfjs: training happens in the worker.
    files: ['src/app/**/*.ts', 'src/app/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: tfjs, message: 'The UI never imports tfjs; talk to the worker.' },
            {
              group: [
                '**/core/models/**',
                '**/core/hessian/**',
                '**/core/train/**',
                '**/core/tf/**',
              ],
              message: 'tfjs-backed core modules run in the worker.',
            },
          ],
        },
      ],
    },
  },
);
