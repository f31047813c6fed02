// The admin area's front door for the pages that other capabilities draw: its menu and
// breadcrumbs, the person picker's script, people by name, and the inbox's counts.
export { adminCrumbs, withdrawalsAction } from './admin-nav';
export { PICKER_SCRIPT_PATH } from './admin-assets';
export { fullName, type PeopleService } from './people-service';
export type { InboxService } from './inbox-service';
