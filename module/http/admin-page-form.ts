import type { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Action } from './action';

/**
 * A form on the admin's home page or on an agent's page. Each capability's admin controller
 * declares its own; the pages, which it does not know, show it again when refused (422) and go
 * back to where it came from with a notice (`done`, what `act` returns) when it is done.
 */
export type AdminPageForm = <S extends z.ZodType>(form: string, schema: S, act: (admin: HostAdmin, input: z.output<S>) => Promise<string>) => Action<HostAdmin>;
