// Lint rules: typescript-eslint's recommended set; the type checker does the rest.
import tseslint from 'typescript-eslint';

const RUNTIME_INTERNALS = {
  group: ['**/runtime/native', '**/runtime/native/**', '**/runtime/wasm-kernels', '**/runtime/wasm-kernels/**'],
  message: 'runtime/native and runtime/wasm-kernels are internal to runtime/: import what you need from runtime/index.ts.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'native/build/', 'vendor/', 'dist/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use a seeded RNG (src/util/rng.ts).' }],
    },
  },
  {
    // The wall around the native backend: outside runtime/, nothing reaches its OpenBLAS kernels
    // or the wasm kernel patches; runtime/index.ts exposes what others need (an optimizer
    // factory, kernel timing).
    files: ['src/**/*.ts'],
    ignores: ['src/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [RUNTIME_INTERNALS] }],
    },
  },
  {
    // cli/ parses flags, calls a layer or the pipeline, and prints: it reaches every layer through
    // the layer's index (or a sub-layer's, such as serve/measure/ or placement/zoo/), never a file inside it.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            RUNTIME_INTERNALS,
            {
              regex: String.raw`^(\.\./)+(bench|devices|market|pipeline|placement|report|runtime|scenario|serve|sweep)/(?!(\w+/)?index\.ts$)`,
              message: 'cli/ imports a layer only through its index.ts (export what you need there).',
            },
          ],
        },
      ],
    },
  },
  {
    // Layering: the market and the report are pure over records and plans; they never reach the
    // training runtime or TensorFlow.js (a record or a row is all they read).
    files: ['src/market/**/*.ts', 'src/report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            RUNTIME_INTERNALS,
            { group: ['**/runtime', '**/runtime/**'], message: 'market/ and report/ never import runtime/: take measured figures from bench records.' },
            { group: ['@tensorflow/*'], message: 'market/ and report/ never import TensorFlow.js: they are pure over records and plans.' },
          ],
        },
      ],
    },
  },
);
