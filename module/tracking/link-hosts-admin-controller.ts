import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { linkHostsText } from './deep-link';
import type { LinkHosts } from './link-hosts-service';

/** On the admin's home page: the other hosts a deep link may send visitors to. */
export function linkHostsAdminActions(form: AdminPageForm, linkHosts: Pick<LinkHosts, 'save'>): Actions<HostAdmin> {
  return {
    setLinkHosts: form('linkHosts', z.object({ link_hosts: linkHostsText }), async (_admin, v) => {
      await linkHosts.save(v.link_hosts.join(','));
      return 'linkHosts';
    }),
  };
}
