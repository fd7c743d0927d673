// Rewrites schemas/openapi.json from the JSON Schemas (run after changing schemas/*.schema.json):
//   npm run schemas:openapi
// test/schemas/openapi.test.ts fails while the file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { openApiText } from '../dist/core/openapi.js';

writeFileSync(new URL('../schemas/openapi.json', import.meta.url), openApiText());
console.log('wrote schemas/openapi.json');
