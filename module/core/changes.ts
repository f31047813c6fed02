/** What changed, by kind: the id of an agent or a program, or a vanity slug. */
interface ChangeKinds {
  agent: number;
  program: number;
  slug: string;
}

type Listener<T> = (changed: T) => void;

/**
 * Changes that in-memory caches must hear of: services publish them after writing, and caches
 * subscribe in their constructors, so that a change made on this node is seen at once here.
 * Other app nodes do not hear it: their caches see it when their entries expire (the TTL).
 */
export class Changes {
  private readonly listeners: { [K in keyof ChangeKinds]: Listener<ChangeKinds[K]>[] } = { agent: [], program: [], slug: [] };

  on<K extends keyof ChangeKinds>(kind: K, listener: Listener<ChangeKinds[K]>): void {
    this.listeners[kind].push(listener);
  }

  /** An agent was added, blocked or reactivated. */
  agent(agentId: number): void {
    for (const l of this.listeners.agent) l(agentId);
  }

  /** A program was loaded: its cookie days or attribution may differ. */
  program(programId: number): void {
    for (const l of this.listeners.program) l(programId);
  }

  /** Slugs that were given, taken back, approved or refused; nulls (no slug before) are skipped. */
  slug(...slugs: (string | null)[]): void {
    for (const s of slugs) if (s) for (const l of this.listeners.slug) l(s);
  }
}
