import express, { type Express } from 'express';
import type { Knex } from 'knex';
import { createAgentTools, type AgentTools, type AgentToolsOptions } from '../../../module/agenttools';
import { type Clock, systemClock } from '../../../module/core/clock';
import { type Logger, consoleLogger } from '../../../module/core/logger';
import { BridgeHttp } from './bridge-http';
import { WhmcsApi, type WhmcsApiOptions } from './whmcs-api';
import { WhmcsHostApi } from './whmcs-host-api';

export interface WhmcsBridgeOptions {
  db: Knex;
  whmcs: WhmcsApiOptions;
  /** WHMCS's System URL as clients see it. */
  siteUrl: string;
  timeZone?: string;
  productGroups?: Record<number, string>;
  clock?: Clock;
  logger?: Logger;
  module?: Partial<Omit<AgentToolsOptions, 'db' | 'host' | 'clock' | 'logger'>>;
}

export interface WhmcsBridge {
  app: Express;
  agentTools: AgentTools;
  host: WhmcsHostApi;
}

/**
 * Agent Tools as a service beside WHMCS: the core unchanged, its host contract over WHMCS's API,
 * its events from the addon's hooks.php, its pages through the addon's pages (signed requests).
 */
export async function createWhmcsBridge(options: WhmcsBridgeOptions): Promise<WhmcsBridge> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const http = new BridgeHttp(options.siteUrl.replace(/\/$/, ''));
  const host = new WhmcsHostApi({ api: new WhmcsApi(options.whmcs), siteUrl: options.siteUrl, timeZone: options.timeZone, http, productGroups: options.productGroups });
  const agentTools = createAgentTools({ db: options.db, host, clock, logger, ...options.module });
  await agentTools.activate();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(agentTools.links());
  app.use(agentTools.events());
  app.use(['/index.php', '/admin/addonmodules.php'], ...http.signedPages(agentTools.services.eventSources, clock, logger));
  app.use(agentTools.router());
  return { app, agentTools, host };
}
