import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BarplaneError } from '@barplane/contracts';
import { Public } from '../auth/roles.decorator';
import { DashboardBundle } from './dashboard-bundle';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

// The page loads only its own files and talks only to this origin; the token lives in
// sessionStorage and goes out as a bearer header, never in a URL.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The web dashboard, served without a token: index.html and style.css as they are, app.js
 * bundled from the TypeScript source (dashboard-bundle.ts); nothing else of the folder. Every
 * API call the page makes carries the bearer token the user typed in.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly dir = webDir();
  private readonly bundle = new DashboardBundle(this.dir);

  @Get()
  @Public()
  root(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('dashboard')
  @Public()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('dashboard/:file')
  @Public()
  async file(@Param('file') file: string, @Res() res: Response): Promise<void> {
    if (file === 'app.js') return this.reply(res, 'js', await this.bundle.get());
    this.send(res, file);
  }

  private send(res: Response, file: string): void {
    const m = /^[a-z0-9-]+\.(html|css|svg)$/.exec(file);
    const path = m ? join(this.dir, file) : '';
    if (!m || !existsSync(path)) throw new BarplaneError('NOT_FOUND', `no dashboard file ${file}`);
    this.reply(res, m[1], readFileSync(path));
  }

  private reply(res: Response, type: string, body: Buffer): void {
    res
      .status(200)
      .set({
        'Content-Type': TYPES[type],
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      })
      .send(body);
  }
}

/** The browser sources live next to this source file; the compiled API (dist/) finds them in the source tree. */
export function webDir(): string {
  const here = join(__dirname, 'web');
  if (existsSync(join(here, 'index.html'))) return here;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'api', 'src', 'dashboard', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return here;
}
