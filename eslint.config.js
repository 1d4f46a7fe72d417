// Lint at error level. The runtime layering is enforced here as well as by the separate
// tsconfig projects: a layer importing from a runtime it cannot run in fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'stream', 'zlib', 'events', 'util'];
const banned = (patterns, message) => ({ group: patterns, message });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'migrations/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(nodeBuiltins, 'src-shared runs everywhere: no Node built-ins.'),
          banned(['electron'], 'src-shared runs everywhere: no electron.'),
          banned(['react', 'react-dom', 'ag-grid-*', 'zustand'], 'src-shared holds no UI code.'),
          banned(['**/src-main/**', '**/src-renderer/**', '**/src-server/**', 'better-sqlite3', 'drizzle-orm*'], 'src-shared imports only from src-shared.'),
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        patterns: [
          banned(nodeBuiltins, 'The renderer runs sandboxed: no Node built-ins. Ask the core through the client API.'),
          banned(['electron'], 'The renderer reaches Electron only through the preload bridge (window.crm).'),
          banned(['**/src-main/**', '**/src-server/**', 'better-sqlite3', 'drizzle-orm*'], 'The renderer never touches the database: call the typed client API.'),
        ],
      }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(['electron'], 'Only src-main/electron may import electron: the core also runs in the browser host and the CLI.'),
          banned(['**/src-renderer/**', 'react', 'react-dom'], 'Main-side code does not import the renderer.'),
        ],
      }],
    },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [banned(['**/src-renderer/**', 'react', 'react-dom'], 'The shell does not import the renderer.')],
      }],
    },
  },
  {
    files: ['src-server/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          banned(['electron'], 'The sync server never runs inside Electron.'),
          banned(['**/src-main/**', '**/src-renderer/**', 'react', 'react-dom'], 'The server shares only src-shared with the client.'),
        ],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.{js,mjs,ts}', '*.config.{js,ts,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
);
