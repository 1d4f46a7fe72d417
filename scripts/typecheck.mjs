// Type-checks each runtime's project on its own, so a file that compiles only with another
// runtime's globals (DOM in the core, node: in the renderer) fails here.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const projects = ['tsconfig.shared.json', 'tsconfig.renderer.json', 'tsconfig.main.json', 'tsconfig.server.json', 'tsconfig.test.json'];
let failed = 0;
for (const project of projects) {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`typecheck: ${project} has errors`);
  }
}
if (failed === 0) console.log(`typecheck: ${projects.length} projects clean`);
process.exit(failed === 0 ? 0 : 1);
