import { resolve } from 'node:path';

/** The repository root, whether this runs from src (tests) or dist (npm start). */
export const REPO_ROOT = resolve(__dirname, '../../../..');
