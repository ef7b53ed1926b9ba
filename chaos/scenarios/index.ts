import type { Scenario } from '../lib/scenario';
import { carrierErrors } from './carrier-errors';

/** The scenarios `npm run chaos -- <name>` knows (docs/chaos.md). */
export const SCENARIOS: Scenario[] = [carrierErrors];
