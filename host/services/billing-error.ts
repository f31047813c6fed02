/** A billing operation refused; `field` names the form field the message belongs beside. */
export class BillingError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
