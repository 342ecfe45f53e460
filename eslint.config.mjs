import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Dependencies point one way: app/components -> server (types only) -> engine.
const uiPackages = ['react', 'react-dom', 'next', 'next/*', '@trpc/*', '@tanstack/*', 'recharts'];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'data/**', 'bench-data/**', 'next-env.d.ts']),
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: uiPackages, message: 'engine/ is pure broker code: no UI or console packages.' },
          { group: ['**/server/**', '**/app/**', '**/components/**'], message: 'engine/ must not depend on the console side.' },
        ],
      }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/engine', '**/engine/**'], message: 'The console reaches the broker through server/ and tRPC.' },
          { group: ['**/server/**'], allowTypeImports: true, message: 'UI code may import server types only (import type).' },
        ],
      }],
    },
  },
]);
