/**
 * The carrier rejected the request itself (an invalid address, an impossible parcel). Retrying
 * cannot help: the workflow ends the shipment in FAILED with `reason`.
 */
export class CarrierValidationError extends Error {
  override readonly name = 'CarrierValidationError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The carrier could not be reached or failed on its side. Retrying may help. */
export class CarrierUnavailableError extends Error {
  override readonly name = 'CarrierUnavailableError';
}
