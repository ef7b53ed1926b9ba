export interface RenderedEmail {
  subject: string;
  text: string;
}

/** The welcome email: the parcel has a label and a tracking number. */
export function renderWelcome(variables: Record<string, string>): RenderedEmail {
  const tracking = variables.trackingNumber ?? 'unknown';
  const carrier = variables.carrier ?? 'the carrier';
  return {
    subject: `Your shipment is on its way (${carrier} ${tracking})`,
    text: `Hello,\n\nYour parcel has been registered with ${carrier}. Tracking number: ${tracking}.\n`,
  };
}
