/** Every table the module owns; all carry the mod_agenttools_ prefix. */
export const T = {
  settings: 'mod_agenttools_settings',
  programs: 'mod_agenttools_programs',
  programVersions: 'mod_agenttools_program_versions',
  targets: 'mod_agenttools_agent_targets',
  performers: 'mod_agenttools_line_performers',
  assignmentLog: 'mod_agenttools_assignment_log',
  serviceManagers: 'mod_agenttools_service_managers',
  signIns: 'mod_agenttools_sign_ins',
  signInAudit: 'mod_agenttools_sign_in_audit',
  refunds: 'mod_agenttools_refunds',
  payoutRuns: 'mod_agenttools_payout_runs',
  agents: 'mod_agenttools_agents',
  clicks: 'mod_agenttools_clicks',
  referrals: 'mod_agenttools_referrals',
  referralReviews: 'mod_agenttools_referral_reviews',
  commissions: 'mod_agenttools_commissions',
  txns: 'mod_agenttools_ledger_txns',
  entries: 'mod_agenttools_ledger_entries',
  balances: 'mod_agenttools_balances',
  withdrawals: 'mod_agenttools_withdrawals',
  notifications: 'mod_agenttools_notifications',
} as const;

export const MIGRATIONS_TABLE = 'mod_agenttools_migrations';
