import type { HostApi } from '../contract/host-api';
import { isLanguage } from '../i18n/lang';
import type { AgentService } from './agent-service';
import type { ProgramService } from '../programs/program-service';

/**
 * Which language a client reads the module in, pages and e-mails alike: what they chose in this
 * browser session (`?language=`), else their own setting in the platform (WHMCS keeps one per
 * client), else, for an agent, their program's language for its agents (Cloudlessons: Russian),
 * else the module's default. A name no language file has is passed over, as WHMCS passes over it.
 */
export class ReaderLanguage {
  constructor(
    private readonly d: {
      host: Pick<HostApi, 'getClient'>;
      agents: Pick<AgentService, 'byClient'>;
      programs: Pick<ProgramService, 'get'>;
      fallback: string;
    },
  ) {}

  async ofClient(clientId: number, chosen: string | null = null): Promise<string> {
    if (chosen && isLanguage(chosen)) return chosen;
    const own = (await this.d.host.getClient(clientId))?.language?.toLowerCase() ?? null;
    if (own && isLanguage(own)) return own;
    const agent = await this.d.agents.byClient(clientId);
    const program = agent ? await this.d.programs.get(agent.programId) : null;
    const programs = program?.def.language;
    return programs && isLanguage(programs) ? programs : this.d.fallback;
  }

  /** An admin's own language in the admin area, else the module's default. */
  ofAdmin(language: string | null | undefined): string {
    const own = language?.toLowerCase() ?? null;
    return own && isLanguage(own) ? own : this.d.fallback;
  }
}
