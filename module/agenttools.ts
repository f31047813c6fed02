import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { RequestHandler, Router } from 'express';
import { MIGRATIONS_TABLE } from './db/tables';
import { migrationSource } from './db/migrations';
import { config, MODULE_VERSION, settingsFields, type SettingKey } from './config';
import type { HostApi } from './contract/host-api';
import { type Clock, systemClock } from './core/clock';
import { type Logger, consoleLogger } from './core/logger';
import { SettingsStore } from './settings/settings-store';
import { ProgramService } from './programs/program-service';
import { AgentService } from './agents/agent-service';
import { ReferralCookie } from './tracking/referral-cookie';
import { AgentLinkCache } from './tracking/agent-cache';
import { ClickRecorder } from './tracking/click-recorder';
import { TrackingService } from './tracking/tracking-service';
import { LinkHosts, LINK_HOSTS_SETTING } from './tracking/link-hosts';
import { AttributionService } from './attribution/attribution-service';
import { ReviewService } from './attribution/review-service';
import { SELF_REFERRAL_SETTING } from './attribution/self-referral';
import { DomainService } from './attribution/domain-service';
import { DeviceCookie } from './attribution/device-cookie';
import { AgentDevices } from './attribution/agent-devices';
import { CodeCache } from './links/code-cache';
import { SlugCache } from './links/slug-cache';
import { SlugService } from './links/slug-service';
import { SLUG_APPROVAL_SETTING } from './links/vanity-slug';
import { Ledger } from './ledger/ledger';
import { CommissionService } from './commissions/commission-service';
import { OrderOverrideService } from './commissions/order-override-service';
import { WithdrawalService } from './withdrawals/withdrawal-service';
import { ForfeitureService } from './commissions/forfeiture-service';
import { ServiceManagerService } from './service-managers/service-manager-service';
import { SignInService } from './sign-in/sign-in-service';
import { requireClientPermission, signInGuard } from './sign-in/sign-in-guard';
import type { ClientPermission } from './service-managers/permissions';
import { linkRouter, moduleRouter } from './http/router';
import { NotificationService } from './notifications/notification-service';
import { QuoteService } from './quotes/quote-service';
import { CreativeService } from './creatives/creative-service';
import { creativeRouter } from './creatives/creative-router';
import { CookieSigner } from './core/cookie-signer';

export interface AgentToolsOptions {
  db: Knex;
  host: HostApi;
  clock?: Clock;
  logger?: Logger;
  /** Signs referral cookies; every app node must share it. Defaults to one kept in the database. */
  secret?: string;
  /** The addon settings, in the shape of config.fields; used when the module is first activated. */
  settings?: Partial<Record<SettingKey, string>>;
  clickFlushMs?: number;
  /** Language of the module's pages: a file in lang/. */
  language?: string;
}

export type AgentTools = ReturnType<typeof createAgentTools>;

/**
 * The module entry, in the WHMCS addon shape: config, activate, deactivate, upgrade, and the
 * client-area and admin-area output (here an express router the host mounts). Services are wired
 * by hand, here and nowhere else.
 */
export function createAgentTools(options: AgentToolsOptions) {
  const { db, host } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const settings = new SettingsStore(db);
  const programs = new ProgramService(db, clock);
  const agents = new AgentService(db, host, programs, clock);
  const ledger = new Ledger(db, clock);
  const linkCache = new AgentLinkCache(db);
  const clicks = new ClickRecorder(db, logger, options.clickFlushMs ?? 1000);
  const linkHosts = new LinkHosts(settings, logger);
  // The secret may live in the database, so activate() supplies it unless the host did.
  const signer = new CookieSigner(options.secret ?? null);
  const cookies = new ReferralCookie(signer);
  const domains = new DomainService(db, agents, programs, host, clock, logger);
  const devices = new AgentDevices(db, agents, new DeviceCookie(signer), clock, logger);
  const attribution = new AttributionService(db, agents, programs, cookies, clock, logger, host, settings, domains, devices);
  const slugCache = new SlugCache(db);
  const codeCache = new CodeCache(db);
  const serviceManagers = new ServiceManagerService(db, host, agents, attribution, clock);
  const commissions = new CommissionService(db, host, agents, programs, attribution, ledger, clock, settings);
  const language = options.language ?? config.language;
  const core = {
    language,
    db,
    host,
    clock,
    logger,
    settings,
    programs,
    agents,
    ledger,
    linkCache,
    linkHosts,
    clicks,
    cookies,
    attribution,
    domains,
    devices,
    slugCache,
    codeCache,
    slugs: new SlugService(db, settings, agents, slugCache),
    commissions,
    orderOverrides: new OrderOverrideService(db, host, agents, programs, attribution, commissions, ledger, clock),
    reviews: new ReviewService(db, attribution, ledger, clock),
    creatives: new CreativeService(db, clock),
    tracking: new TrackingService(linkCache, clicks, cookies, clock),
    withdrawals: new WithdrawalService(db, ledger, programs, agents, clock),
    forfeiture: new ForfeitureService(db, ledger, agents),
    serviceManagers,
    notifications: new NotificationService(db, host, agents, serviceManagers, attribution, clock, logger, language),
    quotes: new QuoteService(host, agents, serviceManagers, attribution, logger),
    signIns: new SignInService(db, agents, serviceManagers, clock, signInMinutes(options.settings?.signin_minutes)),
    /** False until activate() and after deactivate(): hooks then do nothing. */
    active: false,
  };
  agents.onChange((id) => linkCache.invalidate(id));

  // Several app nodes may start at once: knex refuses a second migrator rather than waiting
  // (its lock, or its own bookkeeping tables, are taken), so the loser waits and tries again.
  async function migrate(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
        return;
      } catch (e) {
        const text = String((e as Error).message);
        const contended = (e as Error).name === 'MigrationLocked' || /already exists|already locked|Duplicate entry/i.test(text);
        if (!contended || attempt >= 240) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  return {
    config,
    core,

    /** Creates or updates the module's tables and its default program. Safe to run twice. */
    async activate(): Promise<{ status: 'success'; description: string }> {
      await migrate();
      if (!options.secret) {
        const secret = await settings.init('cookie_secret', crypto.randomBytes(32).toString('base64url'));
        signer.setSecret(secret);
      }
      await programs.ensureDefault(options.settings ?? {});
      await settings.init(LINK_HOSTS_SETTING, options.settings?.link_hosts ?? '');
      await settings.init(SLUG_APPROVAL_SETTING, options.settings?.slug_approval ?? settingsFields.slug_approval.Default);
      await settings.init(SELF_REFERRAL_SETTING, options.settings?.self_referral ?? settingsFields.self_referral.Default);
      await linkHosts.load();
      await settings.set('version', MODULE_VERSION);
      clicks.start();
      core.active = true;
      return { status: 'success', description: `Agent Tools ${MODULE_VERSION} is active` };
    },

    /** Stops taking events. Data stays: an agent's earnings are never dropped by a switch. */
    async deactivate(): Promise<{ status: 'success'; description: string }> {
      core.active = false;
      await clicks.stop();
      return { status: 'success', description: 'Agent Tools is inactive; its data is kept' };
    },

    /** Forward-only: runs every migration newer than the installed version. */
    async upgrade(fromVersion: string): Promise<{ status: 'success'; description: string }> {
      await migrate();
      await settings.set('version', MODULE_VERSION);
      return { status: 'success', description: `upgraded from ${fromVersion} to ${MODULE_VERSION}` };
    },

    /** The referral links (/aff.php) and the creatives' images: mount before sessions, they need none. */
    links(): Router {
      return linkRouter(core).use(creativeRouter(core));
    },

    /** For every host page, after the session: keeps a sign-in-as-client session honest. */
    signInGuard(): RequestHandler {
      return signInGuard(core);
    },

    /** For the host's client-area routes: what a service manager signed in as the client may do. */
    requireClientPermission(permission: ClientPermission | 'never'): RequestHandler {
      return requireClientPermission(core, permission);
    },

    /** The client area and the admin area, for the host to mount after its session and CSRF. */
    router(): Router {
      return moduleRouter(core);
    },

    /** Flushes buffered clicks; the host calls it on a graceful stop. */
    async stop(): Promise<void> {
      await clicks.stop();
    },
  };
}

export type Core = ReturnType<typeof createAgentTools>['core'];

function signInMinutes(text: string | undefined): number {
  const n = Number(text ?? settingsFields.signin_minutes.Default);
  if (!Number.isInteger(n) || n < 1 || n > 24 * 60) throw new RangeError(`signin_minutes must be 1 to 1440 minutes, not ${text}`);
  return n;
}
