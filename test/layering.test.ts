import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { ICruiseResult, IForbiddenRuleType, ICruiseOptions } from 'dependency-cruiser';

const ROOT = path.resolve(__dirname, '..');

interface Config {
  forbidden: IForbiddenRuleType[];
  options: ICruiseOptions;
}

/** Cruises `dirs` under `baseDir` with the rules of .dependency-cruiser.cjs; one line per violation. */
async function violations(baseDir: string, dirs: string[]): Promise<string[]> {
  // dependency-cruiser is ESM-only; the config is the same file `npm run depcruise` reads.
  const { cruise } = await import('dependency-cruiser');
  const config = ((await import(pathToFileURL(path.join(ROOT, '.dependency-cruiser.cjs')).href)) as { default: Config }).default;
  const { output } = await cruise(dirs, { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  const result = output as ICruiseResult;
  expect(result.summary.totalCruised, 'files cruised').to.be.greaterThan(0);
  const lines = result.summary.violations.map((v) => `${v.rule.name}: ${v.cycle ? circle(v.from, v.cycle) : `${v.from} → ${v.to}`}`);
  return [...new Set(lines)].sort();
}

/**
 * A circle written from its alphabetically first file, so that it reads the same whichever edge
 * reported it; ⇢ marks a type-only import.
 */
function circle(from: string, cycle: { name: string; dependencyTypes: string[] }[]): string {
  const edges = cycle.map((to, i) => ({ from: i === 0 ? from : cycle[i - 1]!.name, to }));
  const first = edges.reduce((min, e, i) => (e.from < edges[min]!.from ? i : min), 0);
  const ordered = [...edges.slice(first), ...edges.slice(0, first)];
  return ordered[0]!.from + ordered.map((e) => `${e.to.dependencyTypes.includes('type-only') ? ' ⇢ ' : ' → '}${e.to.name}`).join('');
}

function plant(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

describe('layering (dependency-cruiser, .dependency-cruiser.cjs)', function () {
  // The whole tree is parsed: seconds on a quiet machine, longer when the machine is busy.
  this.timeout(120_000);

  it('the tree keeps every rule: no cycle in module/, host/ and hooks/ apart, capabilities met through their services', async () => {
    expect(await violations(ROOT, ['module', 'hooks', 'host', 'bin'])).to.deep.equal([]);
  });

  it('reports each kind of planted violation, and only those', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttools-layering-'));
    try {
      plant(dir, {
        // A circle made of type-only imports, which vanish at run time but still tie the files together.
        'module/agents/agent.ts': "import type { Order } from './order';\nexport interface Agent { orders: Order[] }\n",
        'module/agents/order.ts': "import type { Agent } from './agent';\nexport interface Order { agent: Agent }\n",
        'module/agents/agent-service.ts': "import type { Agent } from './agent';\nexport type AgentView = Agent;\n",
        'module/agents/index.ts': 'export const agents = 1;\n',
        'module/withdrawals/payout.ts': 'export const post = 1;\n',
        'module/quotes/quote-service.ts':
          "import type { AgentView } from '../agents/agent-service';\nimport { agents } from '../agents/index';\nexport type Q = AgentView;\nexport const q = agents;\n",
        'module/quotes/quote-form.ts': "import { post } from '../withdrawals/payout';\nimport { q } from './quote-service';\nexport const f = post + q;\n",
        'module/http/page.ts': "import { q } from '../quotes/quote-service';\nimport { money } from '../money/amount';\nexport const p = q + money;\n",
        'module/money/amount.ts': 'export const money = 1;\n',
        'module/config.ts': "import { post } from './withdrawals/payout';\nexport const c = post;\n",
        'module/agenttools.ts': "import { h } from '../hooks/invoice-paid';\nimport { w } from './agenttools/hooks';\nexport const m = h + w;\n",
        'module/agenttools/hooks.ts': "import { h } from '../../hooks/invoice-paid';\nexport const w = h;\n",
        'module/withdrawals/wiring.ts': "import { w } from '../agenttools/hooks';\nexport const x = w;\n",
        'module/tracking/click.ts': "import { h } from '../../hooks/invoice-paid';\nimport { app } from '../../host/app';\nexport const k = h + app;\n",
        'hooks/invoice-paid.ts': "import { app } from '../host/app';\nexport const h = app;\n",
        'host/app.ts': 'export const app = 1;\n',
      });
      expect(await violations(dir, ['module', 'hooks', 'host'])).to.deep.equal([
        'capability-through-its-service: module/quotes/quote-form.ts → module/withdrawals/payout.ts',
        'hooks-not-to-host: hooks/invoice-paid.ts → host/app.ts',
        'kernel-not-to-capability: module/config.ts → module/withdrawals/payout.ts',
        'kernel-not-to-capability: module/http/page.ts → module/quotes/quote-service.ts',
        'module-not-to-hooks: module/tracking/click.ts → hooks/invoice-paid.ts',
        'module-not-to-host: module/tracking/click.ts → host/app.ts',
        'no-cycle-in-module: module/agents/agent.ts ⇢ module/agents/order.ts ⇢ module/agents/agent.ts',
        'root-wiring-is-the-entrys: module/withdrawals/wiring.ts → module/agenttools/hooks.ts',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
