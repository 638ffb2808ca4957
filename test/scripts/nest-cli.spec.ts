import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// nest-cli.json describes the monorepo (the build itself is scripts/build.mjs): it must name
// every app and library there is, with paths and tsconfigs that exist, and nothing else.
const root = join(__dirname, '..', '..');
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
  root: string;
  projects: Record<
    string,
    { type: string; root: string; sourceRoot: string; compilerOptions: { tsConfigPath: string } }
  >;
};

describe('nest-cli.json', () => {
  it('lists every app and library folder, and only those', () => {
    const folders = ['apps', 'libs'].flatMap((dir) => readdirSync(join(root, dir)).map((name) => `${dir}/${name}`));
    expect(
      Object.values(nestCli.projects)
        .map((p) => p.root)
        .sort(),
    ).toEqual(folders.sort());
  });

  it.each(Object.entries(nestCli.projects))('%s: its type, source root and tsconfig are real', (name, project) => {
    expect(project.type).toBe(project.root.startsWith('apps/') ? 'application' : 'library');
    expect(project.root.endsWith(`/${name}`)).toBe(true);
    expect(existsSync(join(root, project.sourceRoot, project.type === 'application' ? 'main.ts' : 'index.ts'))).toBe(
      true,
    );
    expect(existsSync(join(root, project.compilerOptions.tsConfigPath))).toBe(true);
  });

  it('has the HTTP API as its default project', () => {
    expect(nestCli.root).toBe('apps/api');
  });
});
