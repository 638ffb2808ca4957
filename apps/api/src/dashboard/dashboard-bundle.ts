import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * The dashboard's TypeScript (web/app.ts and what it imports, the shared libs included) as
 * one ES module for the browser, bundled in memory by esbuild the first time it is asked for
 * and kept for the life of the process: `npm start`, the compiled API and the tests all serve
 * the source as it is, with no build step to forget. A failed bundle is tried again next time.
 */
export class DashboardBundle {
  private js?: Promise<Buffer>;

  constructor(private readonly webDir: string) {}

  get(): Promise<Buffer> {
    this.js ??= bundle(this.webDir).catch((error: unknown) => {
      this.js = undefined;
      throw error;
    });
    return this.js;
  }
}

async function bundle(webDir: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [join(webDir, 'app.ts')],
    tsconfig: join(webDir, 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0].contents);
}
