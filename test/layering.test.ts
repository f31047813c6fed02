import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The folder each relative import of a file lands in, at the top level of the project. */
function importedTops(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  return [...text.matchAll(/from\s+'(\.[^']+)'/g)].map((m) => path.relative(ROOT, path.resolve(path.dirname(file), m[1]!)).split(path.sep)[0]!);
}

describe('layering: hooks → module → database, host outside', () => {
  it('module/ never imports host/ nor hooks/', () => {
    const files = tsFiles(path.join(ROOT, 'module'));
    expect(files.length).to.be.greaterThan(20);
    const bad = files.flatMap((f) => importedTops(f).filter((t) => t === 'host' || t === 'hooks').map((t) => `${path.relative(ROOT, f)} imports ${t}/`));
    expect(bad).to.deep.equal([]);
  });

  it('hooks/ imports only the module, never host/', () => {
    const bad = tsFiles(path.join(ROOT, 'hooks')).flatMap((f) => importedTops(f).filter((t) => t !== 'module' && t !== 'hooks').map((t) => `${path.relative(ROOT, f)} imports ${t}/`));
    expect(bad).to.deep.equal([]);
  });

  it('the check sees a planted violation', () => {
    const planted = path.join(ROOT, 'module', 'http', 'planted.ts');
    expect(importedTops(planted, "import { createHost } from '../../host/app';\nimport { T } from '../db/tables';\n")).to.deep.equal(['host', 'module']);
  });
});
