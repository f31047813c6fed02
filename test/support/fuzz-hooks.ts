import fc from 'fast-check';
import { z } from 'zod';
import { hookVariables, type HookContext, type HookName, type SidebarPanel } from '../../module/contract/hooks';
import { hostileJson, hostileText } from './fuzz-values';

/** What the fuzz suite knows of the world when it makes a hook's variables: real codes and e-mails. */
export interface HookPools {
  codes: string[];
  emails: string[];
  domains: string[];
}

const realId = fc.integer({ min: 1, max: 15 });

/** A plausible value for a hook variable of this name: real ids (of anyone's objects), real codes and domains. */
function plausible(key: string, pools: HookPools): fc.Arbitrary<unknown> {
  if (key === 'sidebar') return fc.constant({ addPanel: (_p: SidebarPanel) => undefined });
  if (key === 'panels') return fc.constant({ addPanel: (_p: SidebarPanel) => undefined });
  if (key === 'params') return fc.record({ serviceid: realId, userid: realId, pid: realId });
  if (key === 'amount_minor') return fc.integer({ min: 1, max: 50_000 });
  if (key === 'refund_id') return fc.string({ minLength: 1, maxLength: 64 });
  if (key === 'line_ids') return fc.array(realId, { minLength: 1, maxLength: 3 });
  if (key === 'email') return fc.constantFrom(...pools.emails, 'new-person@example.com', 'someone@acme-widgets.example');
  if (key === 'referral_code') return fc.constantFrom(...pools.codes, 'nope', '');
  if (key === 'domain') return fc.constantFrom(...pools.domains, 'acme-widgets.example', 'gmail.com');
  if (key === 'firstname' || key === 'lastname') return fc.constantFrom('Visitor', 'Person');
  return realId;
}

/** The variable names of a hook, from its schema. */
export function hookKeys(name: HookName): string[] {
  const schema: z.ZodType = hookVariables[name];
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/**
 * A hook's variables: each one plausible, hostile (any type, numbers JSON cannot carry) or left
 * out, sometimes with a variable the hook does not know; now and then not an object at all.
 */
export function hookVariablesArb(name: HookName, pools: HookPools): fc.Arbitrary<unknown> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of hookKeys(name)) {
    shape[key] = fc.oneof({ weight: 5, arbitrary: plausible(key, pools) }, { weight: 3, arbitrary: hostileJson }, { weight: 1, arbitrary: fc.constant(undefined) });
  }
  const object = fc.record({ ...shape, extra: fc.option(hostileJson, { nil: undefined }) }).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
  return fc.oneof({ weight: 12, arbitrary: object }, { weight: 1, arbitrary: hostileJson });
}

/** The request a hook came with: its cookies forged, garbled or missing. */
export const hookContextArb: fc.Arbitrary<HookContext | undefined> = fc.option(
  fc.record({
    request: fc.record({
      cookies: fc.dictionary(fc.constantFrom('agenttools_ref', 'agenttools_dev', 'billing.sid', 'x'), hostileText, { maxKeys: 3 }),
      ip: fc.option(fc.constantFrom('127.0.0.1', '::1', 'not an ip'), { nil: undefined }),
      userAgent: fc.option(hostileText, { nil: undefined }),
    }),
  }),
  { nil: undefined },
);
