/** The WHMCS-compatible addresses of the module's pages. */
export const CLIENT_AREA = '/index.php?m=agenttools';
export const ADMIN_AREA = '/admin/addonmodules.php?module=agenttools';
export const REFERRAL_LINK = '/aff.php';
/** Every agent's short canonical link: /r/<referral code>. */
export const CODE_LINK = '/r/';

export function clientAction(action: string): string {
  return `${CLIENT_AREA}&action=${encodeURIComponent(action)}`;
}

export function adminAction(action: string): string {
  return `${ADMIN_AREA}&action=${encodeURIComponent(action)}`;
}

/** Where the module serves its own stylesheet and scripts, as a WHMCS addon's live under modules/addons/<name>/. */
export const MODULE_ASSETS = '/modules/addons/agenttools/assets';
