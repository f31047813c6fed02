import { z } from 'zod';

/**
 * The host events the module listens to, with the variables WHMCS passes them. Each hook's
 * variables are validated here before the core sees them.
 */
const id = z.number().int().positive();

/** What a form field holds when it cannot be a value at all (see formField). */
export const UNFIT = Symbol('unfit form field');

export type FormField = string | undefined | typeof UNFIT;

/**
 * A field a visitor filled in, as the host passes it: its text, undefined when left out, or UNFIT
 * when nothing valid could be that — longer than any valid value, or not text (a PHP form can post
 * an array). Never grounds to reject the whole hook, whatever the host's form let through: a
 * validation hook answers UNFIT beside the field, a later hook ignores it and logs that it did.
 */
function formField(max: number) {
  const fit = z.string().max(max).nullish();
  return z
    .unknown()
    .transform((v): FormField => {
      const parsed = fit.safeParse(v);
      return parsed.success ? (parsed.data ?? undefined) : UNFIT;
    })
    .optional();
}

export interface SidebarPanel {
  name: string;
  label: string;
  order: number;
  /** Already-escaped HTML produced by the module's templates. */
  bodyHtml: string;
  /** `current`: the page being shown is this item's (or one below it); the layout marks it aria-current. */
  items: { label: string; uri: string; current?: boolean }[];
}

export interface Sidebar {
  addPanel(panel: SidebarPanel): void;
}

export const hookVariables = {
  ClientAdd: z.object({
    client_id: id,
    user_id: id,
    email: z.string().email(),
    firstname: z.string(),
    lastname: z.string(),
    /** What the visitor typed in the sign-up form's "Referral code" field, if anything. */
    referral_code: formField(32),
  }),
  /**
   * Before the host creates a client from its sign-up form (WHMCS's ClientDetailsValidation): a
   * handler answers with messages by form field, which the host shows beside those fields.
   */
  ClientDetailsValidation: z.object({
    email: z.string(),
    referral_code: formField(32),
  }),
  InvoicePaid: z.object({ invoiceid: id }),
  /**
   * Before the host places an order from its order form (WHMCS's ShoppingCartValidateCheckout): as
   * with ClientDetailsValidation, messages by form field, shown beside them; no order is made.
   */
  ShoppingCartValidateCheckout: z.object({
    userid: id,
    /** What the client typed in the order form's "Referral code" field, if anything. */
    referral_code: formField(32),
    /** The domain the order registers, as typed. */
    domain: formField(253),
  }),
  /** After an order is placed (WHMCS's AfterShoppingCartCheckout, with its capitalised names). */
  AfterShoppingCartCheckout: z.object({
    OrderID: id,
    InvoiceID: id,
    ClientID: id,
    /** The referral code typed at checkout, normally accepted by ShoppingCartValidateCheckout. */
    referral_code: formField(32),
    /** The domain the order registers, if it does. */
    domain: formField(253),
  }),
  /** The host's cron found an unpaid invoice past its due date; fired once per invoice. */
  InvoiceOverdue: z.object({ invoiceid: id }),
  /** A service was suspended (WHMCS's AfterModuleSuspend: the module params; userid is the client). */
  AfterModuleSuspend: z.object({ params: z.object({ serviceid: id, userid: id, pid: id }) }),
  InvoiceRefunded: z.object({
    invoiceid: id,
    /** Refunded amount in minor units; absent means the whole invoice. */
    amount_minor: z.number().int().positive().optional(),
    /** The host's id of this refund, so that a second refund of the same invoice counts too. */
    refund_id: z.string().min(1).max(64).optional(),
    /** The invoice lines refunded, when the host knows; otherwise the refund is spread over all. */
    line_ids: z.array(id).min(1).optional(),
  }),
  ClientClose: z.object({ userid: id }),
  DailyCronJob: z.object({}),
  ClientAreaPrimarySidebar: z.object({
    client_id: id.nullable(),
    /**
     * The address of the page being shown (PHP's REQUEST_URI), so that a panel can mark its current
     * item. Only a hint: one that is not text, or too long to be a page of ours, is dropped, never
     * grounds to refuse the sidebar.
     */
    request_uri: z.string().max(4096).optional().catch(undefined),
    sidebar: z.custom<Sidebar>((v) => typeof v === 'object' && v !== null && 'addPanel' in v && typeof v.addPanel === 'function', {
      message: 'sidebar must offer addPanel()',
    }),
  }),
  /**
   * The client area's home page (WHMCS's ClientAreaHomepagePanels): a handler adds panels, shown
   * above the host's own content in their order. The same panel shape as the sidebar's.
   */
  ClientAreaHomepagePanels: z.object({
    client_id: id,
    /** The home page's address, as for the sidebar: a panel follows a `?language=` asked on it. Only a hint. */
    request_uri: z.string().max(4096).optional().catch(undefined),
    panels: z.custom<Sidebar>((v) => typeof v === 'object' && v !== null && 'addPanel' in v && typeof v.addPanel === 'function', {
      message: 'panels must offer addPanel()',
    }),
  }),
} as const;

export type HookName = keyof typeof hookVariables;
export type HookVariables<N extends HookName> = z.infer<(typeof hookVariables)[N]>;

/** What the host knows about the request that caused the event, when there was one. */
export interface HookContext {
  request?: { cookies: Record<string, string | undefined>; ip?: string; userAgent?: string };
}

/** Messages by form field, from a validation hook; empty when all is well. */
export type HookFieldErrors = Record<string, string>;

export type HookHandler = (vars: unknown, ctx?: HookContext) => Promise<void | HookFieldErrors>;

/** The host's add_hook(name, priority, handler). */
export type AddHook = (name: HookName, priority: number, handler: HookHandler) => void;
