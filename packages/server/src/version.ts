/** The server's version, from its package.json. */
import pkg from '../package.json' with { type: 'json' };

export const DENWA_VERSION: string = pkg.version;
