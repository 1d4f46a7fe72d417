import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The runtime layering is a lint rule; this checks the rule itself, so a change to
 * eslint.config.js that stops catching a wrong import fails here.
 */
const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'parse');
}

describe('runtime layering', () => {
  it.each([
    ['src-shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
    ['src-shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-shared/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;\n"],
    ['src-renderer/x.ts', "import path from 'node:path';\nexport const a = path;\n"],
    ['src-renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
    ['src-renderer/x.ts', "import { CoreService } from '../src-main/core/core.service';\nexport const a = CoreService;\n"],
    ['src-main/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-main/host/x.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n"],
  ])('refuses %s importing across runtimes', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports');
  });

  it.each([
    ['src-main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-main/core/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
    ['src-renderer/x.ts', "import { entities } from '../src-shared/entities/index';\nexport const a = entities;\n"],
  ])('allows %s its own runtime', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain('no-restricted-imports');
  });
});
