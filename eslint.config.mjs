// @ts-check
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default defineConfig(
  { ignores: ['node_modules/', 'data/', 'tmp/', 'run/', '.wip/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
      // An argument named _x is kept for its position (express's four-argument error handler).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Knex rows are `any` until a zod schema or a mapper decodes them: warned, not failed, while that decoding is written.
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      // Same reason: member reads on undecoded knex rows.
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      // Same reason: undecoded knex rows passed on as arguments.
      '@typescript-eslint/no-unsafe-argument': 'warn',
      // Same reason: undecoded knex rows returned from a query helper.
      '@typescript-eslint/no-unsafe-return': 'warn',
    },
  },
  {
    // Tests read HTTP bodies (supertest types them any) and rows to assert on them: the assertion is their check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // This config file and any other ES module script run by node: no types to check them with.
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
  },
  {
    // Tool configs that node loads with require (dependency-cruiser's).
    files: ['**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
  },
  {
    // A browser script served as is to the agent's Assets page: a classic script, no bundler.
    files: ['module/creatives/assets/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', navigator: 'readonly', window: 'readonly' },
    },
  },
  {
    // The admin area's person picker: a classic script served as is, no bundler.
    files: ['module/admin-area/assets/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  prettier,
);
