// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '.bench-build/**', 'node_modules/**', 'data/**', 'docs/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    // The domain is pure: no I/O, no frameworks. Adapters depend on it, never the reverse.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['botbuilder', 'botbuilder-*', 'botframework-*'], message: 'src/domain must not depend on botbuilder.' },
          { group: ['restify', 'restify-*'], message: 'src/domain must not depend on restify.' },
          { group: ['lowdb', 'lowdb/*'], message: 'src/domain must not depend on lowdb.' },
          { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:http', 'node:net', 'node:child_process'], message: 'src/domain must not do I/O.' },
          { group: ['../app/*', '../bot/*', '../store/*', '../cards/*', '../exchange/*', '../notify/*'], message: 'src/domain must not import outer layers.' },
        ],
      }],
    },
  },
  {
    files: ['eslint.config.js', '.dependency-cruiser.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
