/**
 * The architecture of Agent Tools as rules that fail the build (`npm run depcruise`, and
 * test/layering.test.ts through the API).
 *
 * Layers: host/ → hooks/ → module/ → database. Inside module/, the shared kernel (core, money, db,
 * contract, http, i18n, config.ts) and the foundations every capability stands on (the ledger,
 * program definitions, settings) sit below the capabilities (every other folder); a capability
 * reaches another one only through that one's public face; the entry module/agenttools.ts is the
 * composition root that may wire anything.
 */

const KERNEL = '(?:core|money|db|contract|http|i18n|ledger|programs|settings)';
/** The composition root: the entry and its own folder of wiring, which may import anything. */
const ROOT = '^module/agenttools(?:\\.ts$|/)';
/** Any folder of module/ that is not the kernel (nor the root's) is a capability; the group is its name. */
const CAPABILITY = `^module/(?!${KERNEL}/|agenttools/)([^/]+)/`;
/** A capability's public face: its `*-service.ts` files and its `index.ts`. */
const PUBLIC_FACE = '(?:-service|/index)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycle-in-module',
      severity: 'error',
      comment: 'An import circle in module/ (type-only imports count) means no part of it can be understood, tested or moved alone; pass what a file needs through its constructor instead.',
      from: { path: '^module/' },
      to: { circular: true },
    },
    {
      name: 'module-not-to-host',
      severity: 'error',
      comment: 'The module is host-agnostic: a host reaches it through module/contract, never the reverse.',
      from: { path: '^module/' },
      to: { path: '^host/' },
    },
    {
      name: 'hooks-not-to-host',
      severity: 'error',
      comment: 'Hook handlers serve any host; the reference host only fires them.',
      from: { path: '^hooks/' },
      to: { path: '^host/' },
    },
    {
      name: 'module-not-to-hooks',
      severity: 'error',
      comment: 'Hooks call the module; only the composition root (module/agenttools.ts and agenttools/) wires the handlers.',
      from: { path: '^module/', pathNot: ROOT },
      to: { path: '^hooks/' },
    },
    {
      name: 'root-wiring-is-the-entrys',
      severity: 'error',
      comment: "module/agenttools/ is the entry's own wiring: only module/agenttools.ts builds the module from it.",
      from: { pathNot: ROOT },
      to: { path: '^module/agenttools/' },
    },
    {
      name: 'kernel-not-to-capability',
      severity: 'error',
      comment: 'The shared kernel (core, money, db, contract, http, i18n, config.ts) is below the capabilities: what it needs from one belongs in that capability.',
      from: { path: `^module/(?:${KERNEL}/|config\\.ts$)` },
      to: { path: CAPABILITY },
    },
    {
      name: 'capability-through-its-service',
      severity: 'error',
      comment: 'Another capability is reached only through its *-service.ts files or its index.ts; whatever else it holds is its own business.',
      from: { path: CAPABILITY },
      to: { path: CAPABILITY.replace('([^/]+)', '[^/]+'), pathNot: [`^module/$1/`, PUBLIC_FACE] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
