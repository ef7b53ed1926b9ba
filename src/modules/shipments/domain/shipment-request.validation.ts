import { DISTANCE_UNITS, MASS_UNITS, type Address, type Parcel } from '../../carriers';
import { badInput } from '../../../platform/errors/domain-error';
import { postgresTextProblem } from '../../../platform/validation/postgres-text';
import type { CreateShipmentCommand, ShipmentRequestInput } from '../contracts/shipment.contracts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY = /^[A-Z]{2}$/;
const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

type Problems = string[];

function text(problems: Problems, path: string, value: unknown, required: boolean, max = 200): void {
  if (value === undefined || value === null || value === '') {
    if (required) problems.push(`${path} is required`);
    return;
  }
  if (typeof value !== 'string') problems.push(`${path} must be a string`);
  else if (postgresTextProblem(value)) problems.push(`${path} ${postgresTextProblem(value)}`);
  else if (value.trim() === '' && required) problems.push(`${path} is required`);
  else if (value.length > max) problems.push(`${path} must be at most ${max} characters`);
}

function address(problems: Problems, path: string, value: Address | null | undefined): void {
  if (!value || typeof value !== 'object') {
    problems.push(`${path} is required`);
    return;
  }
  for (const field of ['name', 'street1', 'city', 'zip', 'country'] as const) text(problems, `${path}.${field}`, value[field], true);
  for (const field of ['company', 'street2', 'state', 'phone', 'email'] as const) text(problems, `${path}.${field}`, value[field], false);
  if (typeof value.country === 'string' && value.country && !COUNTRY.test(value.country)) {
    problems.push(`${path}.country must be an ISO 3166-1 alpha-2 code such as US`);
  }
  if (typeof value.email === 'string' && value.email && !EMAIL.test(value.email)) problems.push(`${path}.email is not an email address`);
}

function parcel(problems: Problems, value: Parcel | null | undefined): void {
  if (!value || typeof value !== 'object') {
    problems.push('parcel is required');
    return;
  }
  for (const field of ['length', 'width', 'height', 'weight'] as const) {
    const n = value[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 100_000) problems.push(`parcel.${field} must be a positive number`);
  }
  if (!(DISTANCE_UNITS as readonly string[]).includes(value.distanceUnit)) {
    problems.push(`parcel.distanceUnit must be one of ${DISTANCE_UNITS.join(', ')}`);
  }
  if (!(MASS_UNITS as readonly string[]).includes(value.massUnit)) problems.push(`parcel.massUnit must be one of ${MASS_UNITS.join(', ')}`);
}

/**
 * Checks a create request completely and reports every problem at once. Whatever edge it came
 * from, text PostgreSQL cannot hold is refused here too (ADR 0030): the workflow this request
 * starts stores it only after the label is bought, where it could only fail for good.
 */
export function validateCreateShipment(command: ShipmentRequestInput): asserts command is CreateShipmentCommand {
  const problems: Problems = [];
  if (typeof command.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(command.idempotencyKey)) {
    problems.push('idempotencyKey must be 1 to 200 letters, digits, or . _ : -');
  }
  address(problems, 'fromAddress', command.fromAddress);
  address(problems, 'toAddress', command.toAddress);
  parcel(problems, command.parcel);
  if (typeof command.customerEmail === 'string' && postgresTextProblem(command.customerEmail)) {
    problems.push(`customerEmail ${postgresTextProblem(command.customerEmail)}`);
  } else if (typeof command.customerEmail !== 'string' || !EMAIL.test(command.customerEmail) || command.customerEmail.length > 320) {
    problems.push('customerEmail is not an email address');
  }
  if (problems.length) throw badInput(`Invalid shipment request: ${problems.join('; ')}`, { problems });
}
