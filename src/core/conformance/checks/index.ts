/** Check id -> implementation. Every id of CHECKS has one (a test enforces it). */
import { CAPABILITY_CHECKS } from './capabilities.js';
import { CHAT_CHECKS } from './chat.js';
import type { CheckImpl } from './context.js';
import { ENDPOINT_CHECKS } from './endpoints.js';
import { ERROR_CHECKS } from './errors.js';
import { HOST_CHECKS } from './host.js';
import { LIFECYCLE_CHECKS } from './lifecycle.js';
import { STREAMING_CHECKS } from './streaming.js';

export const CHECK_IMPLEMENTATIONS: Readonly<Record<string, CheckImpl>> = {
  ...HOST_CHECKS,
  ...LIFECYCLE_CHECKS,
  ...ENDPOINT_CHECKS,
  ...CHAT_CHECKS,
  ...ERROR_CHECKS,
  ...STREAMING_CHECKS,
  ...CAPABILITY_CHECKS,
};
