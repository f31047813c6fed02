/** Where the module's public files live, as a WHMCS addon's do under modules/addons/<name>/. */
export const MODULE_FILES = '/modules/addons/agenttools';

export function creativeImagePath(id: number): string {
  return `${MODULE_FILES}/creative/${id}`;
}

export const COPY_SCRIPT_PATH = `${MODULE_FILES}/assets/copy-embed.js`;
