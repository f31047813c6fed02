import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { RequestHandler, Router } from 'express';
import type { HostApi } from './contract/host-api';
import type { ClientPermission } from './contract/permissions';
import { config, MODULE_VERSION, settingsFields, type SettingKey } from './config';
import { type Clock, systemClock } from './core/clock';
import { type Logger, consoleLogger } from './core/logger';
import { ModuleState } from './core/module-state';
import { migrate } from './db/migrate';
import { Pages } from './http/pages';
import { moduleRouter, routeTable, type Route } from './http/module-router';
import { explainCommission, type ExplainedCommission, type NumberFormats } from './commissions/explanation';
import { linkRouter } from './tracking/link-router';
import { LINK_HOSTS_SETTING } from './tracking/link-hosts-service';
import { SELF_REFERRAL_SETTING } from './attribution/self-referral';
import { SLUG_APPROVAL_SETTING } from './links/vanity-slug';
import { requireClientPermission, signInGuard } from './sign-in/sign-in-guard';
import { creativeRouter } from './creatives/creative-router';
import { adminAssetsRouter } from './admin-area/admin-assets';
import { moduleAssets } from './http/module-assets';
import { reportAssetRouter } from './reports/asset-router';
import { buildServices } from './agenttools/services';
import { buildActions } from './agenttools/actions';
import { buildHooks } from './agenttools/hooks';
import { eventsRouter } from './events-in/events-router';
import { apiRouter } from './api/api-router';
import { apiRoutes } from './api/api-routes';
import { ApiReads } from './api/api-reads';
import { ApiRateLimit, type ApiLimits } from './api/api-rate-limit';
import { openApiDocument } from './api/openapi';

export type { HookRegistration } from './agenttools/hooks';

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
  /** Requests per API key per window (docs/api.md); the default suits an integration. */
  apiLimits?: ApiLimits;
  /**
   * Where the payout details' keys are read (docs/payouts.md): AGENTTOOLS_PAYOUT_KEY and
   * AGENTTOOLS_PAYOUT_OLD_KEYS. Defaults to the process's environment.
   */
  payoutKeyEnv?: Record<string, string | undefined>;
}

export type AgentTools = ReturnType<typeof createAgentTools>;

/**
 * The module entry, in the WHMCS addon shape: config, activate, deactivate, upgrade, and the
 * client-area and admin-area output (here an express router the host mounts). This is the
 * composition root, with its three files in agenttools/: it builds every service, and hands each
 * hook handler and each controller only the services it uses. Nothing in the module imports it.
 */
export function createAgentTools(options: AgentToolsOptions) {
  const { db, host } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const language = options.language ?? config.language;
  const state = new ModuleState();
  const s = buildServices({
    db,
    host,
    clock,
    logger,
    language,
    // The secret may live in the database: activate() supplies it unless the host did.
    secret: options.secret ?? null,
    clickFlushMs: options.clickFlushMs ?? 1000,
    signInMinutes: signInMinutes(options.settings?.signin_minutes),
    payoutKeyEnv: options.payoutKeyEnv ?? process.env,
  });
  const pages = new Pages(host.http, language, (t) => ({ explain: (c: ExplainedCommission, numbers?: NumberFormats) => explainCommission(c, t, numbers) }));
  const actions = buildActions(s, db, host, pages, logger);
  const { signIns, settings, clicks } = s;
  const hooks = buildHooks(s, { logger, state }, db, host, pages);

  return {
    config,
    /** The hooks to add with the host's add_hook: registerHooks (hooks/index.ts) does it. */
    hooks,
    /**
     * The services, for the command line, the demo data and the tests, which drive the module as
     * an admin or the host would. Nothing inside the module receives this object.
     */
    services: s,

    /** Creates or updates the module's tables and its default program. Safe to run twice. */
    async activate(): Promise<{ status: 'success'; description: string }> {
      await migrate(db);
      if (!options.secret) s.signer.setSecret(await settings.init('cookie_secret', crypto.randomBytes(32).toString('base64url')));
      await s.programs.ensureDefault(options.settings ?? {});
      await settings.init(LINK_HOSTS_SETTING, options.settings?.link_hosts ?? '');
      await settings.init(SLUG_APPROVAL_SETTING, options.settings?.slug_approval ?? settingsFields.slug_approval.Default);
      await settings.init(SELF_REFERRAL_SETTING, options.settings?.self_referral ?? settingsFields.self_referral.Default);
      await s.linkHosts.load();
      await settings.set('version', MODULE_VERSION);
      clicks.start();
      s.webhookDispatcher.start(5_000);
      s.rollups.start();
      state.active = true;
      return { status: 'success', description: `Agent Tools ${MODULE_VERSION} is active` };
    },

    /** Stops taking events. Data stays: an agent's earnings are never dropped by a switch. */
    async deactivate(): Promise<{ status: 'success'; description: string }> {
      state.active = false;
      await clicks.stop();
      await s.webhookDispatcher.stop();
      await s.rollups.stop();
      return { status: 'success', description: 'Agent Tools is inactive; its data is kept' };
    },

    /** Forward-only: runs every migration newer than the installed version. */
    async upgrade(fromVersion: string): Promise<{ status: 'success'; description: string }> {
      await migrate(db);
      await settings.set('version', MODULE_VERSION);
      return { status: 'success', description: `upgraded from ${fromVersion} to ${MODULE_VERSION}` };
    },

    /** The referral links (/aff.php, /go/, /r/) and the creatives' images: mount before sessions, they need none. */
    links(): Router {
      return linkRouter({ tracking: s.tracking, linkHosts: s.linkHosts, slugs: s.slugCache, codes: s.codeCache })
        .use(creativeRouter(s.creatives))
        .use(adminAssetsRouter())
        .use(moduleAssets())
        .use(reportAssetRouter(MODULE_VERSION));
    },

    /**
     * POST /modules/addons/agenttools/events: the same hooks, from a billing system outside the
     * process, signed with its source's secret. Mount before the session and CSRF, as links():
     * the signature is its authentication.
     */
    events(): Router {
      const handlers = Object.fromEntries(hooks.map(([name, , handler]) => [name, handler]));
      return eventsRouter({ sources: s.eventSources, inbound: s.inboundEvents, handlers, state, clock, logger });
    },

    /**
     * The REST API under /modules/addons/agenttools/api/v1, with its OpenAPI document. Mount before
     * the session and CSRF, as events(): the bearer key is its authentication.
     */
    api(): Router {
      const reads = new ApiReads(db, () => host.siteUrl());
      const routes = apiRoutes({ reads, agents: s.agents, assignments: s.assignments, manualCommissions: s.manualCommissions, programs: s.programs, withdrawals: s.withdrawals, host });
      const limits = new ApiRateLimit(db, options.apiLimits);
      const openapi = () => openApiDocument(routes, MODULE_VERSION, host.siteUrl());
      return apiRouter({ routes, openapi, keys: s.apiKeys, limits, idempotency: s.apiIdempotency, state, logger });
    },

    /** For every host page, after the session: keeps a sign-in-as-client session honest. */
    signInGuard(): RequestHandler {
      return signInGuard({ http: host.http, signIns, logger });
    },

    /** For the host's client-area routes: what a service manager signed in as the client may do. */
    requireClientPermission(permission: ClientPermission | 'never'): RequestHandler {
      return requireClientPermission({ signIns, pages, logger, readers: { agents: s.agents, readerLanguage: s.readerLanguage } }, permission);
    },

    /** The client area and the admin area, for the host to mount after its session and CSRF. */
    router(): Router {
      const refusedAsClient = (signIn: Parameters<typeof signIns.audit>[0], what: string, ip: string) => signIns.audit(signIn, 'refused', what, ip);
      const readers = s.readerLanguage;
      return moduleRouter({
        http: host.http,
        logger,
        state,
        pages,
        refusedAsClient,
        clientActions: actions.client,
        adminActions: actions.admin,
        clientLanguage: (user, chosen) => readers.ofClient(user.client_id, chosen),
        adminLanguage: (admin) => readers.ofAdmin(admin.language),
      });
    },

    /** Every client-area and admin route: its action, method, who reaches it and its form's fields. */
    routes(): Route[] {
      return routeTable(actions.client, actions.admin);
    },

    /** Flushes buffered clicks; the host calls it on a graceful stop. */
    async stop(): Promise<void> {
      await clicks.stop();
      await s.webhookDispatcher.stop();
      await s.rollups.stop();
    },
  };
}

function signInMinutes(text: string | undefined): number {
  const n = Number(text ?? settingsFields.signin_minutes.Default);
  if (!Number.isInteger(n) || n < 1 || n > 24 * 60) throw new RangeError(`signin_minutes must be 1 to 1440 minutes, not ${text}`);
  return n;
}
