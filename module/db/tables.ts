/** Every table the module owns; all carry the mod_agenttools_ prefix. */
export const T = {
  settings: 'mod_agenttools_settings',
  programs: 'mod_agenttools_programs',
  agents: 'mod_agenttools_agents',
  clicks: 'mod_agenttools_clicks',
  referrals: 'mod_agenttools_referrals',
  commissions: 'mod_agenttools_commissions',
  txns: 'mod_agenttools_ledger_txns',
  entries: 'mod_agenttools_ledger_entries',
  balances: 'mod_agenttools_balances',
  withdrawals: 'mod_agenttools_withdrawals',
} as const;

export const MIGRATIONS_TABLE = 'mod_agenttools_migrations';
