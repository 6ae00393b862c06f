/**
 * Lint: ESLint's and typescript-eslint's recommended sets, type-aware (the
 * project service reads tsconfig.json), with floating promises as errors —
 * an unawaited promise in a relay, recorder or worker loses its failure.
 *
 * The worker side and the shared code never import the ORM or the database
 * driver. dependency-cruiser (`npm run check:boundary`) is the rule that
 * counts, and follows imports through other files; the `no-restricted-imports`
 * block below says the same thing in the editor, as a second line of defence.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ORM_AND_DRIVER = [
  {
    group: ['@mikro-orm/*', 'pg', 'pg/*', 'pg-*'],
    message: 'Worker and shared code get their data from the payload (a DTO): no MikroORM, no pg. See docs/architecture.md.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'bench/out/',
      'test-output/',
      '.nyx/',
      // Code written to be wrong: the boundary scanner's test inputs.
      'tests/fixtures/',
      // Projects of their own (their own package.json and tsconfig), linted there.
      'examples/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `let x; … () => x …; x = …`: a closure that reads it before the one assignment cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Async functions that implement a promise-returning interface (fastify
      // handlers and plugins, BullMQ processors, workflow `run`) say so with
      // `async`; one with nothing to await is not a bug.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Plain JavaScript (config files, the bin shim): not part of tsconfig.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable', require: 'readonly' } },
  },
  {
    // Tests read untyped JSON (HTTP bodies, CLI output, Redis hashes) and check
    // its shape with expect(): the no-unsafe-* family would ask for a type on
    // every response for no safety gained; `any` is how their harnesses type
    // such a body. Everything else applies.
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['src/workers/**', 'src/workers/workflows/**', 'src/dto/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ORM_AND_DRIVER }],
    },
  },
);
