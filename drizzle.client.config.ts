import { defineConfig } from 'drizzle-kit';

// The desktop replica's schema. Generated SQL goes to migrations/client with its journal and is
// committed after review; the core applies it at start with drizzle's migrator.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src-main/core/db/schema.ts',
  out: './migrations/client',
});
