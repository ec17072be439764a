import { writeFileSync } from 'node:fs';

import { VERSION } from '../../platform/version.js';
import { allRoutes } from '../http/routes.js';
import { buildOpenApiDocument } from './openapi.document.js';

/**
 * Writes the OpenAPI document the gateway serves to a file (argv[2]), without starting
 * anything: the web app's typed client is generated from it.
 */
const target = process.argv[2];
if (!target) {
  console.error('usage: export-openapi.js <file>');
  process.exit(2);
}
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(allRoutes, { version: VERSION }), null, 2)}\n`);
