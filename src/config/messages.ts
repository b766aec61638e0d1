/**
 * zod/mini (the schemas' library: a tenth of zod's size to load, on every build) has
 * no messages of its own; these are the English ones full zod uses, so an error reads
 * `expected number, received string` rather than `Invalid input`.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
