import type { SettingsStore } from '../settings/settings-store';
import type { Logger } from '../core/logger';
import { linkHostsText } from './deep-link';

export const LINK_HOSTS_SETTING = 'link_hosts';

/**
 * The deep-link allow-list, held in memory for the redirect. An admin's save replaces it at once
 * on this node; other nodes re-read it in the background every `ttlMs`, and a click never waits
 * for that read (it uses the list it has).
 */
export class LinkHosts {
  private hosts: ReadonlySet<string> = new Set();
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {}

  /** The allowed hosts now; starts a background re-read when the list is older than ttlMs. */
  current(now = Date.now()): ReadonlySet<string> {
    if (now - this.loadedAt > this.ttlMs && !this.loading) {
      this.loading = this.load(now)
        .catch((e) => this.logger.error('deep-link hosts not re-read, keeping the last list', { error: String(e) }))
        .finally(() => {
          this.loading = null;
        });
    }
    return this.hosts;
  }

  async load(now = Date.now()): Promise<void> {
    this.use((await this.settings.get(LINK_HOSTS_SETTING)) ?? '', now);
  }

  /** Validates and stores the setting, and uses it here at once. */
  async save(text: string): Promise<string[]> {
    const hosts = linkHostsText.parse(text);
    await this.settings.set(LINK_HOSTS_SETTING, hosts.join(','));
    this.hosts = new Set(hosts);
    this.loadedAt = Date.now();
    return hosts;
  }

  private use(text: string, now: number): void {
    const parsed = linkHostsText.safeParse(text);
    if (!parsed.success) this.logger.error('the link_hosts setting is not a list of host names; deep links go home', { value: text.slice(0, 200) });
    this.hosts = new Set(parsed.success ? parsed.data : []);
    this.loadedAt = now;
  }
}
